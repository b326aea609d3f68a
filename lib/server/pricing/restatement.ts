// Restatement preview (SPEC §7): before a version dated in the past is saved, which already-priced
// events it would have priced differently and by how much, per model and month. Stored events
// keep their cost; this only tells the operator what the new version means for the past.
import { prisma } from "@/lib/db/client";
import { dec, toCostString, type Decimal } from "@/lib/money";
import { priceEvent } from "@/lib/pricing/calculate";
import { priceVersionInputSchema, toPriceVersionInput, type PriceVersionRow } from "@/lib/pricing/catalog-format";
import { buildPriceIndex, matchPrice } from "@/lib/pricing/match";
import { toPriceRates } from "@/lib/pricing/price-version";
import { assertSuperAdmin, type Actor } from "../authz";
import { loadCatalogPrices, type CatalogPrice } from "./catalog";
import { storedTokenColumns, storedTokenCounts, type StoredTokensRow } from "./stored-tokens";

export interface RestatementRow {
  model: string;
  /** YYYY-MM (UTC). */
  month: string;
  events: number;
  storedCostUsd: string;
  restatedCostUsd: string;
  differenceUsd: string;
}

export interface RestatementPreview {
  provider: string;
  model: string;
  effectiveFrom: string;
  /** Already-priced events the version would have priced differently. */
  events: number;
  differenceUsd: string;
  rows: RestatementRow[];
  /** Unpriced events the version would cover (prices:reprice prices them once it is saved). */
  waitingEvents: number;
}

type EventRow = StoredTokensRow & {
  model: string;
  provider: string | null;
  occurred_at: Date;
  priced: boolean;
  cost_usd: string | null;
};

const CANDIDATE_ID = "restatement-candidate";
const BATCH = 5000;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

/** What a new version would restate (super admins); nothing is written. */
export async function previewRestatement(actor: Actor, input: PriceVersionRow): Promise<RestatementPreview> {
  assertSuperAdmin(actor);
  const price = toPriceVersionInput(priceVersionInputSchema.parse(input));
  const effectiveFrom = price.effectiveFrom!;
  const candidate: CatalogPrice = {
    ...toPriceRates({ ...price, tiers: price.tiers, serviceTiers: price.serviceTiers }),
    id: CANDIDATE_ID,
    provider: price.provider,
    model: price.model,
    aliases: price.aliases,
    effectiveFrom,
    inputPerMtok: dec(price.inputPerMtok),
    cachedInputPerMtok: price.cachedInputPerMtok === null ? null : dec(price.cachedInputPerMtok),
    cacheWritePerMtok: price.cacheWritePerMtok === null ? null : dec(price.cacheWritePerMtok),
    cacheWrite1hPerMtok: price.cacheWrite1hPerMtok === null ? null : dec(price.cacheWrite1hPerMtok),
    outputPerMtok: dec(price.outputPerMtok),
    perRequest: price.perRequest === null ? null : dec(price.perRequest),
  };
  const others = (await loadCatalogPrices()).filter((p) => !(p.provider === price.provider && p.model === price.model && p.effectiveFrom.getTime() === effectiveFrom.getTime()));
  const index = buildPriceIndex([...others, candidate]);
  // Events whose model could answer to the version: its names, dated or prefixed (`provider/name-2025…`).
  const patterns = [price.model, ...price.aliases].flatMap((n) => [`${escapeLike(n.toLowerCase())}%`, `%/${escapeLike(n.toLowerCase())}%`]);
  const groups = new Map<string, { model: string; month: string; events: number; stored: Decimal; restated: Decimal }>();
  let waiting = 0;
  const db = await prisma();
  let afterId = "0";
  for (;;) {
    const rows = await db.$queryRawUnsafe<(EventRow & { id: string })[]>(
      `SELECT id::text AS id, model, provider, occurred_at, priced, cost_usd::text AS cost_usd, ${storedTokenColumns()}
       FROM usage_events
       WHERE id > $1::bigint AND occurred_at >= $2::timestamptz AND (provider = $3 OR provider IS NULL) AND lower(model) LIKE ANY($4::text[])
       ORDER BY id LIMIT ${BATCH}`,
      afterId,
      effectiveFrom.toISOString(),
      price.provider,
      patterns,
    );
    for (const r of rows) {
      const match = matchPrice(index, { provider: r.provider, model: r.model, at: r.occurred_at });
      if (match.price?.id !== CANDIDATE_ID) continue;
      if (!r.priced) {
        waiting += 1;
        continue;
      }
      const restated = dec(toCostString(priceEvent(storedTokenCounts(r), candidate, r.service_tier)));
      const stored = dec(r.cost_usd ?? 0);
      if (restated.equals(stored)) continue;
      const month = r.occurred_at.toISOString().slice(0, 7);
      const key = `${r.model}\u0000${month}`;
      const g = groups.get(key) ?? { model: r.model, month, events: 0, stored: dec(0), restated: dec(0) };
      g.events += 1;
      g.stored = g.stored.plus(stored);
      g.restated = g.restated.plus(restated);
      groups.set(key, g);
    }
    if (rows.length < BATCH) break;
    afterId = rows[rows.length - 1].id;
  }
  const rows = [...groups.values()]
    .sort((a, b) => a.month.localeCompare(b.month) || a.model.localeCompare(b.model))
    .map((g) => ({ model: g.model, month: g.month, events: g.events, storedCostUsd: toCostString(g.stored), restatedCostUsd: toCostString(g.restated), differenceUsd: toCostString(g.restated.minus(g.stored)) }));
  return {
    provider: price.provider,
    model: price.model,
    effectiveFrom: effectiveFrom.toISOString(),
    events: rows.reduce((n, r) => n + r.events, 0),
    differenceUsd: toCostString(rows.reduce((d, r) => d.plus(dec(r.differenceUsd)), dec(0))),
    rows,
    waitingEvents: waiting,
  };
}
