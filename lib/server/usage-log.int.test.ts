import { beforeAll, describe, expect, it } from "vitest";
import { sum, toCostString } from "@/lib/money";
import { useTestDatabase } from "@/test/database";
import { importTestPrice, makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "./api-keys";
import type { Actor } from "./authz";
import { recordUsage } from "./usage-ingest";
import { getUsageTotals, listUsageEvents, type UsageLogRow, type UsageSort } from "./usage-log";

await useTestDatabase();

const NOW = new Date("2026-11-19T12:00:00Z");
const RANGE = { from: "2026-11-01", to: "2026-11-19" };
let org: { id: string; slug: string };
let owner: Actor;
const created: { input: number; output: number; duration: number | null; model: string; success: boolean; cost: string | null }[] = [];

beforeAll(async () => {
  await importTestPrice({ provider: "sortai", model: "s-1", inputPerMtok: "3", outputPerMtok: "15" });
  org = await makeOrg();
  owner = await makeMember(org.id, "owner");
  const { key } = await createApiKey(SYSTEM, { orgId: org.id, projectKey: "app" });
  const principal = (await authenticateApiKey(key))!;
  for (let i = 0; i < 23; i++) {
    const model = i % 4 === 0 ? "unknown-model" : "s-1";
    const e = {
      event_id: `sort-${i}`,
      timestamp: `2026-11-${String(1 + (i % 18)).padStart(2, "0")}T10:00:${String(i).padStart(2, "0")}Z`,
      provider: "sortai",
      model,
      input_tokens: ((i * 37) % 11) * 100,
      output_tokens: (i % 3) * 10,
      duration_ms: i % 5 === 0 ? undefined : ((i * 53) % 7) * 100,
      success: i % 6 !== 0,
      user: i % 2 ? "odd" : "even",
    };
    const r = await recordUsage(principal, e, NOW);
    expect(r.status).toBe("created");
    created.push({ input: e.input_tokens, output: e.output_tokens, duration: e.duration_ms ?? null, model, success: e.success, cost: r.cost_usd });
  }
});

/** Every row of a sort, walking pages of 4 forwards, then the same walk backwards from the end. */
async function walk(sort: UsageSort): Promise<{ forward: UsageLogRow[]; backward: UsageLogRow[] }> {
  const forward: UsageLogRow[] = [];
  const pages: UsageLogRow[][] = [];
  let after: string | null = null;
  let lastPrev: string | null = null;
  for (;;) {
    const page = await listUsageEvents(owner, { orgId: org.id }, RANGE, { sort, after, limit: 4 });
    forward.push(...page.rows);
    pages.push(page.rows);
    lastPrev = page.previous;
    if (!page.next) break;
    after = page.next;
  }
  const backward: UsageLogRow[] = [...pages[pages.length - 1]];
  let before = lastPrev;
  while (before) {
    const page = await listUsageEvents(owner, { orgId: org.id }, RANGE, { sort, before, limit: 4 });
    backward.unshift(...page.rows);
    before = page.previous;
  }
  return { forward, backward };
}

describe("usage log sorting", () => {
  it.each([
    ["tokens", "desc"],
    ["tokens", "asc"],
    ["duration", "desc"],
    ["model", "asc"],
    ["cost", "desc"],
  ] as const)("pages through every event sorted by %s %s, forwards and backwards alike", async (key, dir) => {
    const { forward, backward } = await walk({ key, dir });
    expect(forward).toHaveLength(created.length);
    expect(new Set(forward.map((r) => r.id)).size).toBe(created.length);
    expect(backward.map((r) => r.id)).toEqual(forward.map((r) => r.id));
    const value = (r: UsageLogRow): number | string | null =>
      key === "tokens" ? r.inputTokens + r.outputTokens : key === "duration" ? r.durationMs : key === "model" ? r.model : r.costUsd === null ? null : Number(r.costUsd);
    const values = forward.map(value);
    const present = values.filter((v) => v !== null);
    // Rows without a value come last; the others are in order.
    expect(values.slice(0, present.length)).toEqual(present);
    const sorted = [...present].sort((a, b) => (a! < b! ? -1 : a! > b! ? 1 : 0));
    expect(present).toEqual(dir === "asc" ? sorted : sorted.reverse());
  });
});

describe("usage log totals", () => {
  it("sums the filtered set from the roll-ups, and from the events under a status filter", async () => {
    const all = await getUsageTotals(owner, { orgId: org.id }, RANGE);
    expect(all).toMatchObject({
      events: created.length,
      tokens: created.reduce((n, e) => n + e.input + e.output, 0),
      costUsd: toCostString(sum(created.map((e) => e.cost))),
      unpriced: created.filter((e) => e.cost === null).length,
      source: "rollups",
    });
    const failed = created.filter((e) => !e.success);
    const errors = await getUsageTotals(owner, { orgId: org.id }, { ...RANGE, status: "error" });
    expect(errors).toMatchObject({ events: failed.length, costUsd: toCostString(sum(failed.map((e) => e.cost))), source: "events" });
    const odd = await getUsageTotals(owner, { orgId: org.id }, { ...RANGE, user: "odd", model: "s-1" });
    const oddRows = created.filter((_, i) => i % 2 === 1).filter((e) => e.model === "s-1");
    expect(odd.events).toBe(oddRows.length);
    expect(odd.costUsd).toBe(toCostString(sum(oddRows.map((e) => e.cost))));
  });

  it("does not let another organisation's member read the totals", async () => {
    const other = await makeOrg();
    const stranger = await makeMember(other.id, "owner");
    await expect(getUsageTotals(stranger, { orgId: org.id }, RANGE)).rejects.toMatchObject({ code: "not_found" });
  });
});
