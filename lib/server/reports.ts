// Reports for finance (SPEC §7): a monthly chargeback CSV (organisation × project × model × month)
// and a FOCUS 1.2 CSV of spend (one row per day × organisation × project × provider × model, the 21
// mandatory FOCUS columns plus x_ columns of our own). Both read the daily roll-ups, so their totals
// equal GET /api/v1/usage/summary for the same days.
import { getDatabase } from "@/lib/db/client";
import { toCostString } from "@/lib/money";
import { addDays, addMonths } from "@/lib/dashboard/dates";
import type { DateRange } from "@/lib/dashboard/filters";
import type { Actor } from "./authz";
import { scopeOrgIds, SqlWhere } from "./dashboard-scope";
import { csvField } from "./usage-log";

export const CHARGEBACK_COLUMNS = [
  "month",
  "organization",
  "organization_name",
  "project",
  "provider",
  "model",
  "requests",
  "input_tokens",
  "output_tokens",
  "cache_read_tokens",
  "cache_write_tokens",
  "total_tokens",
  "cost_usd",
] as const;

/** The 21 columns FOCUS 1.2 marks Mandatory (specification/columns/*.md at tag v1.2), in its alphabetical order. */
export const FOCUS_MANDATORY_COLUMNS = [
  "BilledCost",
  "BillingAccountId",
  "BillingAccountName",
  "BillingCurrency",
  "BillingPeriodEnd",
  "BillingPeriodStart",
  "ChargeCategory",
  "ChargeClass",
  "ChargeDescription",
  "ChargePeriodEnd",
  "ChargePeriodStart",
  "ContractedCost",
  "EffectiveCost",
  "InvoiceIssuerName",
  "ListCost",
  "PricingQuantity",
  "PricingUnit",
  "ProviderName",
  "PublisherName",
  "ServiceCategory",
  "ServiceName",
] as const;

/** Custom columns (FOCUS asks for the x_ prefix): what Spendline knows beyond the mandatory set. */
export const FOCUS_CUSTOM_COLUMNS = ["x_Project", "x_Model", "x_Requests", "x_InputTokens", "x_OutputTokens"] as const;
export const FOCUS_COLUMNS = [...FOCUS_MANDATORY_COLUMNS, ...FOCUS_CUSTOM_COLUMNS] as const;

type Row = {
  period: string;
  slug: string;
  org_name: string;
  project_key: string;
  provider: string;
  model: string;
  requests: string;
  input: string;
  output: string;
  cache_read: string;
  cache_write: string;
  cost: string;
};

async function grouped(actor: Actor, orgId: string | null, range: DateRange, by: "month" | "day"): Promise<Row[]> {
  const w = new SqlWhere().orgs("r.org_id", scopeOrgIds(actor, orgId));
  w.add(`r.day >= ${w.param(range.from)}::date AND r.day <= ${w.param(range.to)}::date`);
  const period = by === "month" ? "date_trunc('month', r.day)::date" : "r.day";
  const { sql } = await getDatabase();
  return sql.query<Row>(
    `SELECT to_char(t.period, 'YYYY-MM-DD') AS period, o.slug, o.name AS org_name, t.project_key, t.provider, t.model,
            t.requests::text AS requests, t.input::text AS input, t.output::text AS output,
            t.cache_read::text AS cache_read, t.cache_write::text AS cache_write, t.cost::text AS cost
     FROM (SELECT ${period} AS period, r.org_id, r.project_key, r.provider, r.model,
                  sum(r.requests) AS requests,
                  sum(r.input_uncached_tokens + r.cache_read_tokens + r.cache_write_tokens) AS input,
                  sum(r.output_tokens) AS output, sum(r.cache_read_tokens) AS cache_read,
                  sum(r.cache_write_tokens) AS cache_write, sum(r.cost_usd) AS cost
           FROM daily_rollups r ${w.sql}
           GROUP BY 1, r.org_id, r.project_key, r.provider, r.model) t
     JOIN organizations o ON o.id = t.org_id
     ORDER BY t.period, o.slug, t.project_key, t.provider, t.model`,
    w.params,
  );
}

const line = (fields: (string | number | null)[]) => `${fields.map(csvField).join(",")}\r\n`;

/** Chargeback CSV: one row per month × organisation × project × provider × model of the range. */
export async function chargebackCsv(actor: Actor, orgId: string | null, range: DateRange): Promise<string> {
  const rows = await grouped(actor, orgId, range, "month");
  let out = `${CHARGEBACK_COLUMNS.join(",")}\r\n`;
  for (const r of rows) {
    const input = Number(r.input);
    const output = Number(r.output);
    out += line([r.period.slice(0, 7), r.slug, r.org_name, r.project_key || null, r.provider || null, r.model || null, Number(r.requests), input, output, Number(r.cache_read), Number(r.cache_write), input + output, toCostString(r.cost)]);
  }
  return out;
}

const iso = (day: string) => `${day}T00:00:00Z`;

/** FOCUS 1.2 CSV: one Usage row per day × organisation × project × provider × model. */
export async function focusCsv(actor: Actor, orgId: string | null, range: DateRange): Promise<string> {
  const rows = await grouped(actor, orgId, range, "day");
  let out = `${FOCUS_COLUMNS.join(",")}\r\n`;
  for (const r of rows) {
    const cost = toCostString(r.cost);
    const provider = r.provider || "unknown";
    const model = r.model || "unknown";
    const tokens = Number(r.input) + Number(r.output);
    const monthStart = `${r.period.slice(0, 7)}-01`;
    const description = `${provider} ${model} usage${r.project_key ? ` by project ${r.project_key}` : ""} (${Number(r.requests)} requests)`;
    const values: Record<(typeof FOCUS_COLUMNS)[number], string | number | null> = {
      BilledCost: cost,
      BillingAccountId: r.slug,
      BillingAccountName: r.org_name,
      BillingCurrency: "USD",
      BillingPeriodEnd: iso(addMonths(monthStart, 1)),
      BillingPeriodStart: iso(monthStart),
      ChargeCategory: "Usage",
      ChargeClass: null,
      ChargeDescription: description,
      ChargePeriodEnd: iso(addDays(r.period, 1)),
      ChargePeriodStart: iso(r.period),
      ContractedCost: cost,
      EffectiveCost: cost,
      InvoiceIssuerName: provider,
      ListCost: cost,
      PricingQuantity: tokens,
      PricingUnit: "Tokens",
      ProviderName: provider,
      PublisherName: provider,
      ServiceCategory: "AI and Machine Learning",
      ServiceName: model,
      x_Project: r.project_key || null,
      x_Model: r.model || null,
      x_Requests: Number(r.requests),
      x_InputTokens: Number(r.input),
      x_OutputTokens: Number(r.output),
    };
    out += line(FOCUS_COLUMNS.map((c) => values[c]));
  }
  return out;
}
