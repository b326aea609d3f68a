// Reconciliation read model (SPEC §3 bills:reconcile, §7): the organisation's bill lines against
// the daily roll-ups of its events, per UTC day × provider × model, both sides matched to the
// catalog's base model as prices are. Owners/admins of the organisation and super admins.
import { getDatabase } from "@/lib/db/client";
import { baseModelName, providerOfModel } from "@/lib/bills/model-match";
import { BILL_PROVIDERS, type TokenType } from "@/lib/bills/parse";
import { reconcile, rowKey, type BilledAmount, type ReconcileRow, type TrackedAmount, type UnitPrices } from "@/lib/bills/reconcile";
import { addDays } from "@/lib/dashboard/dates";
import { matchPrice } from "@/lib/pricing/match";
import { assertOrgRole, type Actor } from "../authz";
import { getPriceIndex } from "../pricing";

export interface ReconcileQuery {
  orgId: string;
  /** UTC dates YYYY-MM-DD, both inclusive. */
  from: string;
  to: string;
}

type BillRow = { day: string; provider: string; model: string | null; line_item: string | null; token_type: string | null; service_tier: string | null; amount: string };
type RollupRow = {
  day: string;
  provider: string;
  model: string;
  cost: string;
  requests: string;
  unpriced: string;
  input: string;
  cached: string;
  cache_write: string;
  output: string;
};

export async function reconcileBills(actor: Actor, q: ReconcileQuery): Promise<ReconcileRow[]> {
  assertOrgRole(actor, q.orgId, "admin");
  const { sql } = await getDatabase();
  const end = addDays(q.to, 1);
  const [bills, rollups, index] = await Promise.all([
    sql.query<BillRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, provider, model, line_item, token_type, service_tier, SUM(amount_usd)::text AS amount
         FROM bill_lines
        WHERE org_id = $1::uuid AND day >= $2::date AND day < $3::date
        GROUP BY day, provider, model, line_item, token_type, service_tier`,
      [q.orgId, q.from, end],
    ),
    // Events without a provider count for the provider whose catalog has their model.
    sql.query<RollupRow>(
      `SELECT to_char(day, 'YYYY-MM-DD') AS day, provider, model, SUM(cost_usd)::text AS cost, SUM(requests)::text AS requests,
              SUM(unpriced_requests)::text AS unpriced, SUM(input_uncached_tokens)::text AS input, SUM(cache_read_tokens)::text AS cached,
              SUM(cache_write_tokens)::text AS cache_write, SUM(output_tokens)::text AS output
         FROM daily_rollups
        WHERE org_id = $1::uuid AND day >= $2::date AND day < $3::date AND provider IN ('', ${BILL_PROVIDERS.map((p) => `'${p}'`).join(", ")})
        GROUP BY day, provider, model`,
      [q.orgId, q.from, end],
    ),
    getPriceIndex(),
  ]);

  const billed: BilledAmount[] = bills.map((b) => ({
    date: b.day,
    provider: b.provider,
    model: b.model ? baseModelName(index, b.provider, b.model) : (b.line_item ?? "(unattributed)"),
    tokenType: (b.token_type as TokenType | null) ?? null,
    serviceTier: b.service_tier,
    amountUsd: b.amount,
  }));
  const tracked: TrackedAmount[] = [];
  for (const r of rollups) {
    if (!r.model) continue;
    const provider = r.provider || providerOfModel(index, r.model);
    if (!provider || !(BILL_PROVIDERS as readonly string[]).includes(provider)) continue;
    tracked.push({
      date: r.day,
      provider,
      model: baseModelName(index, provider, r.model),
      costUsd: r.cost,
      requests: BigInt(r.requests),
      unpricedRequests: BigInt(r.unpriced),
      tokens: { input: BigInt(r.input), cachedInput: BigInt(r.cached), cacheWrite: BigInt(r.cache_write), output: BigInt(r.output) },
      sourceModels: [r.model],
    });
  }

  // The price version in force at the end of each row's day: what Spendline priced that day with.
  const prices = new Map<string, UnitPrices>();
  for (const row of [...billed, ...tracked]) {
    const key = rowKey(row.date, row.provider, row.model);
    if (prices.has(key)) continue;
    const endOfDay = new Date(Date.parse(`${addDays(row.date, 1)}T00:00:00Z`) - 1);
    const match = matchPrice(index, { provider: row.provider, model: row.model, at: endOfDay });
    if (match.price) {
      const p = match.price;
      prices.set(key, { input: p.inputPerMtok, cachedInput: p.cachedInputPerMtok, cacheWrite: p.cacheWritePerMtok, output: p.outputPerMtok, effectiveFrom: p.effectiveFrom.toISOString() });
    }
  }
  return reconcile({ billed, tracked, prices });
}
