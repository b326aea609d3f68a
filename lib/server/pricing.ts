// The price catalog: versions of per-million-token prices with effective_from history. Ingest
// prices every event from an in-process index that is rebuilt when this process changes the
// catalog, and at least every CATALOG_TTL_MS so that other instances' changes are picked up.
import { readFileSync } from "node:fs";
import path from "node:path";
import { prisma } from "@/lib/db/client";
import { dec, type Decimal } from "@/lib/money";
import { parseNativeCatalog, priceVersionInputSchema, toPriceVersionInput, type PriceVersionInput, type PriceVersionRow } from "@/lib/pricing/catalog-format";
import { buildPriceIndex, matchPrice, type MatchResult, type PriceIndex, type PriceVersion } from "@/lib/pricing/match";
import { AppError } from "./errors";
import { assertOrgRole, assertSuperAdmin, orgWhere, type Actor } from "./authz";
import { writeAudit, type RequestContext } from "./audit";

export interface CatalogPrice extends PriceVersion {
  inputPerMtok: Decimal;
  cachedInputPerMtok: Decimal | null;
  cacheWritePerMtok: Decimal | null;
  outputPerMtok: Decimal;
  perRequest: Decimal | null;
}

const CATALOG_TTL_MS = 10_000;

let cached: { index: PriceIndex<CatalogPrice>; until: number } | null = null;
let loading: Promise<PriceIndex<CatalogPrice>> | null = null;

type PriceRow = {
  id: string;
  provider: string;
  model: string;
  aliases: string[];
  inputPerMtok: { toString(): string };
  cachedInputPerMtok: { toString(): string } | null;
  cacheWritePerMtok: { toString(): string } | null;
  outputPerMtok: { toString(): string };
  perRequest: { toString(): string } | null;
  effectiveFrom: Date;
};

function toCatalogPrice(row: PriceRow): CatalogPrice {
  return {
    id: row.id,
    provider: row.provider,
    model: row.model,
    aliases: row.aliases,
    effectiveFrom: row.effectiveFrom,
    inputPerMtok: dec(row.inputPerMtok),
    cachedInputPerMtok: row.cachedInputPerMtok === null ? null : dec(row.cachedInputPerMtok),
    cacheWritePerMtok: row.cacheWritePerMtok === null ? null : dec(row.cacheWritePerMtok),
    outputPerMtok: dec(row.outputPerMtok),
    perRequest: row.perRequest === null ? null : dec(row.perRequest),
  };
}

