// Override tokens redeemed by ingest (SPEC §5): a token is good for one event of the
// organisation, end user and project it was issued for. Every token of a batch is checked in
// memory (signature, expiry, binding) and the batch takes one advisory lock per token id, so a
// concurrent transaction redeeming the same token waits until this one commits and then finds
// it used (usage_events.override_token_id is unique besides).
import { overrideTokenMatches, readOverrideToken, type OverrideClaims } from "@/lib/budgets/override-token";
import { overrideSigningSecretInTransaction } from "./secret";
import type { Sql } from "./store";

export interface TokenEvent {
  orgId: string;
  eventRowId: bigint;
  eventId: string;
  projectId: string | null;
  endUserId: string | null;
  overrideToken: string | null;
  apiKeyPrefix?: string | null;
}

export interface Redemption {
  by: string;
  tokenId: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function redeemedBy(claims: OverrideClaims): string {
  return claims.user ? `user:${claims.user}` : claims.keyPrefix ? `api_key:${claims.keyPrefix}` : "api";
}

/** The project keys and end users' external ids of the given ids, in one query. */
async function scopeNames(tx: Sql, events: TokenEvent[]): Promise<Map<string, string>> {
  const projectIds = [...new Set(events.flatMap((e) => (e.projectId ? [e.projectId] : [])))];
  const endUserIds = [...new Set(events.flatMap((e) => (e.endUserId ? [e.endUserId] : [])))];
  const names = new Map<string, string>();
  if (projectIds.length === 0 && endUserIds.length === 0) return names;
  const rows = await tx.query<{ kind: "p" | "u"; id: string; name: string }>(
    `SELECT 'p' AS kind, id::text AS id, key AS name FROM projects WHERE id = ANY($1::uuid[])
     UNION ALL SELECT 'u', id::text, external_id FROM end_users WHERE id = ANY($2::uuid[])`,
    [projectIds, endUserIds],
  );
  for (const r of rows) names.set(`${r.kind}:${r.id}`, r.name);
  return names;
}

/**
 * Redeems the override tokens carried by `events` (one organisation, in event order): the first
 * event presenting a valid, unused token gets it; any later one is recorded without override.
 * Writes the confirmation overrides and their audit entries; the caller writes the event flags.
 * Returns one entry per event (null: no override).
 */
export async function redeemOverrideTokens(tx: Sql, events: TokenEvent[]): Promise<(Redemption | null)[]> {
  const out: (Redemption | null)[] = events.map(() => null);
  const carrying = events.filter((e) => e.overrideToken);
  if (carrying.length === 0) return out;
  const secret = await overrideSigningSecretInTransaction(tx);
  if (!secret) return out;
  const claimsOf = events.map((e) => (e.overrideToken ? readOverrideToken(secret, e.overrideToken) : null));
  const signed = events.filter((_, i) => claimsOf[i] !== null);
  if (signed.length === 0) return out;
  const names = await scopeNames(tx, signed);
  const valid = events.map((e, i) => {
    const claims = claimsOf[i];
    if (!claims) return null;
    const user = e.endUserId ? (names.get(`u:${e.endUserId}`) ?? null) : null;
    const project = e.projectId ? (names.get(`p:${e.projectId}`) ?? null) : null;
    return overrideTokenMatches(claims, { orgId: e.orgId, user, project, keyPrefix: e.apiKeyPrefix ?? null }) ? claims : null;
  });
  const tokenIds = [...new Set(valid.flatMap((c) => (c ? [c.jti] : [])))].sort();
  if (tokenIds.length === 0) return out;

  // Locks are taken in token-id order so two batches sharing tokens cannot deadlock on them.
  await tx.query(
    `SELECT count(*)::int AS n FROM (SELECT pg_advisory_xact_lock(hashtextextended(t, 0)) FROM (SELECT unnest($1::text[]) AS t ORDER BY 1) AS ordered) AS locked`,
    [tokenIds],
  );
  // A new statement after the locks: it sees every redemption committed before them.
  const used = new Set(
    (await tx.query<{ token_id: string }>(`SELECT override_token_id AS token_id FROM usage_events WHERE override_token_id = ANY($1::text[])`, [tokenIds])).map((r) => r.token_id),
  );

  const redeemed: { event: TokenEvent; claims: OverrideClaims; by: string; budgetIds: string[] }[] = [];
  events.forEach((e, i) => {
    const claims = valid[i];
    if (!claims || used.has(claims.jti)) return;
    used.add(claims.jti);
    const by = redeemedBy(claims);
    out[i] = { by, tokenId: claims.jti };
    redeemed.push({ event: e, claims, by, budgetIds: [] });
  });
  if (redeemed.length === 0) return out;

  const claimedBudgetIds = [...new Set(redeemed.flatMap((r) => r.claims.budgetIds.filter((id) => UUID.test(id))))];
  const orgId = redeemed[0].event.orgId;
  const known = new Set(
    claimedBudgetIds.length === 0
      ? []
      : (await tx.query<{ id: string }>(`SELECT id::text AS id FROM budgets WHERE id = ANY($1::uuid[]) AND org_id = $2::uuid`, [claimedBudgetIds, orgId])).map((r) => r.id),
  );
  for (const r of redeemed) r.budgetIds = r.claims.budgetIds.map((id) => id.toLowerCase()).filter((id) => known.has(id));
  const overrides = redeemed.flatMap((r) => (r.budgetIds.length > 0 ? r.budgetIds : [null]).map((budgetId) => ({ budgetId, grantedBy: r.by, eventId: r.event.eventRowId.toString() })));
  await tx.query(
    `INSERT INTO budget_overrides (org_id, budget_id, kind, reason, granted_by, event_id)
     SELECT $1::uuid, v.budget_id, 'confirmation', $2, v.granted_by, v.event_id FROM unnest($3::uuid[], $4::text[], $5::text[]) AS v(budget_id, granted_by, event_id)`,
    [orgId, "Call confirmed with an override token", overrides.map((o) => o.budgetId), overrides.map((o) => o.grantedBy), overrides.map((o) => o.eventId)],
  );
  // The audit entries writeAudit would make for a system actor labelled with the redeemer.
  await tx.query(
    `INSERT INTO audit_logs (actor_id, actor_label, org_id, action, target_type, target_id, after)
     SELECT NULL, v.label, $1::uuid, 'budget.override.confirm', 'usage_event', v.target, v.after FROM unnest($2::text[], $3::text[], $4::jsonb[]) AS v(label, target, after)`,
    [
      orgId,
      redeemed.map((r) => r.by),
      redeemed.map((r) => r.event.eventRowId.toString()),
      redeemed.map((r) => JSON.stringify({ tokenId: r.claims.jti, eventId: r.event.eventId, budgetIds: r.budgetIds })),
    ],
  );
  return out;
}
