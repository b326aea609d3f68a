// Usage totals for one organisation and a range of UTC days, read from the daily roll-ups
// (GET /api/v1/usage/summary). Token counts are reported as ingested: input includes cached tokens.
import { prisma } from "@/lib/db/client";
import { toCostString } from "@/lib/money";
import { assertOrgRole, type Actor } from "./authz";
import type { SummaryGroup, UsageSummaryQuery } from "@/lib/usage/summary-query";
import type { ApiKeyPrincipal } from "./api-keys";

export { SUMMARY_GROUPS, usageSummaryQuerySchema, type SummaryGroup, type UsageSummaryQuery } from "@/lib/usage/summary-query";

const DIMENSION: Record<SummaryGroup, string> = {
  day: "to_char(day, 'YYYY-MM-DD')",
  provider: "provider",
  model: "model",
  project: "project_key",
  user: "user_external_id",
  category: "category",
};

export interface SummaryTotals {
  cost_usd: string;
  requests: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}

export interface UsageSummary {
  from: string;
  to: string;
  total: SummaryTotals;
  groups: ({ key: string | null } & SummaryTotals)[];
}

type Row = { key: string | null; cost: string; requests: string; input: string; output: string; cache_read: string; cache_write: string };

function totals(r: Row): SummaryTotals {
  return {
    cost_usd: toCostString(r.cost),
    requests: Number(r.requests),
    input_tokens: Number(r.input),
    output_tokens: Number(r.output),
    cache_read_tokens: Number(r.cache_read),
    cache_write_tokens: Number(r.cache_write),
  };
}

async function summarize(orgId: string, query: UsageSummaryQuery): Promise<UsageSummary> {
  const db = await prisma();
  const dim = DIMENSION[query.groupBy];
  const rows = await db.$queryRawUnsafe<Row[]>(
    `SELECT NULLIF(${dim}, '') AS key,
            COALESCE(sum(cost_usd), 0)::text AS cost,
            COALESCE(sum(requests), 0)::text AS requests,
            COALESCE(sum(input_uncached_tokens + cache_read_tokens + cache_write_tokens), 0)::text AS input,
            COALESCE(sum(output_tokens), 0)::text AS output,
            COALESCE(sum(cache_read_tokens), 0)::text AS cache_read,
            COALESCE(sum(cache_write_tokens), 0)::text AS cache_write
     FROM daily_rollups
     WHERE org_id = $1::uuid AND day >= $2::date AND day <= $3::date
     GROUP BY GROUPING SETS ((${dim}), ())
     ORDER BY GROUPING(${dim}) DESC, ${query.groupBy === "day" ? "1 ASC" : "sum(cost_usd) DESC, 1 ASC NULLS LAST"}`,
    orgId,
    query.from,
    query.to,
  );
  // The grand total is the grouping set (); it comes first and is absent when there are no rows.
  const [first, ...rest] = rows;
  const empty: Row = { key: null, cost: "0", requests: "0", input: "0", output: "0", cache_read: "0", cache_write: "0" };
  const hasTotal = rows.length > 0;
  return {
    from: query.from,
    to: query.to,
    total: totals(hasTotal ? first : empty),
    groups: (hasTotal ? rest : []).map((r) => ({ key: r.key, ...totals(r) })),
  };
}

/** Summary for the API key's organisation. */
export async function summarizeUsageForKey(principal: ApiKeyPrincipal, query: UsageSummaryQuery): Promise<UsageSummary> {
  return summarize(principal.orgId, query);
}

/** Summary for a console user who may read the organisation. */
export async function getUsageSummary(actor: Actor, orgId: string, query: UsageSummaryQuery): Promise<UsageSummary> {
  assertOrgRole(actor, orgId);
  return summarize(orgId, query);
}
