// Price catalog files (SPEC §3): Spendline's native format, and LiteLLM's
// model_prices_and_context_window.json layout (USD per token, converted to per million tokens).
// Both become PriceVersionInput: exact decimal strings, tiers and service tiers in their
// canonical JSON form (see price-version.ts), provider names normalised.
import { z } from "zod";
import { Decimal, dec } from "@/lib/money";
import { normalizeProvider } from "@/lib/providers";
import { SERVICE_TIERS, type ServiceTier } from "./calculate";
import { canonicalServiceTiers, canonicalTiers, type PriceVersionRates, type RatesJson, type ServiceTiersJson, type TierJson } from "./price-version";

export interface PriceVersionInput extends PriceVersionRates {
  provider: string;
  model: string;
  aliases: string[];
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
      if (d.decimalPlaces() > 12 || d.greaterThanOrEqualTo("1e12")) {
        ctx.addIssue({ code: "custom", message: `${field} must be below 10^12 with at most 12 decimal places.` });
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

const tierSchema = z.object(
  {
    above_input_tokens: z
      .number({ message: "tiers[].above_input_tokens must be an integer." })
      .int("tiers[].above_input_tokens must be an integer.")
      .min(0, "tiers[].above_input_tokens must not be negative.")
      .max(1e12, "tiers[].above_input_tokens must be at most 10^12."),
    input_per_mtok: money("tiers[].input_per_mtok"),
    cached_input_per_mtok: optionalMoney("tiers[].cached_input_per_mtok"),
    cache_write_per_mtok: optionalMoney("tiers[].cache_write_per_mtok"),
    cache_write_1h_per_mtok: optionalMoney("tiers[].cache_write_1h_per_mtok"),
    output_per_mtok: optionalMoney("tiers[].output_per_mtok"),
  },
  { message: "each tier must be an object." },
);

const serviceRatesSchema = z.object(
  {
    input_per_mtok: optionalMoney("input_per_mtok"),
    cached_input_per_mtok: optionalMoney("cached_input_per_mtok"),
    cache_write_per_mtok: optionalMoney("cache_write_per_mtok"),
    cache_write_1h_per_mtok: optionalMoney("cache_write_1h_per_mtok"),
    output_per_mtok: optionalMoney("output_per_mtok"),
  },
  { message: "each service tier must be an object of rates." },
);

const serviceTiersSchema = z
  .record(z.string(), serviceRatesSchema, { message: "service_tiers must be an object keyed by batch, flex or priority." })
  .superRefine((v, ctx) => {
    for (const k of Object.keys(v)) {
      if (!(SERVICE_TIERS as readonly string[]).includes(k)) ctx.addIssue({ code: "custom", path: [k], message: `service_tiers keys must be batch, flex or priority (got "${k}").` });
    }
  });

const stripNulls = (r: Record<string, string | number | null>): RatesJson => Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null)) as RatesJson;

export const priceVersionInputSchema = z.object({
  provider: z
    .string({ message: "provider is required." })
    .trim()
    .min(1, "provider is required.")
    .max(100, "provider must be at most 100 characters.")
    .transform((p) => normalizeProvider(p)),
  model: z.string({ message: "model is required." }).trim().min(1, "model is required.").max(200, "model must be at most 200 characters."),
  aliases: z
    .array(z.string().trim().min(1, "aliases must not be empty strings."), { message: "aliases must be an array of strings." })
    .optional()
    .transform((a) => [...new Set(a ?? [])]),
  input_per_mtok: money("input_per_mtok"),
  cached_input_per_mtok: optionalMoney("cached_input_per_mtok"),
  cache_write_per_mtok: optionalMoney("cache_write_per_mtok"),
  cache_write_1h_per_mtok: optionalMoney("cache_write_1h_per_mtok"),
  output_per_mtok: money("output_per_mtok"),
  per_request: optionalMoney("per_request"),
  tiers: z
    .array(tierSchema, { message: "tiers must be an array." })
    .nullable()
    .optional()
    .transform((t, ctx) => {
      if (!t || t.length === 0) return null;
      const thresholds = t.map((x) => x.above_input_tokens);
      if (new Set(thresholds).size !== thresholds.length) {
        ctx.addIssue({ code: "custom", message: "tiers must not repeat an above_input_tokens value." });
        return z.NEVER;
      }
      return canonicalTiers(t.map((x) => ({ ...stripNulls(x), above_input_tokens: x.above_input_tokens }) as TierJson));
    }),
  service_tiers: serviceTiersSchema
    .nullable()
    .optional()
    .transform((s) => {
      if (!s) return null;
      const out: ServiceTiersJson = {};
      for (const [k, v] of Object.entries(s)) out[k as ServiceTier] = stripNulls(v);
      return canonicalServiceTiers(out);
    }),
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
    cacheWrite1hPerMtok: row.cache_write_1h_per_mtok,
    outputPerMtok: row.output_per_mtok,
    perRequest: row.per_request,
    tiers: row.tiers,
    serviceTiers: row.service_tiers,
    effectiveFrom: row.effective_from,
  };
}

