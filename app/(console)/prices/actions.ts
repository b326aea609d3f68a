"use server";

import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { z } from "zod";
import { addPriceVersion, applyReprice, previewRestatement, type RepriceResult, type RestatementPreview } from "@/lib/server/pricing";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";

const FIELDS = [
  "provider",
  "model",
  "aliases",
  "input_per_mtok",
  "cached_input_per_mtok",
  "cache_write_per_mtok",
  "cache_write_1h_per_mtok",
  "output_per_mtok",
  "per_request",
  "tiers",
  "service_tiers",
  "effective_from",
] as const;

const optional = z
  .string()
  .trim()
  .transform((s) => s || null);

function jsonField(field: string) {
  return z
    .string()
    .trim()
    .transform((s, ctx) => {
      if (!s) return null;
      try {
        return JSON.parse(s) as unknown;
      } catch {
        ctx.addIssue({ code: "custom", message: `${field} must be JSON (see the example).` });
        return z.NEVER;
      }
    });
}

const addPriceFormSchema = z.object({
  provider: z.string(),
  model: z.string(),
  aliases: z.string().transform((s) =>
    s
      .split(",")
      .map((a) => a.trim())
      .filter(Boolean),
  ),
  input_per_mtok: z.string().trim().min(1, "Input price is required."),
  cached_input_per_mtok: optional,
  cache_write_per_mtok: optional,
  cache_write_1h_per_mtok: optional,
  output_per_mtok: z.string().trim().min(1, "Output price is required."),
  per_request: optional,
  tiers: jsonField("tiers"),
  service_tiers: jsonField("service_tiers"),
  effective_from: z.string().trim().min(1, "Effective date is required."),
});

export interface AddPriceState extends ActionState {
  /** Shown before a version dated in the past is saved; saving needs `confirmed`. */
  restatement?: RestatementPreview;
}

/**
 * Adds a price version (super admins; the data layer re-checks). A version whose effective_from is
 * in the past is first answered with its restatement preview, and saved when sent again confirmed.
 */
export async function addPriceVersionAction(_prev: AddPriceState, form: FormData): Promise<AddPriceState> {
  const { actor, ctx } = await actionContext();
  const data = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? "")]));
  try {
    const input = addPriceFormSchema.parse(data) as Parameters<typeof addPriceVersion>[1];
    const parsed = new Date(/^\d{4}-\d{2}-\d{2}$/.test(data.effective_from) ? `${data.effective_from}T00:00:00Z` : data.effective_from);
    if (form.get("confirmed") !== "1" && parsed.getTime() < Date.now()) {
      const restatement = await previewRestatement(actor, input);
      return { ok: false, restatement, data };
    }
    const created = await addPriceVersion(actor, input, ctx);
    revalidatePath("/prices");
    return { ok: true, message: `Added a price for ${created.provider}/${created.model} effective ${created.effectiveFrom.slice(0, 10)}.` };
  } catch (err) {
    return { ...actionError(err), data };
  }
}

export type RepriceState = ActionState;

/**
 * Prices the waiting events a price version now covers (prices:reprice --apply; super admins),
 * then shows the page again with what was priced.
 */
export async function applyRepriceAction(_prev: RepriceState, _form: FormData): Promise<RepriceState> {
  const { actor, ctx } = await actionContext();
  let result: RepriceResult;
  try {
    result = await applyReprice(actor, {}, ctx);
  } catch (err) {
    return actionError(err);
  }
  revalidatePath("/prices");
  redirect(`/prices?${new URLSearchParams({ repriced: String(result.events), added_usd: result.costUsd }).toString()}`);
}
