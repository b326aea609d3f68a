// Contract between ingest and budgets. Ingest calls applySpendBatchInTransaction once, inside
// the transaction that inserted the batch's NEW usage events (never for duplicates), then, after
// commit, afterSpendCommitted with the outcomes as returned (alerts, webhooks: outside the ingest
// transaction, in the background, so they can neither slow nor fail ingest). When the ingest
// statement itself added the new events to their counters (its one-statement budget path, taken
// only when no event is over budget and nothing else must be written), the call comes after that
// statement committed, with those counters in `read.added`: it then only computes the outcomes.
//
// For every event, in the order given, the batch form adds the event's cost to the counter of
// every active budget in scope for the period containing the event, settles the reservation it
// carries and redeems its override token, then writes the resulting flags onto the event rows
// (so a later event with the same token, in this transaction or a concurrent one, sees the token
// as used). It reads the budgets once, creates and locks every counter row it needs in one
// statement ordered by id (the locking rule of store.ts), computes each event's effect in memory
// and writes each changed counter and each flagged event once. A batch in which no event has a
// priced cost, a reservation or a token costs no query at all; one whose organisation has no
// budget in scope costs one.
import { dec, type Decimal } from "@/lib/money";
import { DAY_MS, periodContaining, type PeriodRange } from "@/lib/budgets/periods";
import { warningThreshold } from "@/lib/budgets/decide";
import { enqueueAlertEvaluation } from "../jobs/alert-evaluation";
import { wakeWorker } from "../jobs/wake";
import { redeemOverrideTokens } from "./redeem";
import { activeExtensions, asSql, budgetsInScopeOfEvents, counterKey, lockAndAddSpend, lockPeriodCounters, type PeriodCounter, type ScopedBudget, type Sql, type Tx } from "./store";

export interface SpendInput {
  orgId: string;
  eventRowId: bigint;
  eventId: string;
  projectId: string | null;
  endUserId: string | null;
  occurredAt: Date;
  /** Computed cost; null when the model is unpriced. */
  costUsd: Decimal | null;
  reservationId: string | null;
  overrideToken: string | null;
  /** Prefix of the API key that sent the event: an override token is good only for the key that asked. */
  apiKeyPrefix?: string | null;
}

/** A budget whose spend is at or above its warning threshold after an event (alerts). */
export interface BudgetCrossing {
  budgetId: string;
  scope: "organization" | "project" | "user";
  scopeKey: string | null;
  mode: "soft" | "hard";
  periodStart: Date;
  periodEnd: Date;
  limitUsd: Decimal;
  spentUsd: Decimal;
  warnPercent: number;
  /** spent ≥ limit (the limit as set, extensions aside). */
  reached: boolean;
}

export interface SpendOutcome {
  overBudget: boolean;
  budgetOverride: boolean;
  overrideBy: string | null;
  overrideTokenId: string | null;
  /** Budgets at or over their warning threshold after this event. */
  crossings?: BudgetCrossing[];
}

export const NO_BUDGET_EFFECT: SpendOutcome = { overBudget: false, budgetOverride: false, overrideBy: null, overrideTokenId: null };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** One event's effect on one budget: the budget's spend in the event's period right after it. */
interface BudgetEffect {
  budget: ScopedBudget;
  range: PeriodRange;
  spentAfter: Decimal;
}

function budgetsByScope(budgets: ScopedBudget[]) {
  const organization = budgets.filter((b) => b.scope === "organization");
  const byProject = new Map<string, ScopedBudget[]>();
  const byUser = new Map<string, ScopedBudget[]>();
  for (const b of budgets) {
    const [map, id] = b.scope === "project" ? [byProject, b.projectId] : b.scope === "user" ? [byUser, b.endUserId] : [null, null];
    if (!map || !id) continue;
    const list = map.get(id);
    if (list) list.push(b);
    else map.set(id, [b]);
  }
  return (input: SpendInput): ScopedBudget[] => [
    ...organization,
    ...(input.projectId ? (byProject.get(input.projectId) ?? []) : []),
    ...(input.endUserId ? (byUser.get(input.endUserId) ?? []) : []),
  ];
}

/** Counter rows of the reservations carried by the batch (read before locking, see store.ts). */
async function reservationLinks(sql: Sql, orgId: string, reservationIds: string[]): Promise<string[]> {
  if (reservationIds.length === 0) return [];
  const rows = await sql.query<{ period_id: string }>(
    `SELECT DISTINCT rb.budget_period_id::text AS period_id FROM reservation_budgets rb JOIN reservations r ON r.id = rb.reservation_id
     WHERE r.id = ANY($1::uuid[]) AND r.org_id = $2::uuid`,
    [reservationIds, orgId],
  );
  return rows.map((r) => r.period_id);
}

/** What the ingest statement already did for the batch (lib/server/ingest/statements.ts). */
export interface SpendRead {
  /** The active budgets in scope of the batch's priced events (or more), read in its transaction. */
  budgets: ScopedBudget[];
  /**
   * The counters that the statement locked and added the new events' cost to, each as it was
   * before (keyed by counterKey); only for a batch without reservations.
   */
  added?: Map<string, PeriodCounter>;
}

