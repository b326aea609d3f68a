"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { addPriceVersion } from "@/lib/server/pricing";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";

const FIELDS = ["provider", "model", "aliases", "input_per_mtok", "cached_input_per_mtok", "cache_write_per_mtok", "output_per_mtok", "per_request", "effective_from"] as const;

const addPriceFormSchema = z.object({
  provider: z.string(),
  model: z.string(),
  aliases: z.string().transform((s) => s.split(",").map((a) => a.trim()).filter(Boolean)),
  input_per_mtok: z.string().trim().min(1, "Input price is required."),
  cached_input_per_mtok: z.string().trim().transform((s) => s || null),
  cache_write_per_mtok: z.string().trim().transform((s) => s || null),
  output_per_mtok: z.string().trim().min(1, "Output price is required."),
  per_request: z.string().trim().transform((s) => s || null),
  effective_from: z.string().trim().min(1, "Effective date is required."),
});

/** Adds a price version (super admins; addPriceVersion re-checks). */
export async function addPriceVersionAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const data = Object.fromEntries(FIELDS.map((f) => [f, String(form.get(f) ?? "")]));
  try {
    const input = addPriceFormSchema.parse(data);
    const created = await addPriceVersion(actor, input, ctx);
    revalidatePath("/prices");
    return { ok: true, message: `Added a price for ${created.provider}/${created.model} effective ${created.effectiveFrom.slice(0, 10)}.` };
  } catch (err) {
    return { ...actionError(err), data };
  }
}
