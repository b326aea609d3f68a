// prices:reprice (SPEC §3): events stored unpriced for which a price version is now in force at
// their timestamp. The preview says, per organisation and model, how many events would be priced
// and the cost they would add. Applying prices them and adds them to the roll-ups and budget
// counters of their periods, one transaction per month, audited. Events already priced are never
// re-priced, so running it twice changes nothing.
import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { prisma } from "@/lib/db/client";
import { periodContaining, type BudgetPeriodKind } from "@/lib/budgets/periods";
import { dec, sum, toCostString, type Decimal } from "@/lib/money";
import { priceEvent } from "@/lib/pricing/calculate";
import { buildPriceIndex, matchPrice } from "@/lib/pricing/match";
import { assertSuperAdmin, type Actor } from "../authz";
import { writeAudit, type RequestContext } from "../audit";
import { withRetry } from "../budgets/store";
import { loadCatalogPrices } from "./catalog";
import { storedTokenColumns, storedTokenCounts, type StoredTokensRow } from "./stored-tokens";

type Tx = PrismaNs.TransactionClient;

export interface RepriceRange {
  /** First UTC day (inclusive). */
  from?: Date | null;
  /** Last UTC day (inclusive). */
  to?: Date | null;
}

export interface RepriceGroup {
  orgId: string;
  orgSlug: string;
  provider: string | null;
  model: string | null;
  events: number;
  costUsd: string;
}

export interface RepricePreview {
  events: number;
  costUsd: string;
  groups: RepriceGroup[];
}

interface Candidate {
  id: string;
  orgId: string;
  orgSlug: string;
  occurredAt: Date;
  provider: string | null;
  model: string | null;
  cost: Decimal;
  priceId: string;
}

type EventRow = StoredTokensRow & {
  id: string;
  org_id: string;
  slug: string;
  occurred_at: Date;
  provider: string | null;
  model: string | null;
};

const BATCH = 5000;
const DAY_MS = 86_400_000;

/** Unpriced events in range that the catalog now prices, with the cost it gives them. */
async function findCandidates(range: RepriceRange): Promise<Candidate[]> {
  const db = await prisma();
  const index = buildPriceIndex(await loadCatalogPrices());
  const from = range.from ? new Date(Date.UTC(range.from.getUTCFullYear(), range.from.getUTCMonth(), range.from.getUTCDate())) : new Date(0);
  const toExclusive = range.to ? new Date(Date.UTC(range.to.getUTCFullYear(), range.to.getUTCMonth(), range.to.getUTCDate()) + DAY_MS) : new Date("9999-12-31T00:00:00Z");
  const out: Candidate[] = [];
  let after = "0";
  for (;;) {
    const rows = await db.$queryRawUnsafe<EventRow[]>(
      `SELECT e.id::text AS id, e.org_id::text AS org_id, o.slug, e.occurred_at, e.provider, e.model, ${storedTokenColumns("e")}
       FROM usage_events e JOIN organizations o ON o.id = e.org_id
       WHERE NOT e.priced AND e.id > $1::bigint AND e.occurred_at >= $2::timestamptz AND e.occurred_at < $3::timestamptz
       ORDER BY e.id LIMIT ${BATCH}`,
      after,
      from.toISOString(),
      toExclusive.toISOString(),
    );
    for (const r of rows) {
      const match = matchPrice(index, { provider: r.provider, model: r.model, at: r.occurred_at });
      if (!match.price) continue;
      out.push({
        id: r.id,
        orgId: r.org_id,
        orgSlug: r.slug,
        occurredAt: r.occurred_at,
        provider: r.provider,
        model: r.model,
        cost: dec(toCostString(priceEvent(storedTokenCounts(r), match.price, r.service_tier))),
        priceId: match.price.id,
      });
    }
    if (rows.length < BATCH) return out;
    after = rows[rows.length - 1].id;
  }
}

function summarize(candidates: Candidate[]): RepricePreview {
  const groups = new Map<string, RepriceGroup & { cost: Decimal }>();
  for (const c of candidates) {
    const key = `${c.orgId}\u0000${c.provider ?? ""}\u0000${c.model ?? ""}`;
    const g = groups.get(key) ?? { orgId: c.orgId, orgSlug: c.orgSlug, provider: c.provider, model: c.model, events: 0, costUsd: "0", cost: dec(0) };
    g.events += 1;
    g.cost = g.cost.plus(c.cost);
    groups.set(key, g);
  }
  return {
    events: candidates.length,
    costUsd: toCostString(sum(candidates.map((c) => c.cost))),
    groups: [...groups.values()]
      .map(({ cost, ...g }) => ({ ...g, costUsd: toCostString(cost) }))
      .sort((a, b) => a.orgSlug.localeCompare(b.orgSlug) || (a.provider ?? "").localeCompare(b.provider ?? "") || (a.model ?? "").localeCompare(b.model ?? "")),
  };
}

