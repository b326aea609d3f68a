"use client";

import { useActionState, useRef, useState } from "react";
import { Dialog } from "@/components/ui/dialog";
import { deleteBudgetAction, setBudgetActiveAction, updateBudgetAction } from "@/app/(console)/budgets/actions";
import { TextField } from "@/components/ui/field";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import { BudgetSettingsFields } from "./budget-settings-fields";
import type { BudgetView } from "./budget-format";

export function EditBudgetForm({ budget }: { budget: BudgetView }) {
  const [state, action, pending] = useActionState(updateBudgetAction, {});
  const keep = (name: string, current: string) => (state.ok ? current : state.data?.[name] ?? current);
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="budgetId" value={budget.id} />
      <FormMessage state={state} />
      <BudgetSettingsFields
        idPrefix="edit"
        values={{
          limitUsd: keep("limitUsd", budget.limitUsd),
          period: keep("period", budget.period),
          mode: keep("mode", budget.mode),
          warnPercent: keep("warnPercent", String(budget.warnPercent)),
        }}
        errors={state.errors}
        warnHint="Changing the period starts counting the new period from the stored events."
      />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Save budget"}
      </Button>
    </form>
  );
}

export function BudgetActiveToggle({ budget }: { budget: BudgetView }) {
  const [state, action, pending] = useActionState(setBudgetActiveAction, {});
  const [asking, setAsking] = useState(false);
  const form = useRef<HTMLFormElement>(null);
  return (
    <form
      ref={form}
      action={action}
      className="space-y-3"
      onSubmit={(e) => {
        // Deactivating asks first, in a dialog (never a browser confirm box).
        if (budget.active && !asking) {
          e.preventDefault();
          setAsking(true);
        }
      }}
    >
      <Dialog open={asking} onClose={() => setAsking(false)} title="Deactivate this budget?" description="It stops counting spend and stops enforcing its limit until it is activated again.">
        <div className="flex justify-end gap-2">
          <Button type="button" variant="secondary" onClick={() => setAsking(false)}>
            Cancel
          </Button>
          <Button
            type="button"
            variant="danger"
            onClick={() => {
              form.current?.requestSubmit();
              setAsking(false);
            }}
          >
            Deactivate
          </Button>
        </div>
      </Dialog>
      <input type="hidden" name="budgetId" value={budget.id} />
      <input type="hidden" name="active" value={budget.active ? "false" : "true"} />
      <FormMessage state={state} />
      <p className="text-sm text-muted">
        {budget.active
          ? "Active: spend counts against it and checks enforce it."
          : "Inactive: spend does not count and checks ignore it. Activating recounts this period from the stored events."}
      </p>
      <Button type="submit" variant={budget.active ? "danger" : "primary"} disabled={pending}>
        {budget.active ? "Deactivate budget" : "Activate budget"}
      </Button>
    </form>
  );
}

/** Delete with a typed confirmation in a dialog: the word "delete". */
export function DeleteBudgetButton({ budget, orgSlug }: { budget: BudgetView; orgSlug: string | null }) {
  const [state, action, pending] = useActionState(deleteBudgetAction, {});
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  return (
    <>
      <Button type="button" variant="danger" onClick={() => setOpen(true)}>
        Delete budget…
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title="Delete this budget?" description="Its counters, history, extensions and alerts go with it. Checks stop enforcing it at once. Type delete to confirm.">
        <form action={action} className="space-y-3">
          <input type="hidden" name="budgetId" value={budget.id} />
          <input type="hidden" name="org" value={orgSlug ?? ""} />
          <TextField label="Type delete" name="confirm" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} error={state.errors?.confirm} />
          {state.ok === false && !state.errors?.confirm ? <FormMessage state={state} /> : null}
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending || typed.trim().toLowerCase() !== "delete"}>
              {pending ? "Deleting…" : "Delete budget"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
