// Daily and monthly roll-ups are maintained by ingest in the event's own transaction; this module
// recomputes them from the raw events (aggregates:rebuild) and compares both (aggregates:verify).
// Periods before the retention watermark are left alone: their raw events may be gone.
import { getDatabase } from "@/lib/db/client";
import type { SqlRunner } from "@/lib/db/sql";
import { getSetting } from "./app-settings";

/** app_settings key holding the ISO date-time before which raw events may have been deleted. */
export const RETENTION_WATERMARK_SETTING = "retention_watermark";

const DAY_MS = 86_400_000;

export function startOfDayUtc(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

export function startOfMonthUtc(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1));
}

function nextMonth(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1));
}

const isoDate = (d: Date) => d.toISOString().slice(0, 10);

/** First day and first month that hold only events after the retention watermark. */
export async function coveredFrom(): Promise<{ day: Date | null; month: Date | null }> {
  const raw = await getSetting(RETENTION_WATERMARK_SETTING);
  const watermark = raw ? new Date(raw) : null;
  if (!watermark || Number.isNaN(watermark.getTime())) return { day: null, month: null };
  const day = startOfDayUtc(watermark).getTime() === watermark.getTime() ? watermark : new Date(startOfDayUtc(watermark).getTime() + DAY_MS);
  const month = startOfMonthUtc(watermark).getTime() === watermark.getTime() ? watermark : nextMonth(watermark);
  return { day, month };
}

const ROLLUP_COLUMNS = `requests, successes, failures, unpriced_requests, input_uncached_tokens, cache_read_tokens,
  cache_write_tokens, output_tokens, reasoning_tokens, cost_usd, duration_ms`;

const EVENT_DIMS = `e.org_id, COALESCE(p.key, ''), COALESCE(u.external_id, ''), COALESCE(e.category, ''), COALESCE(e.provider, ''), COALESCE(e.model, '')`;

const EVENT_AGGREGATES = `count(*), count(*) FILTER (WHERE e.success), count(*) FILTER (WHERE NOT e.success),
  count(*) FILTER (WHERE NOT e.priced), sum(e.input_uncached_tokens), sum(e.cache_read_tokens), sum(e.cache_write_tokens),
  sum(e.output_tokens), sum(e.reasoning_tokens), COALESCE(sum(e.cost_usd), 0), COALESCE(sum(e.duration_ms), 0)`;

const EVENTS_FROM = `usage_events e LEFT JOIN projects p ON p.id = e.project_id LEFT JOIN end_users u ON u.id = e.end_user_id`;

function periodExpr(period: "day" | "month"): string {
  return period === "day" ? `(e.occurred_at AT TIME ZONE 'UTC')::date` : `date_trunc('month', e.occurred_at AT TIME ZONE 'UTC')::date`;
}

async function rebuildPeriod(conn: SqlRunner, table: "daily_rollups" | "monthly_rollups", period: "day" | "month", from: Date, toExclusive: Date): Promise<void> {
  await conn.query(`DELETE FROM ${table} WHERE ${period} >= $1::date AND ${period} < $2::date`, [isoDate(from), isoDate(toExclusive)]);
  await conn.query(
    `INSERT INTO ${table} (${period}, org_id, project_key, user_external_id, category, provider, model, ${ROLLUP_COLUMNS})
     SELECT ${periodExpr(period)}, ${EVENT_DIMS}, ${EVENT_AGGREGATES}
     FROM ${EVENTS_FROM}
     WHERE e.occurred_at >= $1::timestamptz AND e.occurred_at < $2::timestamptz
     GROUP BY 1, 2, 3, 4, 5, 6, 7`,
    [from.toISOString(), toExclusive.toISOString()],
  );
}

export interface RebuildResult {
  months: number;
  from: string | null;
  to: string | null;
}

/**
 * Recomputes roll-ups from raw events, month by month, each month in one transaction that blocks
 * concurrent ingest of roll-ups only for its own duration. Daily rows are rebuilt for the days in
 * [from, to]; monthly rows for every whole month those days touch. Idempotent.
 */
