import { describe, expect, it } from "vitest";
import { normalizeTokens, normalizeUsageObject, TokenCountError, totalInputTokens } from "./normalize";

describe("normalizeTokens", () => {
  it("splits native input_tokens into uncached + cache read + cache write", () => {
    const { format, tokens } = normalizeTokens({ input_tokens: 1000, cache_read_tokens: 600, cache_write_tokens: 100, output_tokens: 50, reasoning_tokens: 20 });
    expect(format).toBe("native");
    expect(tokens).toEqual({ inputUncached: 300, cacheRead: 600, cacheWrite: 100, output: 50, reasoning: 20 });
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
    expect(normalizeTokens({ usage })).toEqual({ format: "openai_chat", tokens: { inputUncached: 86, cacheRead: 1920, cacheWrite: 0, output: 300, reasoning: 192 } });
  });

  it("reads an OpenAI Responses usage object", () => {
    const usage = { input_tokens: 328, input_tokens_details: { cached_tokens: 128 }, output_tokens: 52, output_tokens_details: { reasoning_tokens: 40 }, total_tokens: 380 };
    expect(normalizeTokens({ usage })).toEqual({ format: "openai_responses", tokens: { inputUncached: 200, cacheRead: 128, cacheWrite: 0, output: 52, reasoning: 40 } });
  });

  it("reads an Anthropic usage object (input_tokens exclude cache reads and writes)", () => {
    const usage = { input_tokens: 50, cache_creation_input_tokens: 1000, cache_read_input_tokens: 2000, output_tokens: 400 };
    expect(normalizeTokens({ usage, provider: "anthropic" })).toEqual({ format: "anthropic", tokens: { inputUncached: 50, cacheRead: 2000, cacheWrite: 1000, output: 400, reasoning: 0 } });
  });

  it("reads a Google usageMetadata object (thinking is billed as output)", () => {
    const usage = { promptTokenCount: 1000, cachedContentTokenCount: 400, candidatesTokenCount: 100, thoughtsTokenCount: 50 };
    expect(normalizeTokens({ usage }).tokens).toEqual({ inputUncached: 600, cacheRead: 400, cacheWrite: 0, output: 150, reasoning: 50 });
  });

  it("uses the usage object instead of native fields so nothing is counted twice", () => {
    const { tokens } = normalizeTokens({ input_tokens: 999, usage: { prompt_tokens: 10, completion_tokens: 5 } });
    expect(tokens).toEqual({ inputUncached: 10, cacheRead: 0, cacheWrite: 0, output: 5, reasoning: 0 });
  });

  it("names the usage field that is wrong", () => {
    expect(() => normalizeUsageObject({ prompt_tokens: 5, prompt_tokens_details: { cached_tokens: 6 } })).toThrow(
      expect.objectContaining({ field: "usage.prompt_tokens_details.cached_tokens" }),
    );
    expect(() => normalizeUsageObject({ prompt_tokens: -1 })).toThrow(expect.objectContaining({ field: "usage.prompt_tokens" }));
  });
});
