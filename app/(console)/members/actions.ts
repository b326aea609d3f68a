"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { addMember, setAccountDisabled, setMemberRole } from "@/lib/server/accounts";
import { revokeInvitation } from "@/lib/server/invitations";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";
import { roleSchema } from "@/lib/schemas";

const roleOrNoneSchema = z.enum(["owner", "admin", "viewer", "none"]);

export interface AddMemberState extends ActionState {
  /** Path of a new invitation link (`/invite/<token>`), shown once. */
  invitePath?: string;
  invitedEmail?: string;
  inviteExpiresAt?: string;
}

export async function addMemberAction(_prev: AddMemberState, form: FormData): Promise<AddMemberState> {
  const { actor, ctx } = await actionContext();
  const data = { email: String(form.get("email") ?? ""), role: String(form.get("role") ?? "viewer") };
  try {
    const role = roleSchema.parse(data.role);
    const result = await addMember(actor, { orgId: String(form.get("orgId") ?? ""), email: data.email, role }, ctx);
    revalidatePath("/members");
    if (result.kind === "invited") {
      return {
        ok: true,
        message: `${result.email} has no account yet: send them this invitation link (valid for 7 days, shown once).`,
        invitePath: `/invite/${result.token}`,
        invitedEmail: result.email,
        inviteExpiresAt: result.expiresAt,
      };
    }
    return { ok: true, message: `Added ${result.email} as ${role}.` };
  } catch (err) {
    return { ...actionError(err), data };
  }
}

export async function revokeInvitationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  try {
    const { email } = await revokeInvitation(actor, String(form.get("id") ?? ""), ctx);
    revalidatePath("/members");
    return { ok: true, message: `Withdrew the invitation of ${email}.` };
  } catch (err) {
    return actionError(err);
  }
}

export async function setMemberRoleAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  try {
    const role = roleOrNoneSchema.parse(form.get("role"));
    const email = String(form.get("email") ?? "");
    await setMemberRole(actor, { email, orgId: String(form.get("orgId") ?? ""), role }, ctx);
    revalidatePath("/members");
    return { ok: true, message: role === "none" ? `Removed ${email}.` : `${email} is now ${role}.` };
  } catch (err) {
    return actionError(err);
  }
}

export async function setAccountDisabledAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  try {
    const email = String(form.get("email") ?? "");
    const disabled = form.get("disabled") === "true";
    await setAccountDisabled(actor, email, disabled, ctx);
    revalidatePath("/members");
    return { ok: true, message: `${disabled ? "Disabled" : "Enabled"} ${email}.` };
  } catch (err) {
    return actionError(err);
  }
}
