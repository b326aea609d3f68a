// Ingest with the fields of SPEC §5 that pricing needs: service tiers, 1-hour cache writes (native
// and Anthropic's cache_creation breakdown), Gemini usageMetadata, long-context tiers, provider
// names normalised, and 64-bit token counts through the usage log, the CSV export and the summary.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "./api-keys";
import { importPrices } from "./pricing";
import { recordUsage } from "./usage-ingest";
import { exportUsageCsv, getUsageEvent, listUsageEvents } from "./usage-log";
import { summarizeUsageForKey } from "./usage-summary";

await useTestDatabase();

const FROM = new Date("2024-01-01T00:00:00Z");
await importPrices(
  SYSTEM,
  [
    {
      provider: "anthropic",
      model: "tst-sonnet",
      aliases: [],
      inputPerMtok: "3",
      cachedInputPerMtok: "0.3",
      cacheWritePerMtok: "3.75",
      cacheWrite1hPerMtok: "6",
      outputPerMtok: "15",
      perRequest: null,
      tiers: [{ above_input_tokens: 200_000, input_per_mtok: "6", cached_input_per_mtok: "0.6", cache_write_per_mtok: "7.5", cache_write_1h_per_mtok: "12", output_per_mtok: "22.5" }],
      serviceTiers: { batch: { input_per_mtok: "1.5", output_per_mtok: "7.5" } },
      effectiveFrom: FROM,
    },
    {
      provider: "openai",
      model: "tst-gpt",
      aliases: [],
      inputPerMtok: "2.5",
      cachedInputPerMtok: "0.25",
      cacheWritePerMtok: null,
      outputPerMtok: "15",
      perRequest: "0.001",
      tiers: [{ above_input_tokens: 272_000, input_per_mtok: "5", output_per_mtok: "22.5" }],
      serviceTiers: { flex: { input_per_mtok: "1.25", cached_input_per_mtok: "0.125", output_per_mtok: "7.5" }, priority: { input_per_mtok: "5", output_per_mtok: "30" } },
      effectiveFrom: FROM,
    },
    {
      provider: "google",
      model: "tst-gemini",
      aliases: [],
      inputPerMtok: "1.25",
      cachedInputPerMtok: "0.125",
      cacheWritePerMtok: null,
      outputPerMtok: "10",
      perRequest: null,
      tiers: [{ above_input_tokens: 200_000, input_per_mtok: "2.5", cached_input_per_mtok: "0.25", output_per_mtok: "15" }],
      effectiveFrom: FROM,
    },
  ],
  { source: "test" },
);

async function principal() {
  const org = await makeOrg();
  const { key } = await createApiKey(SYSTEM, { orgId: org.id });
  return { org, principal: (await authenticateApiKey(key))! };
}