export async function rebuildRollups(options: { from?: Date; to?: Date; onProgress?: (done: number, total: number) => void } = {}): Promise<RebuildResult> {
  const { sql } = await getDatabase();
  const covered = await coveredFrom();
  let from = options.from ? startOfDayUtc(options.from) : null;
  let to = options.to ? startOfDayUtc(options.to) : null;
  if (!from || !to) {
    const [bounds] = await sql.query<{ lo: Date | null; hi: Date | null }>(
      `SELECT least((SELECT min(occurred_at) FROM usage_events), (SELECT min(day)::timestamptz FROM daily_rollups)) AS lo,
              greatest((SELECT max(occurred_at) FROM usage_events), (SELECT max(day)::timestamptz FROM daily_rollups)) AS hi`,
    );
    if (!bounds.lo || !bounds.hi) return { months: 0, from: null, to: null };
    from ??= startOfDayUtc(new Date(bounds.lo));
    to ??= startOfDayUtc(new Date(bounds.hi));
  }
  if (covered.day && from < covered.day) from = covered.day;
  if (from > to) return { months: 0, from: isoDate(from), to: isoDate(to) };

  const months: Date[] = [];
  for (let m = startOfMonthUtc(from); m <= to; m = nextMonth(m)) months.push(m);
  let done = 0;
  options.onProgress?.(0, months.length);
  for (const month of months) {
    const end = nextMonth(month);
    const dayFrom = month < from ? from : month;
    const dayTo = end.getTime() > to.getTime() + DAY_MS ? new Date(to.getTime() + DAY_MS) : end;
    await sql.withConnection(async (conn) => {
      await conn.exec("BEGIN");
      try {
        // Waits for ingest transactions that already touched the roll-ups and holds new ones back,
        // so that no event is counted twice or missed while its month is recomputed.
        await conn.exec("LOCK TABLE daily_rollups, monthly_rollups IN SHARE ROW EXCLUSIVE MODE");
        await rebuildPeriod(conn, "daily_rollups", "day", dayFrom, dayTo);
        if (!covered.month || month >= covered.month) await rebuildPeriod(conn, "monthly_rollups", "month", month, end);
        await conn.exec("COMMIT");
      } catch (err) {
        await conn.exec("ROLLBACK").catch(() => {});
        throw err;
      }
    });
    done += 1;
    options.onProgress?.(done, months.length);
  }
  return { months: months.length, from: isoDate(from), to: isoDate(to) };
}

export interface RollupDrift {
  table: "daily_rollups" | "monthly_rollups";
  period: string;
  orgId: string;
  projectKey: string;
  userExternalId: string;
  category: string;
  provider: string;
  model: string;
  /** Column → { rollup, events } for every column that differs. */
  differences: Record<string, { rollup: string; events: string }>;
}

export interface VerifyResult {
  checkedFrom: { day: string | null; month: string | null };
  drift: RollupDrift[];
}

const COMPARED = ROLLUP_COLUMNS.split(",").map((c) => c.trim());

async function driftOf(sql: SqlRunner, table: "daily_rollups" | "monthly_rollups", period: "day" | "month", from: Date | null): Promise<RollupDrift[]> {
  const since = from ? from.toISOString() : "-infinity";
  const rows = await sql.query<Record<string, string>>(
    `WITH ev (period, org_id, project_key, user_external_id, category, provider, model, ${ROLLUP_COLUMNS}) AS (
       SELECT ${periodExpr(period)}, ${EVENT_DIMS}, ${EVENT_AGGREGATES}
       FROM ${EVENTS_FROM} WHERE e.occurred_at >= $1::timestamptz
       GROUP BY 1, 2, 3, 4, 5, 6, 7
     ), ro AS (
       SELECT ${period} AS period, org_id, project_key, user_external_id, category, provider, model, ${ROLLUP_COLUMNS}
       FROM ${table} WHERE ${period} >= ($1::timestamptz AT TIME ZONE 'UTC')::date
     )
     SELECT to_char(COALESCE(ro.period, ev.period), 'YYYY-MM-DD') AS period,
            COALESCE(ro.org_id, ev.org_id)::text AS org_id,
            COALESCE(ro.project_key, ev.project_key) AS project_key,
            COALESCE(ro.user_external_id, ev.user_external_id) AS user_external_id,
            COALESCE(ro.category, ev.category) AS category,
            COALESCE(ro.provider, ev.provider) AS provider,
            COALESCE(ro.model, ev.model) AS model,
            ${COMPARED.map((c) => `COALESCE(ro.${c}, 0)::text AS ro_${c}, COALESCE(ev.${c}, 0)::text AS ev_${c}`).join(", ")}
     FROM ro FULL OUTER JOIN ev
       ON ro.period = ev.period AND ro.org_id = ev.org_id AND ro.project_key = ev.project_key
      AND ro.user_external_id = ev.user_external_id AND ro.category = ev.category AND ro.provider = ev.provider AND ro.model = ev.model
     WHERE ${COMPARED.map((c) => `COALESCE(ro.${c}, 0) <> COALESCE(ev.${c}, 0)`).join(" OR ")}
     ORDER BY 1, 2, 3, 4, 5, 6, 7`,
    [since],
  );
  return rows.map((r) => {
    const differences: RollupDrift["differences"] = {};
    for (const c of COMPARED) if (r[`ro_${c}`] !== r[`ev_${c}`]) differences[c] = { rollup: r[`ro_${c}`], events: r[`ev_${c}`] };
    return {
      table,
      period: r.period,
      orgId: r.org_id,
      projectKey: r.project_key,
      userExternalId: r.user_external_id,
      category: r.category,
      provider: r.provider,
      model: r.model,
      differences,
    };
  });
}

/** Compares every roll-up row after the retention watermark with the raw events it sums up. */
export async function verifyRollups(): Promise<VerifyResult> {
  const { sql } = await getDatabase();
  const covered = await coveredFrom();
  const drift = [...(await driftOf(sql, "daily_rollups", "day", covered.day)), ...(await driftOf(sql, "monthly_rollups", "month", covered.month))];
  return { checkedFrom: { day: covered.day ? isoDate(covered.day) : null, month: covered.month ? isoDate(covered.month) : null }, drift };
}
