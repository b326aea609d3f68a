import { listBudgets } from "@/lib/server/budgets/manage";
import { jsonResponse, withApiKey } from "@/lib/server/http";
import { apiKeyActor } from "@/lib/server/authz";

export const dynamic = "force-dynamic";

/** SPEC §5: the key's organisation's active budgets with their current period. */
export const GET = withApiKey(async (_req, principal) => {
  const budgets = await listBudgets(apiKeyActor(principal), principal.orgId, { activeOnly: true });
  return jsonResponse({
    budgets: budgets.map((b) => ({
      id: b.id,
      scope: b.scope,
      scope_key: b.scopeKey,
      period: b.period,
      mode: b.mode,
      limit_usd: b.limitUsd,
      spent_usd: b.spentUsd,
      reserved_usd: b.reservedUsd,
      remaining_usd: b.remainingUsd,
      warn_percent: b.warnPercent,
      period_start: b.periodStart,
      period_end: b.periodEnd,
    })),
  });
});
