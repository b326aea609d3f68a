"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { addMember, setAccountDisabled, setMemberRole } from "@/lib/server/accounts";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";
import { roleSchema } from "@/lib/schemas";

const roleOrNoneSchema = z.enum(["owner", "admin", "viewer", "none"]);

export async function addMemberAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const data = {
    email: String(form.get("email") ?? ""),
    role: String(form.get("role") ?? "viewer"),
    name: String(form.get("name") ?? ""),
  };
  try {
    const role = roleSchema.parse(data.role);
    const password = String(form.get("password") ?? "") || undefined;
    await addMember(actor, { orgId: String(form.get("orgId") ?? ""), email: data.email, role, password, name: data.name || undefined }, ctx);
    revalidatePath("/members");
    return { ok: true, message: `Added ${data.email.trim().toLowerCase()} as ${role}.` };
  } catch (err) {
    return { ...actionError(err), data };
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
