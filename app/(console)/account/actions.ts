"use server";

import { changeOwnPassword } from "@/lib/server/accounts";
import { actionContext, actionError, currentSession, type ActionState } from "@/lib/server/session";

/** Changes the signed-in person's password; their other sessions end, this one stays. */
export async function changePasswordAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const newPassword = String(form.get("newPassword") ?? "");
  if (newPassword !== String(form.get("confirmPassword") ?? "")) {
    return { ok: false, message: "The two new passwords differ.", errors: { confirmPassword: "The two new passwords differ." } };
  }
  try {
    const session = await currentSession();
    await changeOwnPassword(actor, { currentPassword: String(form.get("currentPassword") ?? ""), newPassword }, { keepSessionId: session?.sessionId, ctx });
    return { ok: true, message: "Password changed. Your other sessions have been signed out." };
  } catch (err) {
    return actionError(err);
  }
}
