import { describe, expect, it } from "vitest";
import { buildPriceIndex } from "@/lib/pricing/match";
import { baseModelName, providerOfModel } from "./model-match";
import { dailyTotals, reconcile, statusOf, tolerance, worstFirst, type TrackedAmount } from "./reconcile";
import { Decimal } from "@/lib/money";

const tokens = (t: Partial<TrackedAmount["tokens"]> = {}) => ({ input: BigInt(0), cachedInput: BigInt(0), cacheWrite: BigInt(0), output: BigInt(0), ...t });
const tracked = (date: string, model: string, cost: string, extra: Partial<TrackedAmount> = {}): TrackedAmount => ({
  date,
  provider: "openai",
  model,
  costUsd: cost,
  requests: BigInt(1),
  unpricedRequests: BigInt(0),
  tokens: tokens(),
  ...extra,
});

describe("tolerance and status", () => {
  it("is max($0.01, 1 % of billed)", () => {
    expect(tolerance("0.5").toFixed()).toBe("0.01");
    expect(tolerance("10").toFixed()).toBe("0.1");
    expect(tolerance("250").toFixed()).toBe("2.5");
  });
  it("says ok within tolerance, under/over outside it, untracked/unbilled when a side is missing", () => {
    const d = (s: string) => new Decimal(s);
    expect(statusOf(d("10"), d("10"))).toBe("ok");
    expect(statusOf(d("10"), d("9.9"))).toBe("ok");
    expect(statusOf(d("10"), d("9.89"))).toBe("under");
    expect(statusOf(d("10"), d("10.11"))).toBe("over");
    expect(statusOf(d("0.5"), d("0.51"))).toBe("ok");
    expect(statusOf(d("0.5"), d("0.511"))).toBe("over");
    expect(statusOf(d("1"), null)).toBe("untracked");
    expect(statusOf(null, d("1"))).toBe("unbilled");
  });
});

