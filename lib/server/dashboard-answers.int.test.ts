import { beforeAll, describe, expect, it } from "vitest";
import { sum, toCostString } from "@/lib/money";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "./api-keys";
import type { Actor } from "./authz";
import { getAnswers } from "./dashboard-answers";
import { importPrices } from "./pricing";
import { recordUsage } from "./usage-ingest";

await useTestDatabase();

const NOW = new Date("2026-11-19T12:00:00Z");
let org: { id: string };
let viewer: Actor;
const events: { at: string; model: string; project: string; success: boolean; duration: number; input: number; output: number; cost: string }[] = [];

beforeAll(async () => {
  await importPrices(
    SYSTEM,
    [
      { provider: "ansai", model: "big", aliases: [], inputPerMtok: "10", cachedInputPerMtok: null, cacheWritePerMtok: null, outputPerMtok: "30", perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z") },
      { provider: "ansai", model: "small", aliases: [], inputPerMtok: "0.5", cachedInputPerMtok: null, cacheWritePerMtok: null, outputPerMtok: "1.5", perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z") },
    ],
    { source: "test" },
  );
  org = await makeOrg();
  viewer = await makeMember(org.id, "viewer");
  const { key } = await createApiKey(SYSTEM, { orgId: org.id });
  const p = (await authenticateApiKey(key))!;
  const spec = [
    // Range 2026-11-10 .. 2026-11-19 (10 days); previous period 2026-10-31 .. 2026-11-09.
    { at: "2026-11-12T10:00:00Z", model: "big", project: "web", success: true, duration: 1000, input: 1000, output: 500 },
    { at: "2026-11-13T10:00:00Z", model: "big", project: "api", success: false, duration: 3000, input: 2000, output: 0 },
    { at: "2026-11-14T10:00:00Z", model: "small", project: "web", success: true, duration: 200, input: 5000, output: 100 },
    { at: "2026-11-05T10:00:00Z", model: "big", project: "web", success: true, duration: 900, input: 100, output: 100 },
    { at: "2026-10-20T10:00:00Z", model: "small", project: "web", success: true, duration: 100, input: 1, output: 1 },
  ];
  let n = 0;
  for (const e of spec) {
    const r = await recordUsage(p, { event_id: `ans-${n++}`, timestamp: e.at, provider: "ansai", model: e.model, project: e.project, success: e.success, duration_ms: e.duration, input_tokens: e.input, output_tokens: e.output }, NOW);
    events.push({ ...e, cost: r.cost_usd! });
  }
});

describe("answers from the roll-ups", () => {
  it("gives cost by model and project with share, change against the previous period and performance", async () => {
    const a = await getAnswers(viewer, { orgId: org.id }, { from: "2026-11-10", to: "2026-11-19", project: null, provider: null, model: null, category: null }, NOW);
    expect(a.previous).toEqual({ from: "2026-10-31", to: "2026-11-09" });
    const inRange = events.filter((e) => e.at >= "2026-11-10");
    const total = sum(inRange.map((e) => e.cost));
    expect(a.totalCostUsd).toBe(toCostString(total));
    const big = a.byModel.find((r) => r.key === "ansai/big")!;
    const bigEvents = inRange.filter((e) => e.model === "big");
    expect(big).toMatchObject({
      requests: 2,
      failures: 1,
      tokens: 3500,
      costUsd: toCostString(sum(bigEvents.map((e) => e.cost))),
      previousCostUsd: events[3].cost,
      avgLatencyMs: 2000,
      costPer1kUsd: toCostString(sum(bigEvents.map((e) => e.cost)).times(1000).dividedBy(2)),
      sharePercent: sum(bigEvents.map((e) => e.cost)).times(100).dividedBy(total).toFixed(1),
    });
    expect(a.byModel[0].key).toBe("ansai/big");
    const small = a.byModel.find((r) => r.key === "ansai/small")!;
    expect(small.previousCostUsd).toBe("0");
    expect(a.byProject.map((r) => r.key).sort()).toEqual(["api", "web"]);
    expect(a.byProject.find((r) => r.key === "web")!.requests).toBe(2);
  });

  it("reads a whole month from the monthly roll-ups with the same figures", async () => {
    const a = await getAnswers(viewer, { orgId: org.id }, { from: "2026-10-01", to: "2026-10-31", project: null, provider: null, model: "small", category: null }, NOW);
    expect(a.byModel).toHaveLength(1);
    expect(a.byModel[0]).toMatchObject({ requests: 1, costUsd: events[4].cost });
  });

  it("keeps other organisations out", async () => {
    const stranger = await makeMember((await makeOrg()).id, "owner");
    await expect(getAnswers(stranger, { orgId: org.id }, { from: "2026-11-10", to: "2026-11-19", project: null, provider: null, model: null, category: null }, NOW)).rejects.toMatchObject({ code: "not_found" });
  });
});
