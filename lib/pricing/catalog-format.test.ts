import { describe, expect, it } from "vitest";
import type { TokenCounts } from "@/lib/usage/normalize";
import { priceEvent } from "./calculate";
import { CatalogFormatError, parseEffectiveFrom, parseLiteLlmCatalog, parseLiteLlmKey, parseNativeCatalog } from "./catalog-format";
import { priceDifferences, samePrices, toPriceRates } from "./price-version";

const tokens = (t: Partial<TokenCounts>): TokenCounts => ({ inputUncached: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 0, reasoning: 0, ...t });

describe("parseNativeCatalog", () => {
  it("reads prices as exact decimal strings, numbers or strings, with UTC dates", () => {
    const [p] = parseNativeCatalog([{ provider: "OpenAI ", model: "gpt-4o", aliases: ["gpt-4o-latest"], input_per_mtok: 2.5, cached_input_per_mtok: "1.25", output_per_mtok: "10.00", effective_from: "2024-05-13" }]);
    expect(p).toEqual({
      provider: "openai",
      model: "gpt-4o",
      aliases: ["gpt-4o-latest"],
      inputPerMtok: "2.5",
      cachedInputPerMtok: "1.25",
      cacheWritePerMtok: null,
      cacheWrite1hPerMtok: null,
      outputPerMtok: "10",
      perRequest: null,
      tiers: null,
      serviceTiers: null,
      effectiveFrom: new Date("2024-05-13T00:00:00Z"),
    });
    expect(parseEffectiveFrom("2024-05-13T10:00:00")?.toISOString()).toBe("2024-05-13T10:00:00.000Z");
    expect(parseEffectiveFrom("2024-05-13T10:00:00+02:00")?.toISOString()).toBe("2024-05-13T08:00:00.000Z");
  });

  it("reads 1-hour cache writes, long-context tiers and service tiers, normalising the provider", () => {
    const [p] = parseNativeCatalog([
      {
        provider: "gcp.gemini",
        model: "gemini-2.5-pro",
        input_per_mtok: "1.25",
        cached_input_per_mtok: "0.125",
        cache_write_1h_per_mtok: 2,
        output_per_mtok: 10,
        tiers: [{ above_input_tokens: 200000, input_per_mtok: "2.50", output_per_mtok: "15" }],
        service_tiers: { batch: { input_per_mtok: "0.625", output_per_mtok: 5 }, flex: {} },
        effective_from: "2025-06-17T00:00:00Z",
      },
    ]);
    expect(p.provider).toBe("google");
    expect(p.cacheWrite1hPerMtok).toBe("2");
    expect(p.tiers).toEqual([{ above_input_tokens: 200000, input_per_mtok: "2.5", output_per_mtok: "15" }]);
    expect(p.serviceTiers).toEqual({ batch: { input_per_mtok: "0.625", output_per_mtok: "5" } });
  });

  it("names the entry and field of the first error", () => {
    expect(() => parseNativeCatalog([{ provider: "a", model: "b", input_per_mtok: "1", output_per_mtok: "x", effective_from: "2024-01-01" }])).toThrow(/entry 0 b \(output_per_mtok\)/);
    expect(() => parseNativeCatalog([{ provider: "a", model: "b", input_per_mtok: "1", output_per_mtok: "1" }])).toThrow(/effective_from/);
    expect(() => parseNativeCatalog([{ provider: "a", model: "b", input_per_mtok: 1, output_per_mtok: 1, effective_from: "2024-01-01", service_tiers: { turbo: {} } }])).toThrow(/batch, flex or priority/);
    expect(() => parseNativeCatalog([{ provider: "a", model: "b", input_per_mtok: 1, output_per_mtok: 1, effective_from: "2024-01-01", tiers: [{ above_input_tokens: 1.5, input_per_mtok: 1 }] }])).toThrow(/integer/);
    expect(() => parseNativeCatalog({})).toThrow(CatalogFormatError);
  });

  it("accepts the shipped catalog, covering the six providers with tiers and 1-hour writes", async () => {
    const { default: seed } = await import("@/prisma/prices/catalog.json", { with: { type: "json" } });
    const prices = parseNativeCatalog(seed);
    expect(prices.length).toBeGreaterThanOrEqual(40);
    const providers = new Set(prices.map((p) => p.provider));
    for (const p of ["openai", "anthropic", "google", "xai", "mistral", "deepseek"]) expect(providers).toContain(p);
    expect(prices.some((p) => p.tiers)).toBe(true);
    expect(prices.some((p) => p.cacheWrite1hPerMtok)).toBe(true);
  });
});

