// One price version as stored (model_prices): flat standard rates plus long-context tiers and
// service-tier rates kept as JSON in their native-format shape (snake_case keys, exact decimal
// strings). Canonical forms make "same prices" a plain comparison, so that a re-import of an
// identical version is "unchanged" and a different one is refused (versions never change).
import { dec, type DecimalLike } from "@/lib/money";
import { SERVICE_TIERS, type LongContextTier, type PartialRates, type PriceRates, type ServiceTier, type ServiceTierRates } from "./calculate";

export interface RatesJson {
  input_per_mtok?: string;
  cached_input_per_mtok?: string;
  cache_write_per_mtok?: string;
  cache_write_1h_per_mtok?: string;
  output_per_mtok?: string;
}

export interface TierJson extends RatesJson {
  above_input_tokens: number;
  input_per_mtok: string;
}

export type ServiceTiersJson = Partial<Record<ServiceTier, RatesJson>>;

/** A version's rates as exact decimal strings, the way imports read them and pages show them. */
export interface PriceVersionRates {
  /** USD per million tokens. */
  inputPerMtok: string;
  cachedInputPerMtok: string | null;
  cacheWritePerMtok: string | null;
  cacheWrite1hPerMtok: string | null;
  outputPerMtok: string;
  /** USD per request. */
  perRequest: string | null;
  tiers: TierJson[] | null;
  serviceTiers: ServiceTiersJson | null;
}

const RATE_KEYS: (keyof RatesJson)[] = ["input_per_mtok", "cached_input_per_mtok", "cache_write_per_mtok", "cache_write_1h_per_mtok", "output_per_mtok"];

function canonicalRates(r: RatesJson): RatesJson {
  const out: RatesJson = {};
  for (const k of RATE_KEYS) if (r[k] !== undefined && r[k] !== null) out[k] = dec(r[k]!).toFixed();
  return out;
}

/** Tiers sorted by threshold, rates as canonical decimal strings. */
export function canonicalTiers(tiers: readonly TierJson[]): TierJson[] {
  return [...tiers]
    .sort((a, b) => a.above_input_tokens - b.above_input_tokens)
    .map((t) => ({ above_input_tokens: t.above_input_tokens, ...canonicalRates(t) }) as TierJson);
}