/** The catalog index used to price events (cached; see CATALOG_TTL_MS). */
export async function getPriceIndex(): Promise<PriceIndex<CatalogPrice>> {
  if (cached && cached.until > Date.now()) return cached.index;
  loading ??= (async () => {
    try {
      const db = await prisma();
      const rows = await db.modelPrice.findMany();
      const index = buildPriceIndex(rows.map(toCatalogPrice));
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

export interface PriceVersionView {
  id: string;
  provider: string;
  model: string;
  aliases: string[];
  inputPerMtok: string;
  cachedInputPerMtok: string | null;
  cacheWritePerMtok: string | null;
  outputPerMtok: string;
  perRequest: string | null;
  currency: string;
  effectiveFrom: string;
  source: string;
  createdAt: string;
  /** True for the version in force now for its provider + model. */
  current: boolean;
}

const str = (d: { toString(): string } | null) => (d === null ? null : dec(d).toFixed());

/** Every price version, newest first within each provider + model. Prices are public list prices: any signed-in actor may read them. */
export async function listPrices(_actor: Actor, filter: { provider?: string; model?: string } = {}): Promise<PriceVersionView[]> {
  const db = await prisma();
  const rows = await db.modelPrice.findMany({
    where: {
      ...(filter.provider ? { provider: filter.provider.toLowerCase() } : {}),
      ...(filter.model ? { model: { contains: filter.model, mode: "insensitive" as const } } : {}),
    },
    orderBy: [{ provider: "asc" }, { model: "asc" }, { effectiveFrom: "desc" }],
  });
  const now = Date.now();
  const currentSeen = new Set<string>();
  return rows.map((r) => {
    const key = `${r.provider}\u0000${r.model}`;
    const current = !currentSeen.has(key) && r.effectiveFrom.getTime() <= now;
    if (current) currentSeen.add(key);
    return {
      id: r.id,
      provider: r.provider,
      model: r.model,
      aliases: r.aliases,
      inputPerMtok: dec(r.inputPerMtok).toFixed(),
      cachedInputPerMtok: str(r.cachedInputPerMtok),
      cacheWritePerMtok: str(r.cacheWritePerMtok),
      outputPerMtok: dec(r.outputPerMtok).toFixed(),
      perRequest: str(r.perRequest),
      currency: r.currency,
      effectiveFrom: r.effectiveFrom.toISOString(),
      source: r.source,
      createdAt: r.createdAt.toISOString(),
      current,
    };
  });
}

export interface UnpricedModelView {
  provider: string | null;
  model: string | null;
  events: number;
  firstSeen: string;
  lastSeen: string;
}

/**
 * Models that events used but the catalog could not price, waiting for a price: of one
 * organisation, or of every organisation the actor may read.
 */
export async function listUnpricedModels(actor: Actor, filter: { orgId?: string } = {}): Promise<UnpricedModelView[]> {
  if (filter.orgId) assertOrgRole(actor, filter.orgId);
  const db = await prisma();
  const groups = await db.usageEvent.groupBy({
    by: ["provider", "model"],
    where: { priced: false, ...(filter.orgId ? { orgId: filter.orgId } : orgWhere(actor)) },
    _count: { _all: true },
    _min: { occurredAt: true },
    _max: { occurredAt: true },
  });
  return groups
    .map((g) => ({
      provider: g.provider,
      model: g.model,
      events: g._count._all,
      firstSeen: g._min.occurredAt!.toISOString(),
      lastSeen: g._max.occurredAt!.toISOString(),
    }))
    .sort((a, b) => b.events - a.events || (a.model ?? "").localeCompare(b.model ?? ""));
}

function priceData(p: PriceVersionInput, effectiveFrom: Date, source: string) {
  return {
    provider: p.provider,
    model: p.model,
    aliases: p.aliases,
    inputPerMtok: p.inputPerMtok,
    cachedInputPerMtok: p.cachedInputPerMtok,
    cacheWritePerMtok: p.cacheWritePerMtok,
    outputPerMtok: p.outputPerMtok,
    perRequest: p.perRequest,
    effectiveFrom,
    source,
  };
}

/** Adds one price version (super admins); the same provider + model + effective_from is a conflict. */
export async function addPriceVersion(actor: Actor, input: PriceVersionRow, ctx: RequestContext = {}): Promise<PriceVersionView> {
  assertSuperAdmin(actor);
  const price = toPriceVersionInput(priceVersionInputSchema.parse(input));
  const db = await prisma();
  const row = await db.$transaction(async (tx) => {
    const existing = await tx.modelPrice.findUnique({
      where: { provider_model_effectiveFrom: { provider: price.provider, model: price.model, effectiveFrom: price.effectiveFrom! } },
    });
    if (existing) throw new AppError("conflict", `A price for ${price.provider}/${price.model} effective ${price.effectiveFrom!.toISOString()} already exists.`);
    const row = await tx.modelPrice.create({ data: priceData(price, price.effectiveFrom!, "manual") });
    await writeAudit(tx, actor, { action: "price.create", targetType: "model_price", targetId: row.id, after: { ...price, effectiveFrom: price.effectiveFrom!.toISOString() } }, ctx);
    return row;
  });
  invalidatePriceCatalog();
  return (await listPrices(actor, { provider: row.provider })).find((p) => p.id === row.id)!;
}

export interface ImportResult {
  created: number;
  updated: number;
  unchanged: number;
}

const EPOCH = new Date(0);

function startOfTodayUtc(now = new Date()): Date {
  return new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));
}

const sameValue = (a: { toString(): string } | null, b: string | null) => (a === null || b === null ? a === b : dec(a).equals(dec(b)));

/**
 * Imports price versions (super admins), idempotently: an existing provider + model +
 * effective_from is updated only when its prices differ. A version without a date (LiteLLM) takes
 * effect from the start of time for a new model, and from today (UTC) for a known one, so that
 * events already priced keep their price.
 */
export async function importPrices(actor: Actor, prices: PriceVersionInput[], options: { source: string; onProgress?: (done: number) => void }, ctx: RequestContext = {}): Promise<ImportResult> {
  assertSuperAdmin(actor);
  const db = await prisma();
  const result: ImportResult = { created: 0, updated: 0, unchanged: 0 };
  const changed: string[] = [];
  await db.$transaction(
    async (tx) => {
      for (const [i, p] of prices.entries()) {
        let effectiveFrom = p.effectiveFrom;
        if (!effectiveFrom) {
          const known = await tx.modelPrice.findFirst({ where: { provider: p.provider, model: p.model }, orderBy: { effectiveFrom: "desc" } });
          if (known && ["inputPerMtok", "cachedInputPerMtok", "cacheWritePerMtok", "outputPerMtok", "perRequest"].every((f) => sameValue(known[f as keyof typeof known] as { toString(): string } | null, p[f as keyof PriceVersionInput] as string | null))) {
            result.unchanged += 1;
            options.onProgress?.(i + 1);
            continue;
          }
          effectiveFrom = known ? startOfTodayUtc() : EPOCH;
        }
        const existing = await tx.modelPrice.findUnique({ where: { provider_model_effectiveFrom: { provider: p.provider, model: p.model, effectiveFrom } } });
        const data = priceData(p, effectiveFrom, options.source);
        if (!existing) {
          await tx.modelPrice.create({ data });
          result.created += 1;
          changed.push(`${p.provider}/${p.model}@${effectiveFrom.toISOString()}`);
        } else if (
          sameValue(existing.inputPerMtok, p.inputPerMtok) &&
          sameValue(existing.cachedInputPerMtok, p.cachedInputPerMtok) &&
          sameValue(existing.cacheWritePerMtok, p.cacheWritePerMtok) &&
          sameValue(existing.outputPerMtok, p.outputPerMtok) &&
          sameValue(existing.perRequest, p.perRequest) &&
          [...existing.aliases].sort().join("\u0000") === [...p.aliases].sort().join("\u0000")
        ) {
          result.unchanged += 1;
        } else {
          await tx.modelPrice.update({ where: { id: existing.id }, data });
          result.updated += 1;
          changed.push(`${p.provider}/${p.model}@${effectiveFrom.toISOString()}`);
        }
        options.onProgress?.(i + 1);
      }
      if (result.created || result.updated) {
        await writeAudit(tx, actor, { action: "price.import", targetType: "model_price", after: { source: options.source, ...result, changed: changed.slice(0, 500) } }, ctx);
      }
    },
    { timeout: 600_000, maxWait: 30_000 },
  );
  invalidatePriceCatalog();
  return result;
}

// Code bundled by Next.js has no import.meta.dirname; the server runs from the project root.
export const SEED_CATALOG_PATH = import.meta.dirname ? path.resolve(import.meta.dirname, "..", "..", "prisma", "prices", "catalog.json") : path.resolve("prisma", "prices", "catalog.json");

/** Loads the seed catalog when no price exists yet (start-up, migrate); safe when two instances start at once. */
export async function seedPriceCatalogIfEmpty(file = SEED_CATALOG_PATH): Promise<number> {
  const db = await prisma();
  if ((await db.modelPrice.count()) > 0) return 0;
  const prices = parseNativeCatalog(JSON.parse(readFileSync(file, "utf8")));
  const { count } = await db.modelPrice.createMany({ data: prices.map((p) => priceData(p, p.effectiveFrom ?? EPOCH, "seed")), skipDuplicates: true });
  invalidatePriceCatalog();
  return count;
}