describe("reconcile", () => {
  it("sums the bill's token-type lines per day and model and compares them with tracked cost", () => {
    const rows = reconcile({
      billed: [
        { date: "2025-06-02", provider: "openai", model: "gpt-4o", tokenType: "input", amountUsd: "0.25" },
        { date: "2025-06-02", provider: "openai", model: "gpt-4o", tokenType: "output", amountUsd: "0.5" },
        { date: "2025-06-03", provider: "openai", model: "gpt-4o", tokenType: "input", amountUsd: "1.1" },
        { date: "2025-06-02", provider: "openai", model: "gpt-4o-mini", tokenType: "input", amountUsd: "0.05" },
      ],
      tracked: [tracked("2025-06-02", "gpt-4o", "0.75"), tracked("2025-06-03", "gpt-4o", "1"), tracked("2025-06-03", "gpt-4o-mini", "0.02")],
    });
    expect(rows.map((r) => [r.date, r.model, r.billedUsd, r.trackedUsd, r.differenceUsd, r.status])).toEqual([
      ["2025-06-02", "gpt-4o", "0.75", "0.75", "0", "ok"],
      ["2025-06-02", "gpt-4o-mini", "0.05", "0", "-0.05", "untracked"],
      ["2025-06-03", "gpt-4o", "1.1", "1", "-0.1", "under"],
      ["2025-06-03", "gpt-4o-mini", "0", "0.02", "0.02", "unbilled"],
    ]);
    expect(rows[1].causes.map((c) => c.code)).toEqual(["traffic_not_reported"]);
    expect(rows[3].causes.map((c) => c.code)).toEqual(["not_billed"]);
    expect(worstFirst(rows).map((r) => r.status)).toEqual(["under", "untracked", "unbilled", "ok"]);
    expect(dailyTotals(rows)).toEqual([
      { date: "2025-06-02", billed: 0.8, tracked: 0.75, billedExact: "0.8", trackedExact: "0.75" },
      { date: "2025-06-03", billed: 1.1, tracked: 1.02, billedExact: "1.1", trackedExact: "1.02" },
    ]);
  });

  it("names unpriced events, an outdated price and unreported cache tokens as likely causes", () => {
    const rows = reconcile({
      billed: [
        { date: "2025-06-02", provider: "openai", model: "gpt-4o", tokenType: "input", amountUsd: "3" },
        { date: "2025-06-02", provider: "openai", model: "gpt-4o", tokenType: "cached_input", amountUsd: "0.5" },
        { date: "2025-06-02", provider: "openai", model: "gpt-4o", tokenType: "output", amountUsd: "10" },
      ],
      tracked: [tracked("2025-06-02", "gpt-4o", "12.5", { requests: BigInt(5), unpricedRequests: BigInt(2), tokens: tokens({ input: BigInt(1_000_000), output: BigInt(1_000_000) }) })],
      prices: new Map([["2025-06-02|openai|gpt-4o", { input: "2.5", cachedInput: "1.25", cacheWrite: null, output: "10", effectiveFrom: "2024-01-01T00:00:00.000Z" }]]),
    });
    expect(rows).toHaveLength(1);
    expect(rows[0].status).toBe("under");
    expect(rows[0].causes.map((c) => c.code)).toEqual(["model_unpriced", "price_outdated", "cache_tokens_not_reported"]);
    expect(rows[0].causes[1].message).toContain("$3 per million input tokens, Spendline used $2.5");
    expect(rows[0].split).toEqual([
      { type: "input", billedUsd: "3", trackedTokens: "1000000", impliedPerMtok: "3", pricePerMtok: "2.5", mixedTiers: false },
      { type: "cached_input", billedUsd: "0.5", trackedTokens: "0", impliedPerMtok: null, pricePerMtok: "1.25", mixedTiers: false },
      { type: "output", billedUsd: "10", trackedTokens: "1000000", impliedPerMtok: "10", pricePerMtok: "10", mixedTiers: false },
    ]);
  });

  it("does not call a price outdated when part of the bill is at batch rates", () => {
    const [row] = reconcile({
      billed: [
        { date: "2025-06-02", provider: "openai", model: "gpt-4o", tokenType: "input", amountUsd: "1.25" },
        { date: "2025-06-02", provider: "openai", model: "gpt-4o", tokenType: "input", serviceTier: "batch", amountUsd: "0.625" },
      ],
      tracked: [tracked("2025-06-02", "gpt-4o", "1", { tokens: tokens({ input: BigInt(1_000_000) }) })],
      prices: new Map([["2025-06-02|openai|gpt-4o", { input: "2.5", cachedInput: "1.25", cacheWrite: null, output: "10", effectiveFrom: "2024-01-01T00:00:00.000Z" }]]),
    });
    expect(row.status).toBe("under");
    expect(row.split[0]).toMatchObject({ impliedPerMtok: "1.875", mixedTiers: true });
    expect(row.causes).toEqual([]);
  });

  it("has no split when the bill has none, and no causes on ok rows", () => {
    const [row] = reconcile({ billed: [{ date: "2025-06-02", provider: "anthropic", model: "Web Search Usage", tokenType: null, amountUsd: "1" }], tracked: [] });
    expect(row).toMatchObject({ status: "untracked", split: [] });
    const [ok] = reconcile({ billed: [{ date: "2025-06-02", provider: "openai", model: "gpt-4o", tokenType: null, amountUsd: "1" }], tracked: [tracked("2025-06-02", "gpt-4o", "1.005")] });
    expect(ok).toMatchObject({ status: "ok", causes: [] });
  });
});

describe("model matching", () => {
  const index = buildPriceIndex([
    { id: "1", provider: "openai", model: "gpt-4o", aliases: [], effectiveFrom: new Date(0) },
    { id: "2", provider: "openai", model: "gpt-4o-mini", aliases: [], effectiveFrom: new Date(0) },
    { id: "3", provider: "anthropic", model: "claude-sonnet-4", aliases: ["claude-sonnet-4-0"], effectiveFrom: new Date(0) },
  ]);
  it("matches dated model ids to the base model, as prices are", () => {
    expect(baseModelName(index, "openai", "gpt-4o-2024-08-06")).toBe("gpt-4o");
    expect(baseModelName(index, "openai", "gpt-4o-mini-2024-07-18")).toBe("gpt-4o-mini");
    expect(baseModelName(index, "anthropic", "claude-sonnet-4-20250514")).toBe("claude-sonnet-4");
    expect(baseModelName(index, "anthropic", "claude-sonnet-4-0")).toBe("claude-sonnet-4");
    expect(baseModelName(index, "openai", "GPT-4o")).toBe("gpt-4o");
  });
  it("reduces unknown models to their name without snapshot suffix, the same on both sides", () => {
    expect(baseModelName(index, "openai", "o9-2026-01-01")).toBe("o9");
    expect(baseModelName(null, "openai", "o9")).toBe("o9");
  });
  it("finds the provider of a model named without one", () => {
    expect(providerOfModel(index, "claude-sonnet-4-20250514")).toBe("anthropic");
    expect(providerOfModel(index, "mystery")).toBeNull();
  });
});
