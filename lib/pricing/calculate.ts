// Exact cost of one call from its disjoint token counts and one price version (USD per million
// tokens), following SPEC §3:
// - long-context tiers: when ALL input tokens (cached included) exceed a tier's
//   `above_input_tokens`, every token of the event is billed at the highest such tier's rates;
// - service tiers (batch / flex / priority): the event is billed at that tier's rates, and
//   long-context tiers apply to standard events only;
// - a rate a tier leaves out keeps the standard price;
// - 1-hour cache writes are billed at the 1-hour price, else at the cache-write price;
// - reasoning is inside output and billed once, at the output price;
// - the per-request price is added once per event.
import { Decimal, dec, type DecimalLike } from "@/lib/money";
import type { TokenCounts } from "@/lib/usage/normalize";

/** Rates a long-context tier or a service tier may set; what it leaves out keeps the standard rate. */
export interface PartialRates {
  inputPerMtok?: DecimalLike | null;
  cachedInputPerMtok?: DecimalLike | null;
  cacheWritePerMtok?: DecimalLike | null;
  cacheWrite1hPerMtok?: DecimalLike | null;
  outputPerMtok?: DecimalLike | null;
}

export interface LongContextTier extends PartialRates {
  /** The tier applies when the event's total input tokens are greater than this. */
  aboveInputTokens: number;
}

export const SERVICE_TIERS = ["batch", "flex", "priority"] as const;
export type ServiceTier = (typeof SERVICE_TIERS)[number];
export type ServiceTierRates = Partial<Record<ServiceTier, PartialRates>>;

export interface PriceRates {
  inputPerMtok: DecimalLike;
  /** Price of cache reads; the input price when absent. */
  cachedInputPerMtok?: DecimalLike | null;
  /** Price of cache writes; the input price when absent. */
  cacheWritePerMtok?: DecimalLike | null;
  /** Price of cache writes kept for one hour; the cache-write price when absent. */
  cacheWrite1hPerMtok?: DecimalLike | null;
  outputPerMtok: DecimalLike;
  /** USD per request, added once per event. */
  perRequest?: DecimalLike | null;
  tiers?: readonly LongContextTier[] | null;
  serviceTiers?: ServiceTierRates | null;
}

/** The rates an event was billed at, all resolved (USD per million tokens). */
export interface AppliedRates {
  inputPerMtok: Decimal;
  cachedInputPerMtok: Decimal;
  cacheWritePerMtok: Decimal;
  cacheWrite1hPerMtok: Decimal;
  outputPerMtok: Decimal;
}

export interface PriceBreakdown {
  cost: Decimal;
  /** `above_input_tokens` of the long-context tier applied, null for the standard rates. */
  tierAboveInputTokens: number | null;
  /** The service tier whose prices applied; null when standard prices applied. */
  serviceTier: ServiceTier | null;
  rates: AppliedRates;
  perRequest: Decimal | null;
  parts: { input: Decimal; cacheRead: Decimal; cacheWrite: Decimal; cacheWrite1h: Decimal; output: Decimal };
}

const MILLION = new Decimal(1_000_000);

const given = (v: DecimalLike | null | undefined): Decimal | null => (v === null || v === undefined ? null : dec(v));

/** `default`, `auto`, `standard`, absent or unknown values mean standard prices (SPEC §5). */
export function normalizeServiceTier(value: string | null | undefined): ServiceTier | null {
  const v = value?.trim().toLowerCase();
  return v && (SERVICE_TIERS as readonly string[]).includes(v) ? (v as ServiceTier) : null;
}

/** The highest long-context tier whose threshold the event's total input exceeds. */
export function selectLongContextTier(tiers: readonly LongContextTier[] | null | undefined, totalInputTokens: number): LongContextTier | null {
  let chosen: LongContextTier | null = null;
  for (const t of tiers ?? []) {
    if (totalInputTokens > t.aboveInputTokens && (chosen === null || t.aboveInputTokens > chosen.aboveInputTokens)) chosen = t;
  }
  return chosen;
}

function resolveRates(price: PriceRates, override: PartialRates | null): AppliedRates {
  const stdInput = dec(price.inputPerMtok);
  const stdCached = given(price.cachedInputPerMtok) ?? stdInput;
  const stdWrite = given(price.cacheWritePerMtok) ?? stdInput;
  const stdWrite1h = given(price.cacheWrite1hPerMtok);
  const o = override ?? {};
  const write = given(o.cacheWritePerMtok) ?? stdWrite;
  return {
    inputPerMtok: given(o.inputPerMtok) ?? stdInput,
    cachedInputPerMtok: given(o.cachedInputPerMtok) ?? stdCached,
    cacheWritePerMtok: write,
    // With no 1-hour price anywhere, 1-hour writes are cache writes in every respect (tier included).
    cacheWrite1hPerMtok: given(o.cacheWrite1hPerMtok) ?? stdWrite1h ?? write,
    outputPerMtok: given(o.outputPerMtok) ?? dec(price.outputPerMtok),
  };
}

