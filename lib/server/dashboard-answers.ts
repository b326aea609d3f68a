// "Answers, not only charts" (SPEC §7): cost by model and by project with the change against the
// previous period, and performance by provider and model. Read from the roll-ups only (the monthly
// ones for whole months, see rollupRangeSource), never from usage_events, so the overview stays fast.
import { getDatabase } from "@/lib/db/client";
import { dec, toCostString } from "@/lib/money";
import { isoDay } from "@/lib/dashboard/dates";
import type { DashboardFilters } from "@/lib/dashboard/filters";
import { previousRange } from "@/lib/dashboard/ranges";
import type { Actor } from "./authz";
import { rollupRangeSource, scopeOrgIds, SqlWhere } from "./dashboard-scope";
import type { DashboardScope } from "./dashboard";

type Filters = Pick<DashboardFilters, "from" | "to" | "project" | "provider" | "model" | "category">;

export interface AnswerRow {
  /** Model: "provider/model"; project: the project key ("" for events without a project). */
  key: string;
  provider: string | null;
  model: string | null;
  project: string | null;
  requests: number;
  failures: number;
  tokens: number;
  costUsd: string;
  /** Share of the range's cost, in percent with one decimal ("0.0" when nothing was spent). */
  sharePercent: string;
  /** Cost of the previous period of the same length (0 when nothing was spent then). */
  previousCostUsd: string;
  /** Mean duration of the requests, in ms (null when no request reported one). */
  avgLatencyMs: number | null;
  /** Cost per 1,000 requests. */
  costPer1kUsd: string;
}

export interface Answers {
  range: { from: string; to: string };
  previous: { from: string; to: string };
  totalCostUsd: string;
  byModel: AnswerRow[];
  byProject: AnswerRow[];
}

type Raw = { provider: string; model: string; project_key: string; requests: string; failures: string; tokens: string; cost: string; duration: string; timed: string };

async function sums(actor: Actor, scope: DashboardScope, f: Filters, from: string, to: string, groupBy: "model" | "project", today: string): Promise<Raw[]> {
  const w = new SqlWhere()
    .orgs("org_id", scopeOrgIds(actor, scope.orgId))
    .equals("project_key", f.project)
    .equals("provider", f.provider)
    .equals("model", f.model)
    .equals("category", f.category);
  const dims = groupBy === "model" ? ["provider", "model"] : ["project_key"];
  // Requests that reported a duration are not counted apart in the roll-ups: the average is over
  // requests whose summed duration is known, approximated by all requests of a roll-up row with any duration.
  const rows = rollupRangeSource(w, from, to, today, dims, {
    requests: "requests",
    failures: "failures",
    tokens: "input_uncached_tokens + cache_read_tokens + cache_write_tokens + output_tokens",
    cost: "cost_usd",
    duration: "duration_ms",
    timed: "CASE WHEN duration_ms > 0 THEN requests ELSE 0 END",
  });
  const cols = groupBy === "model" ? "provider, model, '' AS project_key" : "'' AS provider, '' AS model, project_key";
  const { sql } = await getDatabase();
  return sql.query<Raw>(
    `SELECT ${cols}, sum(requests)::text AS requests, sum(failures)::text AS failures, sum(tokens)::text AS tokens,
            sum(cost)::text AS cost, sum(duration)::text AS duration, sum(timed)::text AS timed
     FROM ${rows} GROUP BY ${dims.join(", ")} HAVING sum(requests) > 0`,
    w.params,
  );
}

function toRows(current: Raw[], previous: Raw[], kind: "model" | "project"): { rows: AnswerRow[]; total: string } {
  const keyOf = (r: Raw) => (kind === "model" ? `${r.provider}/${r.model}` : r.project_key);
  const prev = new Map(previous.map((r) => [keyOf(r), dec(r.cost)]));
  const total = current.reduce((t, r) => t.plus(dec(r.cost)), dec(0));
  const rows = current.map((r): AnswerRow => {
    const requests = Number(r.requests);
    const timed = Number(r.timed);
    const cost = dec(r.cost);
    return {
      key: keyOf(r),
      provider: kind === "model" ? r.provider : null,
      model: kind === "model" ? r.model : null,
      project: kind === "project" ? r.project_key : null,
      requests,
      failures: Number(r.failures),
      tokens: Number(r.tokens),
      costUsd: toCostString(cost),
      sharePercent: total.isZero() ? "0.0" : cost.times(100).dividedBy(total).toFixed(1),
      previousCostUsd: toCostString(prev.get(keyOf(r)) ?? 0),
      avgLatencyMs: timed > 0 ? Math.round(Number(r.duration) / timed) : null,
      costPer1kUsd: requests > 0 ? toCostString(cost.times(1000).dividedBy(requests)) : "0",
    };
  });
  rows.sort((a, b) => dec(b.costUsd).comparedTo(dec(a.costUsd)) || b.requests - a.requests || a.key.localeCompare(b.key));
  return { rows, total: toCostString(total) };
}

/** Cost by model and by project over the range and the previous period, and performance per provider and model. */
export async function getAnswers(actor: Actor, scope: DashboardScope, filters: Filters, now = new Date()): Promise<Answers> {
  const today = isoDay(now);
  const previous = previousRange(filters);
  const [models, prevModels, projects, prevProjects] = await Promise.all([
    sums(actor, scope, filters, filters.from, filters.to, "model", today),
    sums(actor, scope, filters, previous.from, previous.to, "model", today),
    sums(actor, scope, filters, filters.from, filters.to, "project", today),
    sums(actor, scope, filters, previous.from, previous.to, "project", today),
  ]);
  const byModel = toRows(models, prevModels, "model");
  const byProject = toRows(projects, prevProjects, "project");
  return { range: { from: filters.from, to: filters.to }, previous, totalCostUsd: byModel.total, byModel: byModel.rows, byProject: byProject.rows };
}
