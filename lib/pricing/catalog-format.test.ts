import { describe, expect, it } from "vitest";
import { CatalogFormatError, parseEffectiveFrom, parseLiteLlmCatalog, parseNativeCatalog } from "./catalog-format";

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
      outputPerMtok: "10",
      perRequest: null,
      effectiveFrom: new Date("2024-05-13T00:00:00Z"),
    });
    expect(parseEffectiveFrom("2024-05-13T10:00:00")?.toISOString()).toBe("2024-05-13T10:00:00.000Z");
    expect(parseEffectiveFrom("2024-05-13T10:00:00+02:00")?.toISOString()).toBe("2024-05-13T08:00:00.000Z");
  });

  it("names the entry and field of the first error", () => {
    expect(() => parseNativeCatalog([{ provider: "a", model: "b", input_per_mtok: "1", output_per_mtok: "x", effective_from: "2024-01-01" }])).toThrow(/entry 0 \(output_per_mtok\)/);
    expect(() => parseNativeCatalog([{ provider: "a", model: "b", input_per_mtok: "1", output_per_mtok: "1" }])).toThrow(/effective_from/);
    expect(() => parseNativeCatalog({})).toThrow(CatalogFormatError);
  });

  it("accepts the shipped seed catalog", async () => {
    const { default: seed } = await import("@/prisma/prices/catalog.json", { with: { type: "json" } });
    const prices = parseNativeCatalog(seed);
    expect(prices.length).toBeGreaterThanOrEqual(40);
    expect(new Set(prices.map((p) => p.provider))).toEqual(new Set(["openai", "anthropic", "google", "mistral", "deepseek", "xai", "cohere"]));
  });
});

describe("parseLiteLlmCatalog", () => {
  it("converts per-token prices to per million and skips entries without token prices", () => {
    const { prices, skipped } = parseLiteLlmCatalog({
      sample_spec: { input_cost_per_token: 0, litellm_provider: "x" },
      "gpt-4o": { input_cost_per_token: 2.5e-6, output_cost_per_token: 1e-5, cache_read_input_token_cost: 1.25e-6, litellm_provider: "openai", mode: "chat" },
      "anthropic/claude-3-5-haiku-20241022": { input_cost_per_token: 8e-7, output_cost_per_token: 4e-6, cache_creation_input_token_cost: 1e-6, cache_read_input_token_cost: 8e-8, litellm_provider: "anthropic" },
      "dall-e-3": { output_cost_per_image: 0.04, litellm_provider: "openai" },
    });
    expect(skipped).toBe(2);
    expect(prices).toEqual([
      { provider: "openai", model: "gpt-4o", aliases: [], inputPerMtok: "2.5", cachedInputPerMtok: "1.25", cacheWritePerMtok: null, outputPerMtok: "10", perRequest: null, effectiveFrom: null },
      { provider: "anthropic", model: "claude-3-5-haiku-20241022", aliases: ["anthropic/claude-3-5-haiku-20241022"], inputPerMtok: "0.8", cachedInputPerMtok: "0.08", cacheWritePerMtok: "1", outputPerMtok: "4", perRequest: null, effectiveFrom: null },
    ]);
  });
});