// Resolved rates per price version (and tier), kept as Decimals: prices never change once stored,
// and parsing each rate again for every event was most of the cost of pricing one.
const resolvedRates = new WeakMap<PriceRates, Map<PartialRates | null, AppliedRates>>();

function ratesOf(price: PriceRates, override: PartialRates | null): AppliedRates {
  let byOverride = resolvedRates.get(price);
  if (!byOverride) resolvedRates.set(price, (byOverride = new Map()));
  let rates = byOverride.get(override);
  if (!rates) byOverride.set(override, (rates = resolveRates(price, override)));
  return rates;
}

/** The service tier and long-context tier that apply to an event, and the rates they give. */
function applicableRates(tokens: TokenCounts, price: PriceRates, serviceTier?: string | null) {
  const tier = normalizeServiceTier(serviceTier);
  const serviceRates = tier ? (price.serviceTiers?.[tier] ?? null) : null;
  const totalInput = tokens.inputUncached + tokens.cacheRead + tokens.cacheWrite;
  const longContext = serviceRates ? null : selectLongContextTier(price.tiers, totalInput);
  return { tier, serviceRates, longContext, rates: ratesOf(price, serviceRates ?? longContext) };
}

/** Cost of one call with how it was reached; a failed call is priced the same way, from the tokens it reports. */
export function priceEventDetailed(tokens: TokenCounts, price: PriceRates, serviceTier?: string | null): PriceBreakdown {
  const { tier, serviceRates, longContext, rates } = applicableRates(tokens, price, serviceTier);
  const write1h = Math.min(tokens.cacheWrite1h ?? 0, tokens.cacheWrite);
  const parts = {
    input: rates.inputPerMtok.times(tokens.inputUncached).dividedBy(MILLION),
    cacheRead: rates.cachedInputPerMtok.times(tokens.cacheRead).dividedBy(MILLION),
    cacheWrite: rates.cacheWritePerMtok.times(tokens.cacheWrite - write1h).dividedBy(MILLION),
    cacheWrite1h: rates.cacheWrite1hPerMtok.times(write1h).dividedBy(MILLION),
    output: rates.outputPerMtok.times(tokens.output).dividedBy(MILLION),
  };
  const perRequest = given(price.perRequest);
  const cost = parts.input.plus(parts.cacheRead).plus(parts.cacheWrite).plus(parts.cacheWrite1h).plus(parts.output).plus(perRequest ?? 0);
  return { cost, tierAboveInputTokens: longContext?.aboveInputTokens ?? null, serviceTier: serviceRates ? tier : null, rates, perRequest, parts };
}

/**
 * Cost of one call (see priceEventDetailed), on ingest's hot path: the same exact figure, summed
 * before the one division by a million (exact at 50 digits) and without the parts it has no use for.
 */
export function priceEvent(tokens: TokenCounts, price: PriceRates, serviceTier?: string | null): Decimal {
  const { rates } = applicableRates(tokens, price, serviceTier);
  const write1h = Math.min(tokens.cacheWrite1h ?? 0, tokens.cacheWrite);
  let total = new Decimal(0);
  const add = (rate: Decimal, count: number) => {
    if (count !== 0) total = total.plus(rate.times(count));
  };
  add(rates.inputPerMtok, tokens.inputUncached);
  add(rates.cachedInputPerMtok, tokens.cacheRead);
  add(rates.cacheWritePerMtok, tokens.cacheWrite - write1h);
  add(rates.cacheWrite1hPerMtok, write1h);
  add(rates.outputPerMtok, tokens.output);
  const cost = total.dividedBy(MILLION);
  return price.perRequest === null || price.perRequest === undefined ? cost : cost.plus(dec(price.perRequest));
}

/** A breakdown as plain strings, for pages and JSON. */
export interface PriceBreakdownView {
  cost: string;
  tierAboveInputTokens: number | null;
  serviceTier: ServiceTier | null;
  rates: { inputPerMtok: string; cachedInputPerMtok: string; cacheWritePerMtok: string; cacheWrite1hPerMtok: string; outputPerMtok: string };
  perRequest: string | null;
  parts: { input: string; cacheRead: string; cacheWrite: string; cacheWrite1h: string; output: string };
}

export function toPriceBreakdownView(b: PriceBreakdown): PriceBreakdownView {
  const s = (d: Decimal) => d.toFixed();
  return {
    cost: s(b.cost),
    tierAboveInputTokens: b.tierAboveInputTokens,
    serviceTier: b.serviceTier,
    rates: {
      inputPerMtok: s(b.rates.inputPerMtok),
      cachedInputPerMtok: s(b.rates.cachedInputPerMtok),
      cacheWritePerMtok: s(b.rates.cacheWritePerMtok),
      cacheWrite1hPerMtok: s(b.rates.cacheWrite1hPerMtok),
      outputPerMtok: s(b.rates.outputPerMtok),
    },
    perRequest: b.perRequest === null ? null : s(b.perRequest),
    parts: { input: s(b.parts.input), cacheRead: s(b.parts.cacheRead), cacheWrite: s(b.parts.cacheWrite), cacheWrite1h: s(b.parts.cacheWrite1h), output: s(b.parts.output) },
  };
}
