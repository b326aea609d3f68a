// Adding price versions: one by hand (console), a file (prices:import / prices:sync) and the
// bundled catalog on start. A stored version never changes, because events keep the version they
// were priced with: the same provider + model + effective_from with other prices is refused (and
// named), the same prices again are "unchanged".
import { readFileSync } from "node:fs";
import path from "node:path";
import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { prisma } from "@/lib/db/client";
import { parseNativeCatalog, priceVersionInputSchema, toPriceVersionInput, type PriceVersionInput, type PriceVersionRow } from "@/lib/pricing/catalog-format";
import { priceDifferences, samePrices } from "@/lib/pricing/price-version";
import { normalizeProvider } from "@/lib/providers";
import { AppError } from "../errors";
import { assertSuperAdmin, type Actor } from "../authz";
import { writeAudit, type RequestContext } from "../audit";
import { invalidatePriceCatalog, toPriceVersionView, type PriceVersionView } from "./catalog";

/** An entry to import; versions written before 1-hour writes, tiers and service tiers may leave them out. */
export type PriceImportEntry = Omit<PriceVersionInput, "cacheWrite1hPerMtok" | "tiers" | "serviceTiers"> & Partial<Pick<PriceVersionInput, "cacheWrite1hPerMtok" | "tiers" | "serviceTiers">>;

function priceData(p: PriceImportEntry, effectiveFrom: Date, source: string) {
  return {
    provider: normalizeProvider(p.provider),
    model: p.model,
    aliases: p.aliases,
    inputPerMtok: p.inputPerMtok,
    cachedInputPerMtok: p.cachedInputPerMtok,
    cacheWritePerMtok: p.cacheWritePerMtok,
    cacheWrite1hPerMtok: p.cacheWrite1hPerMtok ?? null,
    outputPerMtok: p.outputPerMtok,
    perRequest: p.perRequest,
    tiers: (p.tiers ?? undefined) as PrismaNs.InputJsonValue | undefined,
    serviceTiers: (p.serviceTiers ?? undefined) as PrismaNs.InputJsonValue | undefined,
    effectiveFrom,
    source,
  };
}

const comparable = (p: PriceImportEntry) => ({ ...p, cacheWrite1hPerMtok: p.cacheWrite1hPerMtok ?? null, tiers: p.tiers ?? null, serviceTiers: p.serviceTiers ?? null });

/** Adds one price version (super admins); the same provider + model + effective_from is a conflict. */
export async function addPriceVersion(actor: Actor, input: PriceVersionRow, ctx: RequestContext = {}): Promise<PriceVersionView> {
  assertSuperAdmin(actor);
  const price = toPriceVersionInput(priceVersionInputSchema.parse(input));
  const effectiveFrom = price.effectiveFrom!;
  const db = await prisma();
  const row = await db.$transaction(async (tx) => {
    const existing = await tx.modelPrice.findUnique({ where: { provider_model_effectiveFrom: { provider: price.provider, model: price.model, effectiveFrom } } });
    if (existing) throw new AppError("conflict", `A price for ${price.provider}/${price.model} effective ${effectiveFrom.toISOString()} already exists; add a version with a later effective_from instead.`);
    const row = await tx.modelPrice.create({ data: priceData(price, effectiveFrom, "manual") });
    await writeAudit(tx, actor, { action: "price.create", targetType: "model_price", targetId: row.id, after: { ...price, effectiveFrom: effectiveFrom.toISOString() } }, ctx);
    return row;
  });
  invalidatePriceCatalog();
  return toPriceVersionView(row, effectiveFrom.getTime() <= Date.now());
}

export interface RefusedEntry {
  provider: string;
  model: string;
  effectiveFrom: string;
  reason: string;
}

export interface ImportResult {
  added: number;
  unchanged: number;
  refused: RefusedEntry[];
  /** `provider/model@effective_from` of every version added. */
  addedVersions: string[];
}

export const EPOCH = new Date(0);

/**
 * Imports price versions (super admins). A dated version is added when its provider + model +
 * effective_from is new, "unchanged" when it exists with the same prices, and refused when it
 * exists with other prices. An undated version (LiteLLM) takes effect from the start of time for
 * a model the catalog does not know yet (so that its waiting events can be re-priced), is
 * unchanged when the version in force has the same prices, and else becomes a new version from
 * `options.now` on.
 */
