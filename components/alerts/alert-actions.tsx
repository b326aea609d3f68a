"use client";

import { useActionState, useState } from "react";
import { acknowledgeAlertAction, resolveAlertAction } from "@/app/(console)/alerts/actions";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

/** Acknowledge (open alerts) and resolve with a resolution text (open or acknowledged ones). */
export function AlertActions({ alertId, status, label }: { alertId: string; status: "open" | "acknowledged"; label: string }) {
  const [ackState, acknowledge, acknowledging] = useActionState(acknowledgeAlertAction, {});
  const [resolveState, resolve, resolving] = useActionState(resolveAlertAction, {});
  const [resolveOpen, setResolveOpen] = useState(false);
  const fieldId = `resolution-${alertId}`;
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        {status === "open" ? (
          <form action={acknowledge}>
            <input type="hidden" name="alertId" value={alertId} />
            <Button type="submit" size="sm" variant="secondary" disabled={acknowledging} aria-label={`Acknowledge: ${label}`}>
              {acknowledging ? "Acknowledging…" : "Acknowledge"}
            </Button>
          </form>
        ) : null}
        {resolveOpen ? null : (
          <Button size="sm" variant="secondary" onClick={() => setResolveOpen(true)} aria-label={`Resolve: ${label}`}>
            Resolve…
          </Button>
        )}
      </div>
      {ackState.ok === false ? <FormMessage state={ackState} /> : null}
      {resolveOpen ? (
        <form action={resolve} className="space-y-2" noValidate>
          <input type="hidden" name="alertId" value={alertId} />
          {resolveState.ok === false && !resolveState.errors?.resolution ? <FormMessage state={resolveState} /> : null}
          <TextField
            id={fieldId}
            label="Resolution"
            name="resolution"
            required
            autoFocus
            placeholder="What was done about it"
            defaultValue={resolveState.data?.resolution}
            error={resolveState.errors?.resolution}
          />
          <div className="flex flex-wrap gap-2">
            <Button type="submit" size="sm" disabled={resolving}>
              {resolving ? "Resolving…" : "Resolve alert"}
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setResolveOpen(false)}>
              Cancel
            </Button>
          </div>
        </form>
      ) : null}
    </div>
  );
}
