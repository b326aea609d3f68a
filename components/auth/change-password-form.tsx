"use client";

import { useActionState } from "react";
import { changePasswordAction } from "@/app/(console)/account/actions";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

export function ChangePasswordForm({ email }: { email: string }) {
  const [state, action, pending] = useActionState(changePasswordAction, {});
  return (
    // The key clears the fields after a successful change.
    <form key={state.ok ? "done" : "editing"} action={action} className="space-y-4" noValidate>
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <FormMessage state={state} />
      <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={state.errors?.currentPassword} />
      <TextField
        label="New password"
        name="newPassword"
        type="password"
        autoComplete="new-password"
        required
        error={state.errors?.newPassword}
        hint="At least 12 characters; common passwords are refused."
      />
      <TextField label="Repeat the new password" name="confirmPassword" type="password" autoComplete="new-password" required error={state.errors?.confirmPassword} />
      <Button type="submit" disabled={pending}>
        {pending ? "Changing…" : "Change password"}
      </Button>
    </form>
  );
}
