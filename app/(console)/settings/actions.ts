"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { deleteOrganization, renameOrganization, setStoreContent } from "@/lib/server/organizations";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";

export async function renameOrganizationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const name = String(form.get("name") ?? "");
  try {
    const org = await renameOrganization(actor, String(form.get("orgId") ?? ""), name, ctx);
    revalidatePath("/", "layout");
    return { ok: true, message: `Renamed to ${org.name}.` };
  } catch (err) {
    return { ...actionError(err), data: { name } };
  }
}

export async function storeContentAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const store = form.get("storeContent") === "on";
  try {
    await setStoreContent(actor, String(form.get("orgId") ?? ""), store, ctx);
    revalidatePath("/settings");
    return { ok: true, message: store ? "Prompts and responses are stored (redacted) from now on." : "Prompts and responses are no longer stored; new events keep only their figures." };
  } catch (err) {
    return actionError(err);
  }
}

export async function deleteOrganizationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const confirm = String(form.get("confirm") ?? "");
  try {
    await deleteOrganization(actor, String(form.get("orgId") ?? ""), confirm, ctx);
  } catch (err) {
    return { ...actionError(err), data: { confirm } };
  }
  revalidatePath("/", "layout");
  redirect("/orgs");
}