export async function importPrices(
  actor: Actor,
  prices: PriceImportEntry[],
  options: { source: string; now?: Date; onProgress?: (done: number) => void },
  ctx: RequestContext = {},
): Promise<ImportResult> {
  assertSuperAdmin(actor);
  const now = options.now ?? new Date();
  const db = await prisma();
  const result: ImportResult = { added: 0, unchanged: 0, refused: [], addedVersions: [] };
  await db.$transaction(
    async (tx) => {
      for (const [i, raw] of prices.entries()) {
        const p = comparable({ ...raw, provider: normalizeProvider(raw.provider) });
        let effectiveFrom = p.effectiveFrom;
        if (!effectiveFrom) {
          const inForce = await tx.modelPrice.findFirst({ where: { provider: p.provider, model: p.model, effectiveFrom: { lte: now } }, orderBy: { effectiveFrom: "desc" } });
          const known = inForce ?? (await tx.modelPrice.findFirst({ where: { provider: p.provider, model: p.model } }));
          if (inForce && samePrices(inForce, p)) {
            result.unchanged += 1;
            options.onProgress?.(i + 1);
            continue;
          }
          effectiveFrom = known ? now : EPOCH;
        }
        const existing = await tx.modelPrice.findUnique({ where: { provider_model_effectiveFrom: { provider: p.provider, model: p.model, effectiveFrom } } });
        const label = `${p.provider}/${p.model}@${effectiveFrom.toISOString()}`;
        if (!existing) {
          await tx.modelPrice.create({ data: priceData(p, effectiveFrom, options.source) });
          result.added += 1;
          result.addedVersions.push(label);
        } else if (samePrices(existing, p)) {
          result.unchanged += 1;
        } else {
          result.refused.push({
            provider: p.provider,
            model: p.model,
            effectiveFrom: effectiveFrom.toISOString(),
            reason: `a version with this effective_from already exists with other prices (${priceDifferences(existing, p).join(", ")}); add a version with a later effective_from instead`,
          });
        }
        options.onProgress?.(i + 1);
      }
      if (result.added || result.refused.length) {
        await writeAudit(
          tx,
          actor,
          { action: "price.import", targetType: "model_price", after: { source: options.source, added: result.added, unchanged: result.unchanged, refused: result.refused.slice(0, 200), addedVersions: result.addedVersions.slice(0, 500) } },
          ctx,
        );
      }
    },
    { timeout: 600_000, maxWait: 30_000 },
  );
  invalidatePriceCatalog();
  return result;
}

// Code bundled by Next.js has no import.meta.dirname; the server runs from the project root.
export const BUNDLED_CATALOG_PATH = import.meta.dirname ? path.resolve(import.meta.dirname, "..", "..", "..", "prisma", "prices", "catalog.json") : path.resolve("prisma", "prices", "catalog.json");

/**
 * Loads the bundled catalog (start-up, migrate): into an empty catalog all of it; later, a newer
 * bundled catalog adds only versions dated after every stored version of their provider + model
 * (and models the catalog does not know), so stored versions and imported history are never
 * touched. Safe when two instances start at once (the unique key decides). Returns how many
 * versions were added.
 */
export async function loadBundledCatalog(file = BUNDLED_CATALOG_PATH): Promise<number> {
  const db = await prisma();
  const bundled = parseNativeCatalog(JSON.parse(readFileSync(file, "utf8")));
  const latest = new Map<string, number>();
  for (const r of await db.modelPrice.groupBy({ by: ["provider", "model"], _max: { effectiveFrom: true } })) latest.set(`${r.provider}\u0000${r.model}`, r._max.effectiveFrom!.getTime());
  const fresh = bundled.filter((p) => {
    const last = latest.get(`${p.provider}\u0000${p.model}`);
    return last === undefined || p.effectiveFrom!.getTime() > last;
  });
  if (fresh.length === 0) return 0;
  const { count } = await db.modelPrice.createMany({ data: fresh.map((p) => priceData(p, p.effectiveFrom ?? EPOCH, "bundled")), skipDuplicates: true });
  invalidatePriceCatalog();
  return count;
}
