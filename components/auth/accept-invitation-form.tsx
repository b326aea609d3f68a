"use client";

import { useActionState } from "react";
import { acceptInvitationAction } from "@/app/(auth)/invite/[token]/actions";
import { Button } from "@/components/ui/button";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";

export function AcceptInvitationForm({ token, email }: { token: string; email: string }) {
  const [state, action, pending] = useActionState(acceptInvitationAction, {});
  return (
    <form action={action} className="space-y-4" noValidate>
      <input type="hidden" name="token" value={token} />
      {/* Lets password managers store the new password under the right address. */}
      <input type="hidden" name="username" autoComplete="username" value={email} />
      <FormMessage state={state} />
      <TextField label="Your name (optional)" name="name" autoComplete="name" defaultValue={state.data?.name} error={state.errors?.name} />
      <TextField
        label="Choose a password"
        name="password"
        type="password"
        autoComplete="new-password"
        required
        error={state.errors?.password}
        hint="At least 12 characters; common passwords are refused."
      />
      <TextField label="Repeat the password" name="confirmPassword" type="password" autoComplete="new-password" required error={state.errors?.confirmPassword} />
      <Button type="submit" className="w-full" disabled={pending}>
        {pending ? "Creating your account…" : "Create account"}
      </Button>
    </form>
  );
}
