// Price catalog files: Spendline's native format (SPEC §3) and LiteLLM's
// model_prices_and_context_window.json layout (USD per token, converted to per million tokens).
import { z } from "zod";
import { Decimal, dec } from "@/lib/money";

export interface PriceVersionInput {
  provider: string;
  model: string;
  aliases: string[];
  /** USD per million tokens, as exact decimal strings. */
  inputPerMtok: string;
  cachedInputPerMtok: string | null;
  cacheWritePerMtok: string | null;
  outputPerMtok: string;
  perRequest: string | null;
  /** Absent for formats without dates (LiteLLM): the importer decides. */
  effectiveFrom: Date | null;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const HAS_ZONE = /(Z|[+-]\d{2}(:?\d{2})?)$/i;

/** ISO date or date-time; UTC when no zone is given. */
export function parseEffectiveFrom(value: string): Date | null {
  const s = value.trim();
  const iso = DATE_ONLY.test(s) ? `${s}T00:00:00Z` : HAS_ZONE.test(s) ? s : `${s}Z`;
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? null : new Date(ms);
}

function money(field: string) {
  return z
    .union([z.string(), z.number()], { message: `${field} must be a number or a decimal string.` })
    .transform((v, ctx) => {
      const s = typeof v === "number" ? String(v) : v.trim();
      let d: Decimal;
      try {
        d = new Decimal(s);
      } catch {
        ctx.addIssue({ code: "custom", message: `${field} must be a decimal number.` });
        return z.NEVER;
      }
      if (!d.isFinite() || d.isNegative()) {
        ctx.addIssue({ code: "custom", message: `${field} must not be negative.` });
        return z.NEVER;
      }
      return d.toFixed();
    });
}

const optionalMoney = (field: string) =>
  money(field)
    .nullable()
    .optional()
    .transform((v) => v ?? null);

export const priceVersionInputSchema = z.object({
  provider: z.string({ message: "provider is required." }).trim().toLowerCase().min(1, "provider is required.").max(100, "provider must be at most 100 characters."),
  model: z.string({ message: "model is required." }).trim().min(1, "model is required.").max(200, "model must be at most 200 characters."),
  aliases: z
    .array(z.string().trim().min(1, "aliases must not be empty strings."), { message: "aliases must be an array of strings." })
    .optional()
    .transform((a) => [...new Set(a ?? [])]),
  input_per_mtok: money("input_per_mtok"),
  cached_input_per_mtok: optionalMoney("cached_input_per_mtok"),
  cache_write_per_mtok: optionalMoney("cache_write_per_mtok"),
  output_per_mtok: money("output_per_mtok"),
  per_request: optionalMoney("per_request"),
  effective_from: z.string({ message: "effective_from is required (ISO date or date-time)." }).transform((s, ctx) => {
    const d = parseEffectiveFrom(s);
    if (!d) {
      ctx.addIssue({ code: "custom", message: "effective_from must be an ISO date or date-time." });
      return z.NEVER;
    }
    return d;
  }),
});

export type PriceVersionRow = z.input<typeof priceVersionInputSchema>;

export function toPriceVersionInput(row: z.output<typeof priceVersionInputSchema>): PriceVersionInput {
  return {
    provider: row.provider,
    model: row.model,
    aliases: row.aliases,
    inputPerMtok: row.input_per_mtok,
    cachedInputPerMtok: row.cached_input_per_mtok,
    cacheWritePerMtok: row.cache_write_per_mtok,
    outputPerMtok: row.output_per_mtok,
    perRequest: row.per_request,
    effectiveFrom: row.effective_from,
  };
}

export class CatalogFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "CatalogFormatError";
  }
}

/** Native format: a JSON array of price versions; the first error names the entry and field. */
export function parseNativeCatalog(data: unknown): PriceVersionInput[] {
  if (!Array.isArray(data)) throw new CatalogFormatError("A native price file must be a JSON array of price entries.");
  return data.map((entry, i) => {
    const parsed = priceVersionInputSchema.safeParse(entry);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue.path.map(String).join(".");
      throw new CatalogFormatError(`entry ${i}${field ? ` (${field})` : ""}: ${issue.message}`);
    }
    return toPriceVersionInput(parsed.data);
  });
}

const PER_TOKEN_TO_PER_MTOK = new Decimal(1_000_000);

function perMtok(value: unknown): string | null {
  if (typeof value !== "number" && typeof value !== "string") return null;
  try {
    const d = dec(String(value));
    return d.isFinite() && !d.isNegative() ? d.times(PER_TOKEN_TO_PER_MTOK).toFixed() : null;
  } catch {
    return null;
  }
}

/**
 * LiteLLM layout: `{ "<model>": { input_cost_per_token, output_cost_per_token,
 * cache_read_input_token_cost?, cache_creation_input_token_cost?, litellm_provider } }`.
 * Entries without token prices (images, audio per second, the sample spec) are skipped.
 */
export function parseLiteLlmCatalog(data: unknown): { prices: PriceVersionInput[]; skipped: number } {
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new CatalogFormatError("A LiteLLM price file must be a JSON object keyed by model name.");
  const prices: PriceVersionInput[] = [];
  let skipped = 0;
  for (const [name, raw] of Object.entries(data as Record<string, unknown>)) {
    if (name === "sample_spec" || !raw || typeof raw !== "object") {
      skipped += 1;
      continue;
    }
    const entry = raw as Record<string, unknown>;
    const provider = typeof entry.litellm_provider === "string" ? entry.litellm_provider.trim().toLowerCase() : "";
    const input = perMtok(entry.input_cost_per_token);
    const output = perMtok(entry.output_cost_per_token);
    if (!provider || input === null || output === null) {
      skipped += 1;
      continue;
    }
    const model = name.toLowerCase().startsWith(`${provider}/`) ? name.slice(provider.length + 1) : name;
    prices.push({
      provider,
      model,
      aliases: model === name ? [] : [name],
      inputPerMtok: input,
      cachedInputPerMtok: perMtok(entry.cache_read_input_token_cost),
      cacheWritePerMtok: perMtok(entry.cache_creation_input_token_cost),
      outputPerMtok: output,
      perRequest: perMtok(entry.input_cost_per_request),
      effectiveFrom: null,
    });
  }
  return { prices, skipped };
}
