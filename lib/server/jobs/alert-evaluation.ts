// Alert evaluation after committed events, as a durable job (SPEC §6: alerts raised by an event
// are never lost when the process stops after its commit). Ingest hands the committed outcomes to
// enqueueAlertEvaluation right after commit; it stores a compact job (per organisation: the
// budgets that crossed a threshold, the costliest call per day) only when there is something to
// evaluate, so most batches cost no query. Should the process stop between the commit and that
// insert, the periodic sweep (sweepMissedAlerts) finds the same alerts from the committed state.
import { prisma } from "@/lib/db/client";
import { dec } from "@/lib/money";
import { evaluateDailySpike, evaluateSingleCall, raiseBudgetAlerts, singleCallThreshold } from "../alerts";
import type { BudgetCrossing, SpendInput, SpendOutcome } from "../budgets/spend";
import { getSetting, setSetting } from "../app-settings";
import { enqueueJob } from "./queue";

export const ALERT_EVALUATION_JOB = "alerts.evaluate";

interface CrossingJson {
  budgetId: string;
  scope: BudgetCrossing["scope"];
  scopeKey: string | null;
  mode: BudgetCrossing["mode"];
  periodStart: string;
  periodEnd: string;
  limitUsd: string;
  spentUsd: string;
  warnPercent: number;
  reached: boolean;
}

interface CallJson {
  eventId: string;
  costUsd: string;
  occurredAt: string;
}

export interface AlertEvaluationPayload {
  orgs: { orgId: string; crossings: CrossingJson[]; calls: CallJson[]; spike: boolean }[];
}

// The spike check reads the roll-ups; once a minute per organisation and instance is plenty.
const SPIKE_INTERVAL_MS = 60_000;
const lastSpikeCheck = new Map<string, number>();

/** Builds the job for committed events; null when nothing in them can raise an alert. */
export async function alertEvaluationFor(items: { input: SpendInput; outcome: SpendOutcome }[], now = Date.now()): Promise<AlertEvaluationPayload | null> {
  const byOrg = new Map<string, { crossings: Map<string, CrossingJson>; calls: Map<string, CallJson> }>();
  for (const { input, outcome } of items) {
    let org = byOrg.get(input.orgId);
    if (!org) byOrg.set(input.orgId, (org = { crossings: new Map(), calls: new Map() }));
    for (const c of outcome.crossings ?? []) {
      const key = `${c.budgetId}/${c.periodStart.toISOString()}`;
      const seen = org.crossings.get(key);
      if (seen && dec(seen.spentUsd).greaterThanOrEqualTo(c.spentUsd)) continue;
      org.crossings.set(key, {
        budgetId: c.budgetId,
        scope: c.scope,
        scopeKey: c.scopeKey,
        mode: c.mode,
        periodStart: c.periodStart.toISOString(),
        periodEnd: c.periodEnd.toISOString(),
        limitUsd: c.limitUsd.toFixed(),
        spentUsd: c.spentUsd.toFixed(),
        warnPercent: c.warnPercent,
        reached: c.reached,
      });
    }
    if (input.costUsd) {
      const day = input.occurredAt.toISOString().slice(0, 10);
      const seen = org.calls.get(day);
      if (!seen || input.costUsd.greaterThan(seen.costUsd)) org.calls.set(day, { eventId: input.eventId, costUsd: input.costUsd.toFixed(), occurredAt: input.occurredAt.toISOString() });
    }
  }
  const orgs: AlertEvaluationPayload["orgs"] = [];
  for (const [orgId, org] of byOrg) {
    const threshold = await singleCallThreshold(orgId);
    const calls = threshold ? [...org.calls.values()].filter((c) => dec(c.costUsd).greaterThan(threshold)) : [];
    const spike = (lastSpikeCheck.get(orgId) ?? 0) <= now - SPIKE_INTERVAL_MS && org.calls.size > 0;
    if (spike) lastSpikeCheck.set(orgId, now);
    if (org.crossings.size > 0 || calls.length > 0 || spike) orgs.push({ orgId, crossings: [...org.crossings.values()], calls, spike });
  }
  return orgs.length > 0 ? { orgs } : null;
}

/** Queues the evaluation of committed events; returns whether a job was stored. */
export async function enqueueAlertEvaluation(items: { input: SpendInput; outcome: SpendOutcome }[]): Promise<boolean> {
  const payload = await alertEvaluationFor(items);
  if (!payload) return false;
  await enqueueJob(ALERT_EVALUATION_JOB, payload);
  return true;
}

