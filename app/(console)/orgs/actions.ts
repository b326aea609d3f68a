"use server";

import { revalidatePath } from "next/cache";
import { createOrganization } from "@/lib/server/organizations";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";

export async function createOrganizationAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const input = { slug: String(form.get("slug") ?? ""), name: String(form.get("name") ?? "") };
  try {
    const org = await createOrganization(actor, input, ctx);
    revalidatePath("/orgs");
    return { ok: true, message: `Created ${org.name}.` };
  } catch (err) {
    const state = actionError(err);
    if (state.message?.includes("already exists")) state.errors = { slug: state.message };
    return { ...state, data: input };
  }
}