/** The counters the statement added to, checked against the ones these rules give the batch. */
function addedCounters(added: Map<string, PeriodCounter>, targets: Map<string, unknown>): Map<string, PeriodCounter> {
  if (added.size !== targets.size || [...targets.keys()].some((key) => !added.has(key))) {
    throw new Error("The ingest statement and the budget rules disagree on the counters of a batch.");
  }
  return added;
}

/**
 * Applies a batch of new events (one organisation) to its budgets; returns one outcome per
 * input, in input order. Events count in that order: the event whose cost takes a budget above
 * its limit (plus extensions) and every priced event after it is flagged over budget.
 * `read`: what the ingest statement did already — the budgets it read, and the counters it
 * added to (then nothing is locked or added here).
 */
export async function applySpendBatchInTransaction(db: Sql | Tx, inputs: SpendInput[], read?: SpendRead): Promise<SpendOutcome[]> {
  const tx = asSql(db);
  const outcomes = inputs.map((): SpendOutcome => ({ ...NO_BUDGET_EFFECT }));
  if (inputs.length === 0) return outcomes;
  const orgId = inputs[0].orgId;
  if (inputs.some((i) => i.orgId !== orgId)) throw new Error("applySpendBatchInTransaction: every event of a batch belongs to one organisation.");
  const now = new Date();
  const costs = inputs.map((i) => (i.costUsd && i.costUsd.greaterThan(0) ? i.costUsd : null));
  const reservationOf = inputs.map((i) => (i.reservationId && UUID.test(i.reservationId) ? i.reservationId.toLowerCase() : null));
  const reservationIds = [...new Set(reservationOf.filter((r): r is string => r !== null))];

  const spending = inputs.filter((_, k) => costs[k] !== null);
  const budgets =
    spending.length === 0
      ? []
      : (read?.budgets ??
        (await budgetsInScopeOfEvents(tx, orgId, {
          projectIds: [...new Set(spending.flatMap((i) => (i.projectId ? [i.projectId] : [])))],
          endUserIds: [...new Set(spending.flatMap((i) => (i.endUserId ? [i.endUserId] : [])))],
        })));
  const linkedPeriodIds = await reservationLinks(tx, orgId, reservationIds);

  const effects: BudgetEffect[][] = inputs.map(() => []);
  if (budgets.length > 0 || linkedPeriodIds.length > 0) {
    const scopeOf = budgetsByScope(budgets);
    // Every period starts at a UTC midnight, so the events of one day share their periods.
    const ranges = new Map<string, PeriodRange>();
    const scoped = inputs.map((input, k) => {
      if (costs[k] === null) return [];
      const day = Math.floor(input.occurredAt.getTime() / DAY_MS);
      return scopeOf(input).map((budget) => {
        const rangeKey = `${budget.period}@${day}`;
        let range = ranges.get(rangeKey);
        if (!range) ranges.set(rangeKey, (range = periodContaining(budget.period, input.occurredAt)));
        return { budget, range, key: counterKey(budget.id, range.start) };
      });
    });
    const targets = new Map<string, { budgetId: string; range: PeriodRange; add: Decimal }>();
    scoped.forEach((list, k) => {
      for (const { budget, range, key } of list) {
        const t = targets.get(key);
        if (t) t.add = t.add.plus(costs[k]!);
        else targets.set(key, { budgetId: budget.id, range, add: costs[k]! });
      }
    });
    // Without reservations to settle (the common case) the counters are locked and added to by
    // one statement, which returns the spend before it; the lock is then held only until COMMIT.
    // (Budgets read for the whole batch may count none of its new events: then there is nothing to lock.)
    const addedAlready = linkedPeriodIds.length === 0;
    if (read?.added && !addedAlready) throw new Error("A batch with reservations cannot have been added to its counters by the ingest statement.");
    const locked = read?.added
      ? addedCounters(read.added, targets)
      : addedAlready
        ? targets.size > 0
          ? await lockAndAddSpend(tx, [...targets.values()])
          : new Map<string, PeriodCounter>()
        : await lockPeriodCounters(tx, [...targets.values()], linkedPeriodIds);

    const released = new Map<string, Decimal>();
    if (linkedPeriodIds.length > 0) {
      // The actual cost replaces the estimate: each reservation is released from every counter it held.
      const rows = await tx.query<{ period_id: string; amount: string }>(
        `DELETE FROM reservation_budgets rb USING reservations r
         WHERE rb.reservation_id = r.id AND r.id = ANY($1::uuid[]) AND r.org_id = $2::uuid AND rb.budget_period_id = ANY($3::uuid[])
         RETURNING rb.budget_period_id::text AS period_id, r.amount_usd::text AS amount`,
        [reservationIds, orgId, linkedPeriodIds],
      );
      for (const r of rows) released.set(r.period_id, (released.get(r.period_id) ?? dec(0)).plus(r.amount));
    }

    // Every event in order: each budget's spend in the event's period right after the event.
    const running = new Map<string, Decimal>();
    const overLimit = new Set<string>();
    scoped.forEach((list, k) => {
      const cost = costs[k];
      if (cost === null) return;
      for (const { budget, range, key } of list) {
        const counter = locked.get(key)!;
        const spentAfter = (running.get(counter.id) ?? counter.spent).plus(cost);
        running.set(counter.id, spentAfter);
        if (spentAfter.greaterThan(budget.limitUsd)) overLimit.add(budget.id);
        effects[k].push({ budget, range, spentAfter });
      }
    });

    const initial = new Map([...locked.values()].map((c) => [c.id, c.spent]));
    const changes = (addedAlready ? [] : [...new Set([...running.keys(), ...released.keys()])]).map((id) => ({
      id,
      add: running.has(id) ? running.get(id)!.minus(initial.get(id)!) : dec(0),
      release: released.get(id) ?? dec(0),
    }));
    if (changes.length > 0) {
      await tx.query(
        `UPDATE budget_periods bp SET spent_usd = bp.spent_usd + v.add, reserved_usd = bp.reserved_usd - v.release, updated_at = now()
         FROM unnest($1::uuid[], $2::numeric[], $3::numeric[]) AS v(id, add, release)
         WHERE bp.id = v.id`,
        [changes.map((c) => c.id), changes.map((c) => c.add.toFixed()), changes.map((c) => c.release.toFixed())],
      );
    }

    const extensions = overLimit.size > 0 ? await activeExtensions(tx, [...overLimit], now) : new Map<string, Decimal>();
    const cap = new Map(budgets.map((b) => [b.id, b.limitUsd.plus(extensions.get(b.id) ?? 0)]));
    const warnAt = new Map(budgets.map((b) => [b.id, warningThreshold(b.limitUsd, b.warnPercent)]));
    effects.forEach((list, k) => {
      if (list.length === 0) return;
      outcomes[k].overBudget = list.some((e) => e.spentAfter.greaterThan(cap.get(e.budget.id)!));
      const crossings = list.flatMap(({ budget: b, range, spentAfter }): BudgetCrossing[] =>
        spentAfter.greaterThanOrEqualTo(warnAt.get(b.id)!)
          ? [{ budgetId: b.id, scope: b.scope, scopeKey: b.scope === "organization" ? null : b.scopeKey, mode: b.mode, periodStart: range.start, periodEnd: range.end, limitUsd: b.limitUsd, spentUsd: spentAfter, warnPercent: b.warnPercent, reached: spentAfter.greaterThanOrEqualTo(b.limitUsd) }]
          : [],
      );
      if (crossings.length > 0) outcomes[k].crossings = crossings;
    });
  }

  if (reservationIds.length > 0) {
    // The first event carrying a reservation settles it.
    const settling = reservationIds.map((id) => inputs[reservationOf.indexOf(id)]);
    await tx.query(
      `UPDATE reservations r SET status = 'settled', settled_at = $3::timestamptz, event_id = v.event_id
       FROM unnest($1::uuid[], $2::text[]) AS v(id, event_id)
       WHERE r.id = v.id AND r.org_id = $4::uuid AND r.status = 'active'`,
      [reservationIds, settling.map((i) => i.eventRowId.toString()), now.toISOString(), orgId],
    );
  }

  const redemptions = await redeemOverrideTokens(tx, inputs);
  redemptions.forEach((r, k) => {
    if (!r) return;
    outcomes[k].budgetOverride = true;
    outcomes[k].overrideBy = r.by;
    outcomes[k].overrideTokenId = r.tokenId;
  });

  const flagged = outcomes.flatMap((o, k) => (o.overBudget || o.budgetOverride ? [{ o, rowId: inputs[k].eventRowId }] : []));
  if (flagged.length > 0) {
    await tx.query(
      `UPDATE usage_events e SET over_budget = v.over_budget, budget_override = v.budget_override, override_by = v.override_by, override_token_id = v.override_token_id
       FROM unnest($1::bigint[], $2::boolean[], $3::boolean[], $4::text[], $5::text[]) AS v(id, over_budget, budget_override, override_by, override_token_id)
       WHERE e.id = v.id`,
      [flagged.map((f) => f.rowId.toString()), flagged.map((f) => f.o.overBudget), flagged.map((f) => f.o.budgetOverride), flagged.map((f) => f.o.overrideBy), flagged.map((f) => f.o.overrideTokenId)],
    );
  }
  return outcomes;
}

/** The single-event form of applySpendBatchInTransaction. */
export async function applySpendInTransaction(db: Sql | Tx, input: SpendInput): Promise<SpendOutcome> {
  return (await applySpendBatchInTransaction(db, [input]))[0];
}

/**
 * Queues the alert evaluation of committed events as a durable job (lib/server/jobs) when they
 * can raise an alert, and wakes the worker; the worker raises the alerts and sends the webhooks.
 */
export async function afterSpendCommitted(items: { input: SpendInput; outcome: SpendOutcome }[]): Promise<void> {
  if (items.length === 0) return;
  if (await enqueueAlertEvaluation(items)) wakeWorker();
}