describe("ingest pricing", () => {
  it("bills Anthropic usage with the cache_creation breakdown: 1-hour writes at the 1-hour price", async () => {
    const { principal: p } = await principal();
    const usage = { input_tokens: 1000, cache_read_input_tokens: 10_000, cache_creation_input_tokens: 3000, cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 }, output_tokens: 500 };
    const r = await recordUsage(p, { event_id: "a-1h", provider: "anthropic", model: "tst-sonnet", usage });
    // 1000×3 + 10000×0.3 + 1000×3.75 + 2000×6 + 500×15 = 3000 + 3000 + 3750 + 12000 + 7500 = 29250 / 1e6
    expect(r).toMatchObject({ status: "created", cost_usd: "0.02925", priced: true });
    const row = await (await prisma()).usageEvent.findFirstOrThrow({ where: { orgId: p.orgId, eventId: "a-1h" } });
    expect(row).toMatchObject({ cacheWriteTokens: 3000n, cacheWrite1hTokens: 2000n, inputUncachedTokens: 1000n });
  });

  it("bills native cache_write_1h_tokens, service tiers and long-context tiers exactly", async () => {
    const { principal: p } = await principal();
    const base = { provider: "anthropic", model: "tst-sonnet", input_tokens: 10_000, cache_write_tokens: 4000, cache_write_1h_tokens: 1000, output_tokens: 100 };
    // 6000×3 + 3000×3.75 + 1000×6 + 100×15 = 18000 + 11250 + 6000 + 1500 = 36750
    expect((await recordUsage(p, { ...base, event_id: "n-std" })).cost_usd).toBe("0.03675");
    expect((await recordUsage(p, { ...base, event_id: "n-default", service_tier: "default" })).cost_usd).toBe("0.03675");
    // batch: 6000×1.5 + 3000×3.75 + 1000×6 + 100×7.5 = 9000 + 11250 + 6000 + 750 = 27000
    expect((await recordUsage(p, { ...base, event_id: "n-batch", service_tier: "batch" })).cost_usd).toBe("0.027");
    // above 200k: 200000×6 + 3000×7.5 + 1000×12 + 100×22.5 = 1200000 + 22500 + 12000 + 2250 = 1236750
    expect((await recordUsage(p, { ...base, event_id: "n-long", input_tokens: 204_000 })).cost_usd).toBe("1.23675");
    // exactly at the threshold (200000 in all): standard rates. 196000×3 + 11250 + 6000 + 1500 = 606750
    expect((await recordUsage(p, { ...base, event_id: "n-at", input_tokens: 200_000 })).cost_usd).toBe("0.60675");
    // OpenAI flex / priority with the per-request price: 1000 input of which 400 cached, 200 output
    const gpt = { provider: "OpenAI", model: "tst-gpt", input_tokens: 1000, cache_read_tokens: 400, output_tokens: 200 };
    // flex: 600×1.25 + 400×0.125 + 200×7.5 = 750 + 50 + 1500 = 2300 → 0.0023 + 0.001
    expect((await recordUsage(p, { ...gpt, event_id: "o-flex", service_tier: "flex" })).cost_usd).toBe("0.0033");
    // priority: 600×5 + 400×0.25 + 200×30 = 3000 + 100 + 6000 = 9100 → 0.0091 + 0.001
    expect((await recordUsage(p, { ...gpt, event_id: "o-prio", service_tier: "priority" })).cost_usd).toBe("0.0101");
    const detail = await (await prisma()).usageEvent.findFirstOrThrow({ where: { orgId: p.orgId, eventId: "o-prio" } });
    expect(detail).toMatchObject({ provider: "openai", serviceTier: "priority" });
  });

  it("bills Gemini usageMetadata with thoughts as output and cached content inside the prompt, provider normalised", async () => {
    const { principal: p } = await principal();
    const usage = { promptTokenCount: 250_000, cachedContentTokenCount: 100_000, candidatesTokenCount: 1000, thoughtsTokenCount: 3000, totalTokenCount: 254_000 };
    const r = await recordUsage(p, { event_id: "g-1", provider: "gcp.gemini", model: "tst-gemini", usage });
    // above 200k: 150000×2.5 + 100000×0.25 + 4000×15 = 375000 + 25000 + 60000 = 460000 / 1e6
    expect(r.cost_usd).toBe("0.46");
    const row = await (await prisma()).usageEvent.findFirstOrThrow({ where: { orgId: p.orgId, eventId: "g-1" } });
    expect(row).toMatchObject({ provider: "google", inputUncachedTokens: 150_000n, cacheReadTokens: 100_000n, outputTokens: 4000n, reasoningTokens: 3000n });
    const detail = await getUsageEvent(SYSTEM, row.id.toString());
    expect(detail.pricing).toMatchObject({ cost: "0.46", tierAboveInputTokens: 200_000, serviceTier: null, rates: { inputPerMtok: "2.5", cachedInputPerMtok: "0.25", outputPerMtok: "15" } });
  });

  it("stores 3×10^9-token events in 64-bit columns; log, CSV and summary add them up exactly", async () => {
    const { org, principal: p } = await principal();
    const day = new Date().toISOString().slice(0, 10);
    for (const id of ["big-1", "big-2"]) {
      const r = await recordUsage(p, { event_id: id, provider: "openai", model: "tst-gpt", input_tokens: 3_000_000_000, cache_read_tokens: 1_000_000_000, output_tokens: 3_000_000_000 });
      // above 272k: 2e9×5 + 1e9×0.25 (tier leaves cached out) + 3e9×22.5 = 10000 + 250 + 67500, + 0.001
      expect(r.cost_usd).toBe("77750.001");
    }
    const log = await listUsageEvents(SYSTEM, { orgId: org.id }, { from: day, to: day });
    expect(log.rows.map((r) => [r.inputTokens, r.outputTokens])).toEqual([
      [3_000_000_000, 3_000_000_000],
      [3_000_000_000, 3_000_000_000],
    ]);
    let csv = "";
    for await (const chunk of await exportUsageCsv(SYSTEM, { orgId: org.id }, { from: day, to: day })) csv += chunk;
    expect(csv).toContain(',"3000000000","1000000000","0","3000000000",');
    const summary = await summarizeUsageForKey(p, { from: day, to: day, groupBy: "model" });
    expect(summary.total).toMatchObject({ input_tokens: 6_000_000_000, output_tokens: 6_000_000_000, cache_read_tokens: 2_000_000_000, cost_usd: "155500.002" });
  });

  it("refuses token counts above 10^12 and 1-hour writes above the cache writes", async () => {
    const { principal: p } = await principal();
    expect(await recordUsage(p, { event_id: "too-big", input_tokens: 1_000_000_000_001 })).toMatchObject({ status: "rejected", error: { code: "validation_failed", details: { field: "input_tokens" } } });
    expect(await recordUsage(p, { event_id: "bad-1h", input_tokens: 10, cache_write_tokens: 2, cache_write_1h_tokens: 3 })).toMatchObject({ status: "rejected", error: { details: { field: "cache_write_1h_tokens" } } });
  });
});