/** The native-format entry of a price version (what `prices:import` reads back). */
export function toNativeEntry(p: PriceVersionInput): Record<string, unknown> {
  const entry: Record<string, unknown> = { provider: p.provider, model: p.model };
  if (p.aliases.length) entry.aliases = p.aliases;
  entry.input_per_mtok = p.inputPerMtok;
  if (p.cachedInputPerMtok !== null) entry.cached_input_per_mtok = p.cachedInputPerMtok;
  if (p.cacheWritePerMtok !== null) entry.cache_write_per_mtok = p.cacheWritePerMtok;
  if (p.cacheWrite1hPerMtok !== null) entry.cache_write_1h_per_mtok = p.cacheWrite1hPerMtok;
  entry.output_per_mtok = p.outputPerMtok;
  if (p.perRequest !== null) entry.per_request = p.perRequest;
  if (p.tiers) entry.tiers = p.tiers;
  if (p.serviceTiers) entry.service_tiers = p.serviceTiers;
  if (p.effectiveFrom) entry.effective_from = p.effectiveFrom.toISOString().endsWith("T00:00:00.000Z") ? p.effectiveFrom.toISOString().slice(0, 10) : p.effectiveFrom.toISOString();
  return entry;
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
      const model = entry && typeof entry === "object" && typeof (entry as { model?: unknown }).model === "string" ? ` ${(entry as { model: string }).model}` : "";
      throw new CatalogFormatError(`entry ${i}${model}${field ? ` (${field})` : ""}: ${issue.message}`);
    }
    return toPriceVersionInput(parsed.data);
  });
}

// ---- LiteLLM ---------------------------------------------------------------------------------

const PER_TOKEN_TO_PER_MTOK = new Decimal(1_000_000);

function perToken(value: unknown): Decimal | null {
  if (typeof value !== "number" && typeof value !== "string") return null;
  try {
    const d = dec(String(value));
    return d.isFinite() && !d.isNegative() ? d : null;
  } catch {
    return null;
  }
}

function perMtok(value: unknown): string | null {
  const d = perToken(value);
  return d === null ? null : d.times(PER_TOKEN_TO_PER_MTOK).toFixed();
}

const RATE_OF_BUCKET = {
  input_cost_per_token: "input_per_mtok",
  output_cost_per_token: "output_per_mtok",
  cache_read_input_token_cost: "cached_input_per_mtok",
  cache_creation_input_token_cost: "cache_write_per_mtok",
} as const;

const SERVICE_OF_SUFFIX: Record<string, ServiceTier> = { batches: "batch", flex: "flex", priority: "priority" };

// <bucket>[_above_1hr][_above_<N>k_tokens][_flex|_priority|_batches]
const LITELLM_KEY = /^(input_cost_per_token|output_cost_per_token|cache_read_input_token_cost|cache_creation_input_token_cost)(_above_1hr)?(?:_above_(\d+(?:\.\d+)?)(k?)_tokens)?(?:_(flex|priority|batches))?$/;

export interface ParsedLiteLlmKey {
  rate: keyof RatesJson;
  aboveInputTokens: number | null;
  serviceTier: ServiceTier | null;
}

/** What a LiteLLM price key means, or null for keys Spendline does not bill (images, audio, …). */
export function parseLiteLlmKey(key: string): ParsedLiteLlmKey | null {
  const m = LITELLM_KEY.exec(key);
  if (!m) return null;
  const [, bucket, oneHour, n, k, service] = m;
  if (oneHour && bucket !== "cache_creation_input_token_cost") return null;
  const rate: keyof RatesJson = oneHour ? "cache_write_1h_per_mtok" : RATE_OF_BUCKET[bucket as keyof typeof RATE_OF_BUCKET];
  const above = n === undefined ? null : new Decimal(n).times(k ? 1000 : 1);
  if (above !== null && !above.isInteger()) return null;
  return { rate, aboveInputTokens: above === null ? null : above.toNumber(), serviceTier: service ? SERVICE_OF_SUFFIX[service] : null };
}

export interface LiteLlmSkip {
  name: string;
  reason: string;
}

export interface LiteLlmParseResult {
  prices: PriceVersionInput[];
  skipped: LiteLlmSkip[];
}

