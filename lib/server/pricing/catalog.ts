// The price catalog index: versions of per-million-token prices with effective_from history.
// Ingest prices every event from an in-process index that is rebuilt when this process changes the
// catalog, and at least every CATALOG_TTL_MS so that other instances' changes are picked up.
import { prisma } from "@/lib/db/client";
import { dec, type Decimal } from "@/lib/money";
import type { PriceRates } from "@/lib/pricing/calculate";
import { buildPriceIndex, matchPrice, type MatchResult, type PriceIndex, type PriceVersion } from "@/lib/pricing/match";
import { readServiceTiers, readTiers, toPriceRates, type PriceVersionRates } from "@/lib/pricing/price-version";

export interface CatalogPrice extends PriceVersion, PriceRates {
  inputPerMtok: Decimal;
  cachedInputPerMtok: Decimal | null;
  cacheWritePerMtok: Decimal | null;
  cacheWrite1hPerMtok: Decimal | null;
  outputPerMtok: Decimal;
  perRequest: Decimal | null;
}

const CATALOG_TTL_MS = 10_000;

let cached: { index: PriceIndex<CatalogPrice>; until: number } | null = null;
let loading: Promise<PriceIndex<CatalogPrice>> | null = null;

type DecimalValue = { toString(): string };

export type PriceRow = {
  id: string;
  provider: string;
  model: string;
  aliases: string[];
  inputPerMtok: DecimalValue;
  cachedInputPerMtok: DecimalValue | null;
  cacheWritePerMtok: DecimalValue | null;
  cacheWrite1hPerMtok: DecimalValue | null;
  outputPerMtok: DecimalValue;
  perRequest: DecimalValue | null;
  tiers: unknown;
  serviceTiers: unknown;
  effectiveFrom: Date;
};

const decOrNull = (v: DecimalValue | null) => (v === null ? null : dec(v));

export function toCatalogPrice(row: PriceRow): CatalogPrice {
  const rates = toPriceRates(row);
  return {
    ...rates,
    id: row.id,
    provider: row.provider,
    model: row.model,
    aliases: row.aliases,
    effectiveFrom: row.effectiveFrom,
    inputPerMtok: dec(row.inputPerMtok),
    cachedInputPerMtok: decOrNull(row.cachedInputPerMtok),
    cacheWritePerMtok: decOrNull(row.cacheWritePerMtok),
    cacheWrite1hPerMtok: decOrNull(row.cacheWrite1hPerMtok),
    outputPerMtok: dec(row.outputPerMtok),
    perRequest: decOrNull(row.perRequest),
  };
}

/** Every stored version as the pricing engine sees it. */
export async function loadCatalogPrices(): Promise<CatalogPrice[]> {
  const db = await prisma();
  return (await db.modelPrice.findMany()).map(toCatalogPrice);
}

/** The catalog index used to price events (cached; see CATALOG_TTL_MS). */
export async function getPriceIndex(): Promise<PriceIndex<CatalogPrice>> {
  if (cached && cached.until > Date.now()) return cached.index;
  loading ??= (async () => {
    try {
      const index = buildPriceIndex(await loadCatalogPrices());
      cached = { index, until: Date.now() + CATALOG_TTL_MS };
      return index;
    } finally {
      loading = null;
    }
  })();
  return loading;
}

export function invalidatePriceCatalog(): void {
  cached = null;
}

export async function findPrice(query: { provider?: string | null; model?: string | null; at: Date }): Promise<MatchResult<CatalogPrice>> {
  return matchPrice(await getPriceIndex(), query);
}

export interface PriceVersionView extends PriceVersionRates {
  id: string;
  provider: string;
  model: string;
  aliases: string[];
  currency: string;
  effectiveFrom: string;
  source: string;
  createdAt: string;
  /** True for the version in force now for its provider + model. */
  current: boolean;
}

const str = (d: DecimalValue | null) => (d === null ? null : dec(d).toFixed());

export function toPriceVersionView(r: PriceRow & { currency: string; source: string; createdAt: Date }, current: boolean): PriceVersionView {
  return {
    id: r.id,
    provider: r.provider,
    model: r.model,
    aliases: r.aliases,
    inputPerMtok: dec(r.inputPerMtok).toFixed(),
    cachedInputPerMtok: str(r.cachedInputPerMtok),
    cacheWritePerMtok: str(r.cacheWritePerMtok),
    cacheWrite1hPerMtok: str(r.cacheWrite1hPerMtok),
    outputPerMtok: dec(r.outputPerMtok).toFixed(),
    perRequest: str(r.perRequest),
    tiers: readTiers(r.tiers),
    serviceTiers: readServiceTiers(r.serviceTiers),
    currency: r.currency,
    effectiveFrom: r.effectiveFrom.toISOString(),
    source: r.source,
    createdAt: r.createdAt.toISOString(),
    current,
  };
}