/** Service tiers in batch, flex, priority order; empty ones left out. */
export function canonicalServiceTiers(s: ServiceTiersJson): ServiceTiersJson | null {
  const out: ServiceTiersJson = {};
  for (const k of SERVICE_TIERS) {
    const r = s[k];
    if (r && Object.keys(canonicalRates(r)).length) out[k] = canonicalRates(r);
  }
  return Object.keys(out).length ? out : null;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Reads the stored tiers JSON (tolerating null / malformed as "no tiers"). */
export function readTiers(value: unknown): TierJson[] | null {
  if (!Array.isArray(value)) return null;
  const tiers = value.filter((t): t is TierJson => isObject(t) && typeof t.above_input_tokens === "number" && typeof t.input_per_mtok === "string");
  return tiers.length ? canonicalTiers(tiers) : null;
}

export function readServiceTiers(value: unknown): ServiceTiersJson | null {
  if (!isObject(value)) return null;
  const out: ServiceTiersJson = {};
  for (const k of SERVICE_TIERS) if (isObject(value[k])) out[k] = value[k] as RatesJson;
  return canonicalServiceTiers(out);
}

function toPartial(r: RatesJson): PartialRates {
  return {
    inputPerMtok: r.input_per_mtok ?? null,
    cachedInputPerMtok: r.cached_input_per_mtok ?? null,
    cacheWritePerMtok: r.cache_write_per_mtok ?? null,
    cacheWrite1hPerMtok: r.cache_write_1h_per_mtok ?? null,
    outputPerMtok: r.output_per_mtok ?? null,
  };
}

export interface StoredPriceFields {
  inputPerMtok: DecimalLike;
  cachedInputPerMtok: DecimalLike | null;
  cacheWritePerMtok: DecimalLike | null;
  cacheWrite1hPerMtok: DecimalLike | null;
  outputPerMtok: DecimalLike;
  perRequest: DecimalLike | null;
  tiers: unknown;
  serviceTiers: unknown;
}

/** The rates the pricing engine needs, from a stored version or an import entry. */
export function toPriceRates(p: StoredPriceFields): PriceRates {
  const tiers = readTiers(p.tiers);
  const services = readServiceTiers(p.serviceTiers);
  const serviceTiers: ServiceTierRates = {};
  for (const [k, r] of Object.entries(services ?? {})) serviceTiers[k as ServiceTier] = toPartial(r);
  return {
    inputPerMtok: p.inputPerMtok,
    cachedInputPerMtok: p.cachedInputPerMtok,
    cacheWritePerMtok: p.cacheWritePerMtok,
    cacheWrite1hPerMtok: p.cacheWrite1hPerMtok,
    outputPerMtok: p.outputPerMtok,
    perRequest: p.perRequest,
    tiers: tiers?.map((t): LongContextTier => ({ aboveInputTokens: t.above_input_tokens, ...toPartial(t) })) ?? null,
    serviceTiers: services ? serviceTiers : null,
  };
}

const sameDecimal = (a: DecimalLike | null | undefined, b: DecimalLike | null | undefined) =>
  a === null || a === undefined || b === null || b === undefined ? (a ?? null) === (b ?? null) : dec(a).equals(dec(b));

/** Whether two versions bill every event the same (aliases and dates aside). */
export function samePrices(a: StoredPriceFields, b: StoredPriceFields): boolean {
  return (
    sameDecimal(a.inputPerMtok, b.inputPerMtok) &&
    sameDecimal(a.cachedInputPerMtok, b.cachedInputPerMtok) &&
    sameDecimal(a.cacheWritePerMtok, b.cacheWritePerMtok) &&
    sameDecimal(a.cacheWrite1hPerMtok, b.cacheWrite1hPerMtok) &&
    sameDecimal(a.outputPerMtok, b.outputPerMtok) &&
    sameDecimal(a.perRequest, b.perRequest) &&
    JSON.stringify(readTiers(a.tiers)) === JSON.stringify(readTiers(b.tiers)) &&
    JSON.stringify(readServiceTiers(a.serviceTiers)) === JSON.stringify(readServiceTiers(b.serviceTiers))
  );
}

/** The differences between two versions, for a refusal message ("output_per_mtok 15 → 16"). */
export function priceDifferences(stored: StoredPriceFields, incoming: StoredPriceFields): string[] {
  const out: string[] = [];
  const s = (v: DecimalLike | null | undefined) => (v === null || v === undefined ? "none" : dec(v).toFixed());
  const flat: [string, keyof StoredPriceFields][] = [
    ["input_per_mtok", "inputPerMtok"],
    ["cached_input_per_mtok", "cachedInputPerMtok"],
    ["cache_write_per_mtok", "cacheWritePerMtok"],
    ["cache_write_1h_per_mtok", "cacheWrite1hPerMtok"],
    ["output_per_mtok", "outputPerMtok"],
    ["per_request", "perRequest"],
  ];
  for (const [name, key] of flat) {
    if (!sameDecimal(stored[key] as DecimalLike | null, incoming[key] as DecimalLike | null)) out.push(`${name} ${s(stored[key] as DecimalLike | null)} → ${s(incoming[key] as DecimalLike | null)}`);
  }
  if (JSON.stringify(readTiers(stored.tiers)) !== JSON.stringify(readTiers(incoming.tiers))) out.push("tiers differ");
  if (JSON.stringify(readServiceTiers(stored.serviceTiers)) !== JSON.stringify(readServiceTiers(incoming.serviceTiers))) out.push("service_tiers differ");
  return out;
}
