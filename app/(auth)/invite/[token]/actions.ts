"use server";

import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { isAppError } from "@/lib/server/errors";
import { clientIp } from "@/lib/server/audit";
import { acceptInvitation } from "@/lib/server/invitations";
import { actionError, type ActionState } from "@/lib/server/session";

/** Public action: the invitation token is the credential. The invitee chooses their own password. */
export async function acceptInvitationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const token = String(form.get("token") ?? "");
  const password = String(form.get("password") ?? "");
  const confirm = String(form.get("confirmPassword") ?? "");
  const name = String(form.get("name") ?? "");
  if (password !== confirm) return { ok: false, message: "The two passwords differ.", errors: { confirmPassword: "The two passwords differ." }, data: { name } };
  try {
    await acceptInvitation(token, { password, name }, { ip: clientIp(await headers()) });
  } catch (err) {
    if (isAppError(err) && (err.code === "not_found" || err.code === "conflict")) return { ok: false, message: err.message, data: { name } };
    return { ...actionError(err), data: { name } };
  }
  redirect("/login?notice=password-set");
}
