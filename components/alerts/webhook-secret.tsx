"use client";

import { useActionState, useState } from "react";
import { rotateWebhookSecretAction, type RotateSecretState } from "@/app/(console)/alerts/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { FormMessage } from "@/components/ui/form-message";

/** A signing secret shown once, right after it was created. */
export function SigningSecretOnce({ secret }: { secret: string }) {
  return (
    <div className="space-y-1 rounded-md border border-accent p-3" role="status" data-testid="webhook-signing-secret">
      <p className="text-sm font-medium">Webhook signing secret — copy it now, it is not shown again:</p>
      <code className="block break-all font-mono text-xs select-all">{secret}</code>
      <p className="text-xs text-muted">Receivers verify the webhook-signature header with it, using any Standard Webhooks library.</p>
    </div>
  );
}

/** Rotation of the organisation's signing secret, behind a confirmation dialog; the new secret is shown once. */
export function RotateWebhookSecret({ orgId, hasSecret }: { orgId: string; hasSecret: boolean }) {
  const [state, action, pending] = useActionState<RotateSecretState, FormData>(rotateWebhookSecretAction, {});
  const [open, setOpen] = useState(false);
  return (
    <div className="space-y-3">
      <p className="text-sm text-muted">
        {hasSecret ? "Deliveries are signed with this organisation's secret. Rotating it makes the old one invalid at once." : "No signing secret yet: one is created with the first webhook URL, or now."}
      </p>
      <Button type="button" variant="secondary" onClick={() => setOpen(true)}>
        {hasSecret ? "Rotate signing secret" : "Create signing secret"}
      </Button>
      <FormMessage state={state} />
      {state.secret ? <SigningSecretOnce secret={state.secret} /> : null}
      <Dialog open={open} onClose={() => setOpen(false)} title={hasSecret ? "Rotate the signing secret?" : "Create a signing secret?"} description="Receivers must be given the new secret; deliveries signed with it fail verification with the old one.">
        <form action={action} onSubmit={() => setOpen(false)} className="flex justify-end gap-2">
          <input type="hidden" name="orgId" value={orgId} />
          <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
            Cancel
          </Button>
          <Button type="submit" disabled={pending}>
            {pending ? (hasSecret ? "Rotating…" : "Creating…") : hasSecret ? "Rotate" : "Create"}
          </Button>
        </form>
      </Dialog>
    </div>
  );
}
