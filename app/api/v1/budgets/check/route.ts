import { checkBudget } from "@/lib/server/budgets/check";
import { jsonResponse, readJsonBody, withApiKey } from "@/lib/server/http";
import { AppError } from "@/lib/server/errors";

export const dynamic = "force-dynamic";

const MAX_BODY_BYTES = 64 * 1024;

/** SPEC §5: may this call spend? Reserves the estimate on allow/warn. */
export const POST = withApiKey(async (req, principal) => {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw new AppError("validation_failed", "The body must be a JSON object.");
  const input = body as Record<string, unknown>;
  // A key bound to a project speaks for that project, whatever the body says.
  const project = principal.projectKey ?? input.project;
  const result = await checkBudget(principal.orgId, { ...input, project } as Parameters<typeof checkBudget>[1], { apiKeyPrefix: principal.prefix });
  return jsonResponse({
    decision: result.decision,
    ...(result.reservationId ? { reservation_id: result.reservationId } : {}),
    budgets: result.budgets.map((b) => ({
      scope: b.scope,
      limit_usd: b.limitUsd,
      spent_usd: b.spentUsd,
      reserved_usd: b.reservedUsd,
      remaining_usd: b.remainingUsd,
      period_end: b.periodEnd,
      mode: b.mode,
    })),
    ...(result.overrideToken ? { override_token: result.overrideToken } : {}),
  });
});