/** What `prices:reprice --apply` would do now (super admins). */
export async function previewReprice(actor: Actor, range: RepriceRange = {}): Promise<RepricePreview> {
  assertSuperAdmin(actor);
  return summarize(await findCandidates(range));
}

export interface RepriceResult extends RepricePreview {
  months: number;
}

// The events are priced, and their roll-up rows credited, by one statement; it returns the events
// it priced (an event priced meanwhile by another run is left out, so nothing is counted twice).
const APPLY_SQL = `
WITH s AS (
  SELECT * FROM jsonb_to_recordset($1::jsonb) AS x(id bigint, cost numeric, price_id uuid)
), upd AS (
  UPDATE usage_events e SET cost_usd = s.cost, priced = true, price_id = s.price_id
  FROM s WHERE e.id = s.id AND NOT e.priced
  RETURNING e.id, e.org_id, e.occurred_at, e.project_id, e.end_user_id, e.category, e.provider, e.model, e.cost_usd
), dims AS (
  SELECT (upd.occurred_at AT TIME ZONE 'UTC')::date AS day, date_trunc('month', upd.occurred_at AT TIME ZONE 'UTC')::date AS month,
         upd.org_id, COALESCE(p.key, '') AS project_key, COALESCE(u.external_id, '') AS user_key, COALESCE(upd.category, '') AS category,
         COALESCE(upd.provider, '') AS provider, COALESCE(upd.model, '') AS model, upd.cost_usd
  FROM upd LEFT JOIN projects p ON p.id = upd.project_id LEFT JOIN end_users u ON u.id = upd.end_user_id
), daily AS (
  UPDATE daily_rollups r SET cost_usd = r.cost_usd + g.cost, unpriced_requests = r.unpriced_requests - g.n
  FROM (SELECT day, org_id, project_key, user_key, category, provider, model, sum(cost_usd) AS cost, count(*) AS n FROM dims GROUP BY 1, 2, 3, 4, 5, 6, 7) g
  WHERE r.day = g.day AND r.org_id = g.org_id AND r.project_key = g.project_key AND r.user_external_id = g.user_key
    AND r.category = g.category AND r.provider = g.provider AND r.model = g.model
  RETURNING 1
), monthly AS (
  UPDATE monthly_rollups r SET cost_usd = r.cost_usd + g.cost, unpriced_requests = r.unpriced_requests - g.n
  FROM (SELECT month, org_id, project_key, user_key, category, provider, model, sum(cost_usd) AS cost, count(*) AS n FROM dims GROUP BY 1, 2, 3, 4, 5, 6, 7) g
  WHERE r.month = g.month AND r.org_id = g.org_id AND r.project_key = g.project_key AND r.user_external_id = g.user_key
    AND r.category = g.category AND r.provider = g.provider AND r.model = g.model
  RETURNING 1
)
SELECT upd.id::text AS id, upd.org_id::text AS org_id, upd.occurred_at, upd.project_id::text AS project_id,
       upd.end_user_id::text AS end_user_id, upd.cost_usd::text AS cost_usd,
       (SELECT count(*) FROM daily) + (SELECT count(*) FROM monthly) AS rollups
FROM upd ORDER BY upd.id`;

type PricedRow = { id: string; org_id: string; occurred_at: Date; project_id: string | null; end_user_id: string | null; cost_usd: string };
type BudgetRow = { id: string; org_id: string; scope: "organization" | "project" | "user"; project_id: string | null; end_user_id: string | null; period: BudgetPeriodKind };

