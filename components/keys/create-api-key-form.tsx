"use client";

import { useActionState, useState } from "react";
import { createApiKeyAction, type CreateKeyState } from "@/app/(console)/keys/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

export function CreateApiKeyForm({ orgId }: { orgId: string }) {
  const [state, action, pending] = useActionState<CreateKeyState, FormData>(createApiKeyAction, {});
  // The dialog shows each newly created key until it is dismissed; the key lives only in this state.
  const [dismissed, setDismissed] = useState<string | null>(null);
  const [copied, setCopied] = useState<string | null>(null);
  const shown = state.key && state.key !== dismissed ? state.key : null;
  const setShown = (_: null) => setDismissed(state.key ?? null);

  return (
    <>
      <form action={action} className="space-y-4" noValidate>
        <input type="hidden" name="orgId" value={orgId} />
        {state.ok ? null : <FormMessage state={state} />}
        <TextField label="Name" name="name" placeholder="e.g. production backend" defaultValue={state.ok ? "" : state.data?.name} error={state.errors?.name} />
        <TextField
          label="Project (optional)"
          name="projectKey"
          placeholder="e.g. chatbot"
          defaultValue={state.ok ? "" : state.data?.projectKey}
          error={state.errors?.projectKey}
          hint="Every event and budget check sent with this key counts under this project."
        />
        <TextField
          label="Expires on (optional, UTC)"
          name="expiresOn"
          placeholder="YYYY-MM-DD"
          inputMode="numeric"
          defaultValue={state.ok ? "" : state.data?.expiresOn}
          error={state.errors?.expiresOn}
          hint="The key stops working at the start of this day."
        />
        <Button type="submit" disabled={pending}>
          {pending ? "Creating…" : "Create key"}
        </Button>
      </form>
      <Dialog
        open={shown !== null}
        onClose={() => setShown(null)}
        title="Your new API key"
        description="Copy it now. Spendline keeps only a hash and cannot show it again."
      >
        <pre data-testid="new-api-key" className="overflow-x-auto rounded-md bg-surface-muted p-3 font-mono text-sm break-all whitespace-pre-wrap">
          {shown}
        </pre>
        <div className="mt-4 flex justify-end gap-2">
          <Button
            variant="secondary"
            onClick={async () => {
              if (shown) await navigator.clipboard?.writeText(shown).catch(() => {});
              setCopied(shown);
            }}
          >
            {copied === shown ? "Copied" : "Copy"}
          </Button>
          <Button onClick={() => setShown(null)}>Done</Button>
        </div>
      </Dialog>
    </>
  );
}