function stripProviderPrefix(name: string, rawProvider: string, provider: string): string {
  const slash = name.indexOf("/");
  if (slash <= 0) return name;
  const prefix = name.slice(0, slash);
  return prefix.toLowerCase() === rawProvider.toLowerCase() || normalizeProvider(prefix) === provider ? name.slice(slash + 1) : name;
}

/**
 * LiteLLM layout: `{ "<model>": { input_cost_per_token, output_cost_per_token,
 * cache_read_input_token_cost?, cache_creation_input_token_cost?,
 * cache_creation_input_token_cost_above_1hr?, input_cost_per_request?, *_above_<N>k_tokens,
 * *_flex / *_priority / *_batches, litellm_provider } }`. Long-context prices of a service tier
 * (`*_above_<N>k_tokens_priority`) have no place in SPEC's format (long-context tiers apply to
 * standard events only) and are left out. Entries without token prices are skipped, with why.
 */
export function parseLiteLlmCatalog(data: unknown): LiteLlmParseResult {
  if (!data || typeof data !== "object" || Array.isArray(data)) throw new CatalogFormatError("A LiteLLM price file must be a JSON object keyed by model name.");
  const byKey = new Map<string, PriceVersionInput>();
  const skipped: LiteLlmSkip[] = [];
  // Unprefixed names first, so that `gpt-4o` is the model and `openai/gpt-4o` its alias.
  const entries = Object.entries(data as Record<string, unknown>).sort(([a], [b]) => Number(a.includes("/")) - Number(b.includes("/")));
  for (const [name, raw] of entries) {
    if (name === "sample_spec") {
      skipped.push({ name, reason: "sample specification" });
      continue;
    }
    if (!raw || typeof raw !== "object" || Array.isArray(raw)) {
      skipped.push({ name, reason: "not an object" });
      continue;
    }
    const entry = raw as Record<string, unknown>;
    const rawProvider = typeof entry.litellm_provider === "string" ? entry.litellm_provider.trim() : "";
    if (!rawProvider) {
      skipped.push({ name, reason: "no litellm_provider" });
      continue;
    }
    const provider = normalizeProvider(rawProvider);
    const standard: RatesJson = {};
    const tiers = new Map<number, RatesJson>();
    const services: ServiceTiersJson = {};
    for (const [key, value] of Object.entries(entry)) {
      const parsed = parseLiteLlmKey(key);
      if (!parsed) continue;
      const rate = perMtok(value);
      if (rate === null) continue;
      if (parsed.serviceTier && parsed.aboveInputTokens !== null) continue;
      if (parsed.serviceTier) (services[parsed.serviceTier] ??= {})[parsed.rate] = rate;
      else if (parsed.aboveInputTokens !== null) {
        const t = tiers.get(parsed.aboveInputTokens) ?? {};
        t[parsed.rate] = rate;
        tiers.set(parsed.aboveInputTokens, t);
      } else standard[parsed.rate] = rate;
    }
    if (standard.input_per_mtok === undefined && standard.output_per_mtok === undefined) {
      skipped.push({ name, reason: "no token prices" });
      continue;
    }
    const perRequest = perToken(entry.input_cost_per_request);
    const inputPerMtok = standard.input_per_mtok ?? "0";
    const model = stripProviderPrefix(name, rawProvider, provider);
    const price: PriceVersionInput = {
      provider,
      model,
      aliases: model === name ? [] : [name],
      inputPerMtok,
      cachedInputPerMtok: standard.cached_input_per_mtok ?? null,
      cacheWritePerMtok: standard.cache_write_per_mtok ?? null,
      cacheWrite1hPerMtok: standard.cache_write_1h_per_mtok ?? null,
      outputPerMtok: standard.output_per_mtok ?? "0",
      perRequest: perRequest === null ? null : perRequest.toFixed(),
      // A tier without its own input price keeps the standard input price.
      tiers: tiers.size ? canonicalTiers([...tiers].map(([above, r]) => ({ input_per_mtok: inputPerMtok, ...r, above_input_tokens: above }) as TierJson)) : null,
      serviceTiers: Object.keys(services).length ? canonicalServiceTiers(services) : null,
      effectiveFrom: null,
    };
    const key = `${provider}\u0000${model.toLowerCase()}`;
    const seen = byKey.get(key);
    if (seen) {
      skipped.push({ name, reason: `duplicate of ${seen.aliases[0] ?? seen.model} (${provider})` });
      if (model !== name && !seen.aliases.includes(name)) seen.aliases.push(name);
      continue;
    }
    byKey.set(key, price);
  }
  return { prices: [...byKey.values()], skipped };
}
