// The bundled catalog prices today's models at their list prices with no import (issue 8).
import { describe, expect, it } from "vitest";
import catalog from "@/prisma/prices/catalog.json" with { type: "json" };
import type { TokenCounts } from "@/lib/usage/normalize";
import { priceEvent } from "./calculate";
import { parseNativeCatalog } from "./catalog-format";
import { buildPriceIndex, matchPrice } from "./match";
import { toPriceRates } from "./price-version";

const versions = parseNativeCatalog(catalog).map((p, i) => ({ ...p, id: String(i), effectiveFrom: p.effectiveFrom! }));
const index = buildPriceIndex(versions);
const at = new Date("2026-11-01T12:00:00Z");
const tokens = (t: Partial<TokenCounts>): TokenCounts => ({ inputUncached: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 0, reasoning: 0, ...t });

function cost(provider: string | null, model: string, t: TokenCounts, serviceTier?: string): string {
  const m = matchPrice(index, { provider, model, at });
  if (!m.price) throw new Error(`${provider}/${model}: ${m.reason}`);
  return priceEvent(t, toPriceRates(m.price), serviceTier).toFixed();
}

describe("bundled catalog", () => {
  it("prices OpenAI models at list prices, dated ids included", () => {
    // gpt-5: 1M input × 1.25 + 1M output × 10
    expect(cost("openai", "gpt-5-2025-08-07", tokens({ inputUncached: 1e6, output: 1e6 }))).toBe("11.25");
    // gpt-4.1: 2 / 0.5 cached / 8
    expect(cost("openai", "gpt-4.1", tokens({ inputUncached: 1e6, cacheRead: 1e6, output: 1e6 }))).toBe("10.5");
    // o3 after its June 2025 price cut: 2 / 8
    expect(cost("openai", "o3", tokens({ inputUncached: 1e6, output: 1e6 }))).toBe("10");
    // batch at half price
    expect(cost("openai", "gpt-4.1", tokens({ inputUncached: 1e6, output: 1e6 }), "batch")).toBe("5");
  });

  it("prices Anthropic models with 1-hour cache writes and long-context tiers", () => {
    // claude-sonnet-4.5 ≤200k: 100k×3 + 50k 5m writes ×3.75 + 50k 1h writes ×6 + 10k×15 = 0.3 + 0.1875 + 0.3 + 0.15
    expect(cost("anthropic", "claude-sonnet-4-5-20250929", tokens({ inputUncached: 100_000, cacheWrite: 100_000, cacheWrite1h: 50_000, output: 10_000 }))).toBe("0.9375");
    // above 200k: 250k×6 + 10k×22.5 = 1.5 + 0.225
    expect(cost("anthropic", "claude-sonnet-4.5", tokens({ inputUncached: 250_000, output: 10_000 }))).toBe("1.725");
    // claude-opus-4.1: 15 / 75; claude-haiku-4.5: 1 / 5
    expect(cost("anthropic", "claude-opus-4-1-20250805", tokens({ inputUncached: 1e6, output: 1e6 }))).toBe("90");
    expect(cost("anthropic", "claude-haiku-4-5-20251001", tokens({ inputUncached: 1e6, output: 1e6 }))).toBe("6");
  });

  it("prices Gemini under provider google (and its aliases) with the 200k tier", () => {
    // gemini-2.5-pro: 1.25 / 10; above 200k: 2.5 / 15
    expect(cost("google", "gemini-2.5-pro", tokens({ inputUncached: 200_000, output: 1_000 }))).toBe("0.26");
    // above 200k (cached reads count): 150000×2.5 + 50001×0.25 + 1000×15 = 0.375 + 0.01250025 + 0.015
    expect(cost("gemini", "gemini-2.5-pro", tokens({ inputUncached: 150_000, cacheRead: 50_001, output: 1_000 }))).toBe("0.40250025");
    // gemini-2.5-flash: 0.3 / 2.5
    expect(cost("gcp.gemini", "gemini-2.5-flash", tokens({ inputUncached: 1e6, output: 1e6 }))).toBe("2.8");
  });

  it("knows xAI, Mistral and DeepSeek models", () => {
    expect(cost("x-ai", "grok-4", tokens({ inputUncached: 1e6, output: 1e6 }))).toBe("18");
    expect(matchPrice(index, { provider: "mistral", model: "mistral-large-latest", at }).price).not.toBeNull();
    expect(matchPrice(index, { provider: "deepseek", model: "deepseek-chat", at }).price).not.toBeNull();
  });

  it("names each model under one provider only, so events without a provider are priced", () => {
    expect(cost(null, "claude-sonnet-4-5", tokens({ output: 1e6 }))).toBe("15");
    expect(cost(null, "gemini-2.5-pro", tokens({ output: 1e6 }))).toBe("10");
  });
});