/** Runs an alert-evaluation job: raising is idempotent (one alert per dedupe key), so a rerun is harmless. */
export async function runAlertEvaluation(payload: AlertEvaluationPayload): Promise<void> {
  for (const org of payload.orgs) {
    for (const c of org.crossings) {
      await raiseBudgetAlerts(org.orgId, {
        ...c,
        periodStart: new Date(c.periodStart),
        periodEnd: new Date(c.periodEnd),
        limitUsd: dec(c.limitUsd),
        spentUsd: dec(c.spentUsd),
      });
    }
    for (const call of org.calls) {
      await evaluateSingleCall(org.orgId, { eventId: call.eventId, costUsd: dec(call.costUsd), occurredAt: new Date(call.occurredAt) });
    }
    if (org.spike) await evaluateDailySpike(org.orgId);
  }
}

const SWEEP_WATERMARKS = "alerts_sweep_event_ids";

/**
 * The safety net: raises, from committed state, every alert an evaluation job would have raised
 * (budgets at or over their warning threshold in their current period, calls above the
 * single-call threshold since the last sweeps, spikes of organisations with spend today).
 * Events are scanned by id from the highest id seen three sweeps ago, so a transaction that
 * committed late is still seen.
 */
export async function sweepMissedAlerts(): Promise<void> {
  const db = await prisma();
  const budgets = await db.$queryRaw<
    { budget_id: string; org_id: string; scope: BudgetCrossing["scope"]; scope_key: string; mode: BudgetCrossing["mode"]; period_start: Date; period_end: Date; limit_usd: string; spent_usd: string; warn_percent: number }[]
  >`
    SELECT b.id AS budget_id, b.org_id, b.scope::text AS scope, b.scope_key, b.mode::text AS mode, p.period_start, p.period_end,
           b.limit_usd::text AS limit_usd, p.spent_usd::text AS spent_usd, b.warn_percent
    FROM budget_periods p JOIN budgets b ON b.id = p.budget_id
    WHERE b.active AND p.period_start <= now() AND p.period_end > now() AND p.spent_usd >= b.limit_usd * b.warn_percent / 100
      AND NOT EXISTS (SELECT 1 FROM alerts a WHERE a.org_id = b.org_id AND a.dedupe_key =
            CASE WHEN p.spent_usd >= b.limit_usd THEN 'budget_reached:' ELSE 'budget_warning:' END || b.id::text || ':' || to_char(p.period_start AT TIME ZONE 'UTC', 'YYYY-MM-DD'))`;
  for (const b of budgets) {
    const limitUsd = dec(b.limit_usd);
    const spentUsd = dec(b.spent_usd);
    await raiseBudgetAlerts(b.org_id, {
      budgetId: b.budget_id,
      scope: b.scope,
      scopeKey: b.scope === "organization" ? null : b.scope_key,
      mode: b.mode,
      periodStart: b.period_start,
      periodEnd: b.period_end,
      limitUsd,
      spentUsd,
      warnPercent: b.warn_percent,
      reached: spentUsd.greaterThanOrEqualTo(limitUsd),
    });
  }

  const marks: string[] = JSON.parse((await getSetting(SWEEP_WATERMARKS)) ?? "[]");
  const [{ max }] = await db.$queryRaw<{ max: string | null }[]>`SELECT max(id)::text AS max FROM usage_events`;
  // The first sweep of a database starts at its newest event rather than scanning all history.
  const from = marks.length > 0 ? marks[0] : (max ?? "0");
  const calls = await db.$queryRaw<{ org_id: string; event_id: string; cost_usd: string; occurred_at: Date }[]>`
    SELECT DISTINCT ON (e.org_id, (e.occurred_at AT TIME ZONE 'UTC')::date) e.org_id, e.event_id, e.cost_usd::text AS cost_usd, e.occurred_at
    FROM usage_events e JOIN alert_settings s ON s.org_id = e.org_id
    WHERE e.id > ${from}::bigint AND s.single_call_threshold_usd IS NOT NULL AND e.cost_usd > s.single_call_threshold_usd
    ORDER BY e.org_id, (e.occurred_at AT TIME ZONE 'UTC')::date, e.cost_usd DESC`;
  for (const c of calls) await evaluateSingleCall(c.org_id, { eventId: c.event_id, costUsd: dec(c.cost_usd), occurredAt: c.occurred_at });
  await setSetting(SWEEP_WATERMARKS, JSON.stringify([...marks, max ?? from].slice(-3)));

  const active = await db.$queryRaw<{ org_id: string }[]>`SELECT DISTINCT org_id FROM daily_rollups WHERE day = (now() AT TIME ZONE 'UTC')::date`;
  for (const { org_id } of active) await evaluateDailySpike(org_id);
}