describe("parseLiteLlmKey", () => {
  it("reads every key shape SPEC §3 names", () => {
    expect(parseLiteLlmKey("input_cost_per_token")).toEqual({ rate: "input_per_mtok", aboveInputTokens: null, serviceTier: null });
    expect(parseLiteLlmKey("cache_creation_input_token_cost_above_1hr")).toEqual({ rate: "cache_write_1h_per_mtok", aboveInputTokens: null, serviceTier: null });
    expect(parseLiteLlmKey("output_cost_per_token_above_272k_tokens")).toEqual({ rate: "output_per_mtok", aboveInputTokens: 272_000, serviceTier: null });
    expect(parseLiteLlmKey("cache_creation_input_token_cost_above_1hr_above_200k_tokens")).toEqual({ rate: "cache_write_1h_per_mtok", aboveInputTokens: 200_000, serviceTier: null });
    expect(parseLiteLlmKey("cache_read_input_token_cost_batches")).toEqual({ rate: "cached_input_per_mtok", aboveInputTokens: null, serviceTier: "batch" });
    expect(parseLiteLlmKey("input_cost_per_token_flex")?.serviceTier).toBe("flex");
    expect(parseLiteLlmKey("output_cost_per_token_priority")?.serviceTier).toBe("priority");
    expect(parseLiteLlmKey("input_cost_per_image")).toBeNull();
    expect(parseLiteLlmKey("output_cost_per_reasoning_token")).toBeNull();
  });
});

// A LiteLLM file of our own making, with every key SPEC §3 names.
const LITELLM_FILE = {
  sample_spec: { input_cost_per_token: 0, litellm_provider: "x" },
  "claude-sonnet-4-5": {
    litellm_provider: "anthropic",
    input_cost_per_token: 3e-6,
    output_cost_per_token: 1.5e-5,
    cache_read_input_token_cost: 3e-7,
    cache_creation_input_token_cost: 3.75e-6,
    cache_creation_input_token_cost_above_1hr: 6e-6,
    input_cost_per_token_above_200k_tokens: 6e-6,
    output_cost_per_token_above_200k_tokens: 2.25e-5,
    cache_read_input_token_cost_above_200k_tokens: 6e-7,
    cache_creation_input_token_cost_above_200k_tokens: 7.5e-6,
    cache_creation_input_token_cost_above_1hr_above_200k_tokens: 1.2e-5,
    input_cost_per_token_batches: 1.5e-6,
    output_cost_per_token_batches: 7.5e-6,
  },
  "gpt-5.4": {
    litellm_provider: "openai",
    input_cost_per_token: 2.5e-6,
    output_cost_per_token: 1.5e-5,
    cache_read_input_token_cost: 2.5e-7,
    input_cost_per_token_above_272k_tokens: 5e-6,
    output_cost_per_token_above_272k_tokens: 2.25e-5,
    input_cost_per_token_flex: 1.25e-6,
    output_cost_per_token_flex: 7.5e-6,
    cache_read_input_token_cost_flex: 1.25e-7,
    input_cost_per_token_priority: 5e-6,
    output_cost_per_token_priority: 3e-5,
    input_cost_per_token_above_272k_tokens_priority: 1e-5,
    input_cost_per_token_batches: 1.25e-6,
    output_cost_per_token_batches: 7.5e-6,
  },
  "openai/gpt-5.4": { litellm_provider: "openai", input_cost_per_token: 2.5e-6, output_cost_per_token: 1.5e-5 },
  "gemini/gemini-2.5-pro": {
    litellm_provider: "gemini",
    input_cost_per_token: 1.25e-6,
    output_cost_per_token: 1e-5,
    input_cost_per_token_above_200k_tokens: 2.5e-6,
    output_cost_per_token_above_200k_tokens: 1.5e-5,
  },
  "perplexity/sonar": { litellm_provider: "perplexity", input_cost_per_token: 1e-6, output_cost_per_token: 1e-6, input_cost_per_request: 0.005 },
  "dall-e-3": { output_cost_per_image: 0.04, litellm_provider: "openai" },
  "no-provider": { input_cost_per_token: 1e-6, output_cost_per_token: 1e-6 },
};

