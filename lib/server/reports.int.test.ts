import { beforeAll, describe, expect, it } from "vitest";
import { sum, toCostString } from "@/lib/money";
import { useTestDatabase } from "@/test/database";
import { importTestPrice, makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "./api-keys";
import type { Actor } from "./authz";
import { chargebackCsv, CHARGEBACK_COLUMNS, FOCUS_MANDATORY_COLUMNS, focusCsv } from "./reports";
import { recordUsage } from "./usage-ingest";
import { getUsageSummary } from "./usage-summary";

await useTestDatabase();

const NOW = new Date("2026-11-19T12:00:00Z");
const RANGE = { from: "2026-10-01", to: "2026-11-19" };
let org: { id: string; slug: string };
let other: { id: string; slug: string };
let owner: Actor;

function parse(csv: string): Record<string, string>[] {
  const [head, ...lines] = csv.trimEnd().split("\r\n");
  const cols = head.split(",");
  // Every data cell is quoted (the test data has no commas or quotes inside fields).
  const cell = (v: string) => (v.startsWith('"') ? v.slice(1, -1) : v);
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], cell(v)])));
}

beforeAll(async () => {
  await importTestPrice({ provider: "repai", model: "r-1", inputPerMtok: "2.5", outputPerMtok: "10" });
  org = await makeOrg();
  other = await makeOrg();
  owner = await makeMember(org.id, "owner");
  for (const [o, prefix] of [[org, "a"], [other, "b"]] as const) {
    const { key } = await createApiKey(SYSTEM, { orgId: o.id });
    const p = (await authenticateApiKey(key))!;
    let n = 0;
    for (const at of ["2026-10-03T10:00:00Z", "2026-10-03T11:00:00Z", "2026-10-31T23:00:00Z", "2026-11-02T01:00:00Z", "2026-11-19T08:00:00Z", "2026-09-30T10:00:00Z"]) {
      for (const project of ["web", "batch"]) {
        n += 1;
        await recordUsage(p, { event_id: `${prefix}-${n}`, timestamp: at, provider: "repai", model: n % 3 ? "r-1" : "unpriced-x", project, input_tokens: 1000 * n, output_tokens: 37 * n }, NOW);
      }
    }
  }
});

describe("reports", () => {
  it("chargeback: one row per month × project × model, totals equal to the usage summary", async () => {
    const rows = parse(await chargebackCsv(owner, org.id, RANGE));
    expect(Object.keys(rows[0])).toEqual([...CHARGEBACK_COLUMNS]);
    expect(new Set(rows.map((r) => r.organization))).toEqual(new Set([org.slug]));
    expect(new Set(rows.map((r) => r.month))).toEqual(new Set(["2026-10", "2026-11"]));
    const keys = rows.map((r) => `${r.month}|${r.project}|${r.provider}|${r.model}`);
    expect(new Set(keys).size).toBe(keys.length);
    const summary = await getUsageSummary(owner, org.id, { from: RANGE.from, to: RANGE.to, groupBy: "day" });
    expect(toCostString(sum(rows.map((r) => r.cost_usd)))).toBe(summary.total.cost_usd);
    expect(rows.reduce((n, r) => n + Number(r.requests), 0)).toBe(summary.total.requests);
    expect(rows.reduce((n, r) => n + Number(r.input_tokens), 0)).toBe(summary.total.input_tokens);
    expect(rows.reduce((n, r) => n + Number(r.output_tokens), 0)).toBe(summary.total.output_tokens);
  });

  it("FOCUS 1.2: every mandatory column, one row per day × project × provider × model, totals equal to the summary", async () => {
    const csv = await focusCsv(owner, org.id, RANGE);
    const header = csv.split("\r\n")[0].split(",");
    for (const c of FOCUS_MANDATORY_COLUMNS) expect(header).toContain(c);
    expect(FOCUS_MANDATORY_COLUMNS).toHaveLength(21);
    const rows = parse(csv);
    for (const r of rows) {
      expect(r.ServiceCategory).toBe("AI and Machine Learning");
      expect(r.ChargeCategory).toBe("Usage");
      expect(r.ChargeClass).toBe("");
      expect(r.BillingCurrency).toBe("USD");
      expect(r.ChargePeriodStart).toMatch(/^\d{4}-\d{2}-\d{2}T00:00:00Z$/);
      expect(Date.parse(r.ChargePeriodEnd) - Date.parse(r.ChargePeriodStart)).toBe(86_400_000);
      expect(r.BillingPeriodStart <= r.ChargePeriodStart && r.ChargePeriodEnd <= r.BillingPeriodEnd).toBe(true);
      expect(r.BilledCost).toBe(r.EffectiveCost);
      expect(r.PricingUnit).toBe("Tokens");
      expect(Number(r.PricingQuantity)).toBe(Number(r.x_InputTokens) + Number(r.x_OutputTokens));
    }
    const keys = rows.map((r) => `${r.ChargePeriodStart}|${r.x_Project}|${r.ProviderName}|${r.x_Model}`);
    expect(new Set(keys).size).toBe(keys.length);
    const summary = await getUsageSummary(owner, org.id, { from: RANGE.from, to: RANGE.to, groupBy: "day" });
    expect(toCostString(sum(rows.map((r) => r.BilledCost)))).toBe(summary.total.cost_usd);
    expect(rows.reduce((n, r) => n + Number(r.x_Requests), 0)).toBe(summary.total.requests);
  });

  it("keeps other organisations out; super admins may read all", async () => {
    const rows = parse(await focusCsv(owner, null, RANGE));
    expect(new Set(rows.map((r) => r.BillingAccountId))).toEqual(new Set([org.slug]));
    await expect(chargebackCsv(owner, other.id, RANGE)).rejects.toMatchObject({ code: "not_found" });
    const admin = await makeMember(null, null, { superAdmin: true });
    const all = parse(await chargebackCsv(admin, null, RANGE)).map((r) => r.organization);
    expect(all).toContain(org.slug);
    expect(all).toContain(other.slug);
  });
});
