"use client";

import { useActionState, useState } from "react";
import { deleteOrganizationAction, renameOrganizationAction, storeContentAction } from "@/app/(console)/settings/actions";
import { Button } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import type { ActionState } from "@/lib/server/session";

const initial: ActionState = {};

export function RenameOrganizationForm({ orgId, name }: { orgId: string; name: string }) {
  const [state, action, pending] = useActionState(renameOrganizationAction, initial);
  return (
    <form action={action} className="space-y-3" aria-label="Rename organisation">
      <input type="hidden" name="orgId" value={orgId} />
      <TextField label="Name" name="name" required defaultValue={state.data?.name ?? name} error={state.errors?.name} />
      <FormMessage state={state.errors?.name ? {} : state} />
      <Button type="submit" disabled={pending}>
        {pending ? "Saving…" : "Rename"}
      </Button>
    </form>
  );
}

export function StoreContentForm({ orgId, storeContent }: { orgId: string; storeContent: boolean }) {
  const [state, action, pending] = useActionState(storeContentAction, initial);
  return (
    <form action={action} className="space-y-3" aria-label="Prompt and response storage">
      <input type="hidden" name="orgId" value={orgId} />
      <label className="flex items-start gap-2 text-sm">
        <input type="checkbox" name="storeContent" defaultChecked={storeContent} className="mt-1" />
        <span>
          Store prompts and responses (redacted) with each event. When off, ingest keeps only the figures and the redaction summary; events already stored are not changed.
        </span>
      </label>
      <FormMessage state={state} />
      <Button type="submit" variant="secondary" disabled={pending}>
        {pending ? "Saving…" : "Save"}
      </Button>
    </form>
  );
}

/** Deleting needs the slug typed into a dialog (never a browser confirm box). */
export function DeleteOrganizationForm({ orgId, slug, name }: { orgId: string; slug: string; name: string }) {
  const [open, setOpen] = useState(false);
  const [typed, setTyped] = useState("");
  const [state, action, pending] = useActionState(deleteOrganizationAction, initial);
  return (
    <>
      <Button type="button" variant="danger" onClick={() => setOpen(true)}>
        Delete organisation…
      </Button>
      <Dialog open={open} onClose={() => setOpen(false)} title={`Delete ${name}?`} description={<>This deletes its events, roll-ups, budgets, alerts, keys and memberships for good. Type <span className="font-mono font-semibold">{slug}</span> to confirm.</>}>
        <form action={action} className="space-y-3">
          <input type="hidden" name="orgId" value={orgId} />
          <TextField label="Slug to confirm" name="confirm" autoComplete="off" value={typed} onChange={(e) => setTyped(e.target.value)} error={state.errors?.confirm} />
          <FormMessage state={state.errors?.confirm ? {} : state} />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={() => setOpen(false)}>
              Cancel
            </Button>
            <Button type="submit" variant="danger" disabled={pending || typed.trim() !== slug}>
              {pending ? "Deleting…" : "Delete for good"}
            </Button>
          </div>
        </form>
      </Dialog>
    </>
  );
}