describe("parseLiteLlmCatalog", () => {
  const { prices, skipped } = parseLiteLlmCatalog(LITELLM_FILE);
  const byModel = new Map(prices.map((p) => [p.model, p]));

  it("converts per-token prices to per million, provider normalised, prefixed names as aliases", () => {
    expect(byModel.get("gemini-2.5-pro")).toMatchObject({ provider: "google", aliases: ["gemini/gemini-2.5-pro"], inputPerMtok: "1.25", outputPerMtok: "10" });
    expect(byModel.get("gpt-5.4")?.aliases).toEqual(["openai/gpt-5.4"]);
  });

  it("maps _above_<N>k_tokens to tiers, _above_1hr to 1-hour writes and _batches/_flex/_priority to service tiers", () => {
    const sonnet = byModel.get("claude-sonnet-4-5")!;
    expect(sonnet.cacheWrite1hPerMtok).toBe("6");
    expect(sonnet.tiers).toEqual([{ above_input_tokens: 200_000, input_per_mtok: "6", cached_input_per_mtok: "0.6", cache_write_per_mtok: "7.5", cache_write_1h_per_mtok: "12", output_per_mtok: "22.5" }]);
    expect(sonnet.serviceTiers).toEqual({ batch: { input_per_mtok: "1.5", output_per_mtok: "7.5" } });
    const gpt = byModel.get("gpt-5.4")!;
    expect(gpt.tiers).toEqual([{ above_input_tokens: 272_000, input_per_mtok: "5", output_per_mtok: "22.5" }]);
    expect(gpt.serviceTiers).toEqual({
      batch: { input_per_mtok: "1.25", output_per_mtok: "7.5" },
      flex: { input_per_mtok: "1.25", cached_input_per_mtok: "0.125", output_per_mtok: "7.5" },
      priority: { input_per_mtok: "5", output_per_mtok: "30" },
    });
  });

  it("reads input_cost_per_request as USD per request, not per token", () => {
    expect(byModel.get("sonar")?.perRequest).toBe("0.005");
    // 1000×1 + 1000×1 = 2000 / 1e6 = 0.002, + 0.005
    expect(priceEvent(tokens({ inputUncached: 1000, output: 1000 }), toPriceRates(byModel.get("sonar")!)).toFixed()).toBe("0.007");
  });

  it("prices events from the file exactly: tiers, 1-hour writes and service tiers", () => {
    const sonnet = toPriceRates(byModel.get("claude-sonnet-4-5")!);
    // 250000 input of which 50000 cache writes, 20000 of them 1-hour, 1000 output, above 200k:
    // 200000×6 = 1.2; 30000×7.5 = 0.225; 20000×12 = 0.24; 1000×22.5 = 0.0225
    expect(priceEvent(tokens({ inputUncached: 200_000, cacheWrite: 50_000, cacheWrite1h: 20_000, output: 1_000 }), sonnet).toFixed()).toBe("1.6875");
    // batch: 200000×1.5 = 0.3; 30000×3.75 = 0.1125; 20000×6 = 0.12; 1000×7.5 = 0.0075
    expect(priceEvent(tokens({ inputUncached: 200_000, cacheWrite: 50_000, cacheWrite1h: 20_000, output: 1_000 }), sonnet, "batch").toFixed()).toBe("0.54");
    const gpt = toPriceRates(byModel.get("gpt-5.4")!);
    // at 272000 (not above): 272000×2.5 = 0.68; above: 272001×5 = 1.360005
    expect(priceEvent(tokens({ inputUncached: 272_000 }), gpt).toFixed()).toBe("0.68");
    expect(priceEvent(tokens({ inputUncached: 272_001 }), gpt).toFixed()).toBe("1.360005");
    // flex: 1000×1.25 + 1000×0.125 + 100×7.5 = 1250 + 125 + 750 = 2125
    expect(priceEvent(tokens({ inputUncached: 1000, cacheRead: 1000, output: 100 }), gpt, "flex").toFixed()).toBe("0.002125");
  });

  it("skips entries without token prices and says why", () => {
    expect(skipped).toEqual(
      expect.arrayContaining([
        { name: "sample_spec", reason: "sample specification" },
        { name: "dall-e-3", reason: "no token prices" },
        { name: "no-provider", reason: "no litellm_provider" },
        { name: "openai/gpt-5.4", reason: "duplicate of gpt-5.4 (openai)" },
      ]),
    );
    expect(prices).toHaveLength(4);
  });
});

describe("samePrices", () => {
  it("compares every rate, tiers and service tiers, ignoring number formatting", () => {
    const [a] = parseNativeCatalog([{ provider: "x", model: "m", input_per_mtok: "1.50", output_per_mtok: 2, tiers: [{ above_input_tokens: 10, input_per_mtok: 3 }], effective_from: "2024-01-01" }]);
    const [b] = parseNativeCatalog([{ provider: "x", model: "m", input_per_mtok: 1.5, output_per_mtok: "2.0", tiers: [{ above_input_tokens: 10, input_per_mtok: "3.00" }], effective_from: "2025-01-01" }]);
    expect(samePrices(a, b)).toBe(true);
    expect(samePrices(a, { ...b, tiers: null })).toBe(false);
    expect(samePrices(a, { ...b, cacheWrite1hPerMtok: "3" })).toBe(false);
    expect(priceDifferences(a, { ...b, outputPerMtok: "2.5" })).toEqual(["output_per_mtok 2 → 2.5"]);
  });
});
