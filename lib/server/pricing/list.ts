// Reading the catalog and the models waiting for a price (the /prices page, the CLI).
import { prisma } from "@/lib/db/client";
import { normalizeProvider } from "@/lib/providers";
import { assertOrgRole, orgWhere, type Actor } from "../authz";
import { toPriceVersionView, type PriceVersionView } from "./catalog";

/** Every price version, newest first within each provider + model. Prices are public list prices: any signed-in actor may read them. */
export async function listPrices(_actor: Actor, filter: { provider?: string; model?: string } = {}): Promise<PriceVersionView[]> {
  const db = await prisma();
  const rows = await db.modelPrice.findMany({
    where: {
      ...(filter.provider ? { provider: normalizeProvider(filter.provider) } : {}),
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
    return toPriceVersionView(r, current);
  });
}

export interface UnpricedModelView {
  provider: string | null;
  model: string | null;
  events: number;
  /** All input tokens (cached included) and all output tokens of the waiting events, as decimal strings (64-bit sums). */
  inputTokens: string;
  outputTokens: string;
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
    _sum: { inputUncachedTokens: true, cacheReadTokens: true, cacheWriteTokens: true, outputTokens: true },
    _min: { occurredAt: true },
    _max: { occurredAt: true },
  });
  return groups
    .map((g) => ({
      provider: g.provider,
      model: g.model,
      events: g._count._all,
      inputTokens: ((g._sum.inputUncachedTokens ?? 0n) + (g._sum.cacheReadTokens ?? 0n) + (g._sum.cacheWriteTokens ?? 0n)).toString(),
      outputTokens: (g._sum.outputTokens ?? 0n).toString(),
      firstSeen: g._min.occurredAt!.toISOString(),
      lastSeen: g._max.occurredAt!.toISOString(),
    }))
    .sort((a, b) => b.events - a.events || (a.model ?? "").localeCompare(b.model ?? ""));
}

