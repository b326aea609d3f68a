"use server";

import { revalidatePath } from "next/cache";
import { parseIsoDay } from "@/lib/dashboard/dates";
import { createApiKey, revokeApiKey } from "@/lib/server/api-keys";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";

export interface CreateKeyState extends ActionState {
  key?: string;
  prefix?: string;
}

export async function createApiKeyAction(_prev: CreateKeyState, form: FormData): Promise<CreateKeyState> {
  const { actor, ctx } = await actionContext();
  const data = { name: String(form.get("name") ?? ""), projectKey: String(form.get("projectKey") ?? ""), expiresOn: String(form.get("expiresOn") ?? "").trim() };
  let expiresAt: Date | null = null;
  if (data.expiresOn) {
    const day = parseIsoDay(data.expiresOn);
    if (!day) return { ok: false, message: "Give the expiry date as YYYY-MM-DD.", errors: { expiresOn: "Give the expiry date as YYYY-MM-DD." }, data };
    if (day.getTime() <= Date.now()) return { ok: false, message: "The expiry date must be in the future.", errors: { expiresOn: "The expiry date must be in the future." }, data };
    expiresAt = day;
  }
  try {
    const created = await createApiKey(actor, { orgId: String(form.get("orgId") ?? ""), name: data.name, projectKey: data.projectKey, expiresAt }, ctx);
    revalidatePath("/keys");
    return { ok: true, message: "API key created.", key: created.key, prefix: created.prefix };
  } catch (err) {
    return { ...actionError(err), data };
  }
}

export async function revokeApiKeyAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  try {
    const prefix = String(form.get("prefix") ?? "");
    await revokeApiKey(actor, prefix, ctx, String(form.get("orgId") ?? "") || undefined);
    revalidatePath("/keys");
    return { ok: true, message: `Revoked ${prefix}.` };
  } catch (err) {
    return actionError(err);
  }
}