/** Adds the newly priced events' cost to the spend counters of every budget that counts them, per period. */
async function creditBudgets(tx: Tx, priced: PricedRow[]): Promise<void> {
  const orgIds = [...new Set(priced.map((p) => p.org_id))];
  const budgets = await tx.$queryRawUnsafe<BudgetRow[]>(
    `SELECT id::text AS id, org_id::text AS org_id, scope::text AS scope, project_id::text AS project_id, end_user_id::text AS end_user_id, period::text AS period
     FROM budgets WHERE active AND org_id = ANY($1::uuid[]) ORDER BY id`,
    orgIds,
  );
  const credits = new Map<string, { budgetId: string; start: Date; end: Date; add: Decimal; budget: BudgetRow }>();
  for (const e of priced) {
    for (const b of budgets) {
      if (b.org_id !== e.org_id) continue;
      if (b.scope === "project" && b.project_id !== e.project_id) continue;
      if (b.scope === "user" && b.end_user_id !== e.end_user_id) continue;
      const range = periodContaining(b.period, e.occurred_at);
      const key = `${b.id}\u0000${range.start.toISOString()}`;
      const c = credits.get(key) ?? { budgetId: b.id, start: range.start, end: range.end, add: dec(0), budget: b };
      c.add = c.add.plus(dec(e.cost_usd));
      credits.set(key, c);
    }
  }
  // In key order, as ingest locks counters, so that the two never wait on each other in a circle.
  for (const [, c] of [...credits].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (c.add.isZero()) continue;
    const updated = await tx.$executeRawUnsafe(
      `UPDATE budget_periods SET spent_usd = spent_usd + $3::numeric, updated_at = now() WHERE budget_id = $1::uuid AND period_start = $2::timestamptz`,
      c.budgetId,
      c.start.toISOString(),
      c.add.toFixed(),
    );
    if (updated > 0) continue;
    // No counter for that period yet: start it at the spend of every event it covers (these included).
    await tx.$executeRawUnsafe(
      `INSERT INTO budget_periods (budget_id, period_start, period_end, spent_usd)
       SELECT $1::uuid, $2::timestamptz, $3::timestamptz, COALESCE(sum(cost_usd), 0) FROM usage_events
       WHERE org_id = $4::uuid AND occurred_at >= $2::timestamptz AND occurred_at < $3::timestamptz
         AND ($6::uuid IS NULL OR project_id = $6::uuid) AND ($7::uuid IS NULL OR end_user_id = $7::uuid)
       ON CONFLICT (budget_id, period_start) DO UPDATE SET spent_usd = budget_periods.spent_usd + $5::numeric, updated_at = now()`,
      c.budgetId,
      c.start.toISOString(),
      c.end.toISOString(),
      c.budget.org_id,
      c.add.toFixed(),
      c.budget.scope === "project" ? c.budget.project_id : null,
      c.budget.scope === "user" ? c.budget.end_user_id : null,
    );
  }
}

/**
 * Prices the waiting events now covered by a price version (super admins): one transaction per
 * UTC month of their timestamps, each pricing the month's events, crediting their roll-ups and
 * budget counters and writing the audit log. Idempotent.
 */
export async function applyReprice(actor: Actor, range: RepriceRange = {}, ctx: RequestContext = {}, onProgress?: (done: number, total: number) => void): Promise<RepriceResult> {
  assertSuperAdmin(actor);
  const candidates = await findCandidates(range);
  const byMonth = new Map<string, Candidate[]>();
  for (const c of candidates) {
    const month = c.occurredAt.toISOString().slice(0, 7);
    byMonth.set(month, [...(byMonth.get(month) ?? []), c]);
  }
  const db = await prisma();
  const done: Candidate[] = [];
  let months = 0;
  for (const [month, list] of [...byMonth].sort(([a], [b]) => a.localeCompare(b))) {
    const priced = await withRetry(() =>
      db.$transaction(
        async (tx) => {
          const rows = await tx.$queryRawUnsafe<PricedRow[]>(APPLY_SQL, JSON.stringify(list.map((c) => ({ id: c.id, cost: c.cost.toFixed(), price_id: c.priceId }))));
          if (rows.length === 0) return rows;
          await creditBudgets(tx, rows);
          const ids = new Set(rows.map((r) => r.id));
          const mine = summarize(list.filter((c) => ids.has(c.id)));
          await writeAudit(tx, actor, { action: "price.reprice", targetType: "usage_event", after: { month, events: mine.events, costUsd: mine.costUsd, groups: mine.groups.slice(0, 200) } }, ctx);
          return rows;
        },
        { timeout: 600_000, maxWait: 30_000 },
      ),
    );
    const ids = new Set(priced.map((r) => r.id));
    done.push(...list.filter((c) => ids.has(c.id)));
    if (priced.length > 0) months += 1;
    onProgress?.(done.length, candidates.length);
  }
  return { ...summarize(done), months };
}
