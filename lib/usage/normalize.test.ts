import { describe, expect, it } from "vitest";
import { normalizeTokens, normalizeUsageObject, TokenCountError, totalInputTokens } from "./normalize";

describe("normalizeTokens", () => {
  it("splits native input_tokens into uncached + cache read + cache write", () => {
    const { format, tokens } = normalizeTokens({ input_tokens: 1000, cache_read_tokens: 600, cache_write_tokens: 100, output_tokens: 50, reasoning_tokens: 20 });
    expect(format).toBe("native");
    expect(tokens).toEqual({ inputUncached: 300, cacheRead: 600, cacheWrite: 100, cacheWrite1h: 0, output: 50, reasoning: 20 });
    expect(totalInputTokens(tokens)).toBe(1000);
  });

  it("rejects cache parts larger than input_tokens and reasoning larger than output, naming the field", () => {
    expect(() => normalizeTokens({ input_tokens: 10, cache_read_tokens: 8, cache_write_tokens: 5 })).toThrow(expect.objectContaining({ field: "cache_write_tokens" }));
    expect(() => normalizeTokens({ input_tokens: 10, cache_read_tokens: 11 })).toThrow(expect.objectContaining({ field: "cache_read_tokens" }));
    expect(() => normalizeTokens({ output_tokens: 1, reasoning_tokens: 2 })).toThrow(TokenCountError);
  });

  it("reads an OpenAI Chat Completions usage object (prompt_tokens include cached ones)", () => {
    const usage = {
      prompt_tokens: 2006,
      completion_tokens: 300,
      total_tokens: 2306,
      prompt_tokens_details: { cached_tokens: 1920, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 192, audio_tokens: 0 },
    };
    expect(normalizeTokens({ usage })).toEqual({ format: "openai_chat", tokens: { inputUncached: 86, cacheRead: 1920, cacheWrite: 0, cacheWrite1h: 0, output: 300, reasoning: 192 } });
  });

  it("reads an OpenAI Responses usage object", () => {
    const usage = { input_tokens: 328, input_tokens_details: { cached_tokens: 128 }, output_tokens: 52, output_tokens_details: { reasoning_tokens: 40 }, total_tokens: 380 };
    expect(normalizeTokens({ usage })).toEqual({ format: "openai_responses", tokens: { inputUncached: 200, cacheRead: 128, cacheWrite: 0, cacheWrite1h: 0, output: 52, reasoning: 40 } });
  });

  it("reads an Anthropic usage object (input_tokens exclude cache reads and writes)", () => {
    const usage = { input_tokens: 50, cache_creation_input_tokens: 1000, cache_read_input_tokens: 2000, output_tokens: 400 };
    expect(normalizeTokens({ usage, provider: "anthropic" })).toEqual({ format: "anthropic", tokens: { inputUncached: 50, cacheRead: 2000, cacheWrite: 1000, cacheWrite1h: 0, output: 400, reasoning: 0 } });
  });

  it("reads a Google usageMetadata object (thinking is billed as output)", () => {
    const usage = { promptTokenCount: 1000, cachedContentTokenCount: 400, candidatesTokenCount: 100, thoughtsTokenCount: 50 };
    expect(normalizeTokens({ usage }).tokens).toEqual({ inputUncached: 600, cacheRead: 400, cacheWrite: 0, cacheWrite1h: 0, output: 150, reasoning: 50 });
  });

  it("uses the usage object instead of native fields so nothing is counted twice", () => {
    const { tokens } = normalizeTokens({ input_tokens: 999, usage: { prompt_tokens: 10, completion_tokens: 5 } });
    expect(tokens).toEqual({ inputUncached: 10, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 5, reasoning: 0 });
  });

  it("names the usage field that is wrong", () => {
    expect(() => normalizeUsageObject({ prompt_tokens: 5, prompt_tokens_details: { cached_tokens: 6 } })).toThrow(
      expect.objectContaining({ field: "usage.prompt_tokens_details.cached_tokens" }),
    );
    expect(() => normalizeUsageObject({ prompt_tokens: -1 })).toThrow(expect.objectContaining({ field: "usage.prompt_tokens" }));
  });

  it("reads the Anthropic cache_creation breakdown: ephemeral_1h_input_tokens are 1-hour writes inside the cache writes", () => {
    const usage = {
      input_tokens: 12,
      cache_creation_input_tokens: 3000,
      cache_read_input_tokens: 500,
      cache_creation: { ephemeral_5m_input_tokens: 1000, ephemeral_1h_input_tokens: 2000 },
      output_tokens: 40,
    };
    expect(normalizeTokens({ usage }).tokens).toEqual({ inputUncached: 12, cacheRead: 500, cacheWrite: 3000, cacheWrite1h: 2000, output: 40, reasoning: 0 });
    // Without the total, the writes are the sum of the breakdown.
    const { cache_creation_input_tokens: _total, ...withoutTotal } = usage;
    expect(normalizeTokens({ usage: withoutTotal }).tokens).toMatchObject({ cacheWrite: 3000, cacheWrite1h: 2000 });
    expect(() => normalizeUsageObject({ ...usage, cache_creation_input_tokens: 2999 })).toThrow(expect.objectContaining({ field: "usage.cache_creation" }));
  });

  it("reads native cache_write_1h_tokens as a part of cache_write_tokens", () => {
    expect(normalizeTokens({ input_tokens: 100, cache_write_tokens: 60, cache_write_1h_tokens: 20 }).tokens).toMatchObject({ inputUncached: 40, cacheWrite: 60, cacheWrite1h: 20 });
    expect(() => normalizeTokens({ input_tokens: 100, cache_write_tokens: 10, cache_write_1h_tokens: 11 })).toThrow(expect.objectContaining({ field: "cache_write_1h_tokens" }));
  });

  it("reads Gemini usageMetadata with thoughts and tool-use prompt tokens, also wrapped as { usageMetadata }", () => {
    const usageMetadata = { promptTokenCount: 250_000, cachedContentTokenCount: 200_000, candidatesTokenCount: 900, thoughtsTokenCount: 1_100, toolUsePromptTokenCount: 50, totalTokenCount: 252_050 };
    const expected = { inputUncached: 50_050, cacheRead: 200_000, cacheWrite: 0, cacheWrite1h: 0, output: 2_000, reasoning: 1_100 };
    expect(normalizeTokens({ usage: usageMetadata })).toEqual({ format: "google", tokens: expected });
    expect(normalizeTokens({ usage: { usageMetadata } }).tokens).toEqual(expected);
  });

  it("accepts token counts up to 10^12 and refuses more", () => {
    expect(normalizeTokens({ input_tokens: 1_000_000_000_000, output_tokens: 3_000_000_000 }).tokens).toMatchObject({ inputUncached: 1_000_000_000_000, output: 3_000_000_000 });
    expect(() => normalizeUsageObject({ prompt_tokens: 1_000_000_000_001 })).toThrow(expect.objectContaining({ field: "usage.prompt_tokens" }));
  });
});
