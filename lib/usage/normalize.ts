// Token counts in Spendline's own terms. Providers count cached input differently: OpenAI's
// prompt_tokens / input_tokens INCLUDE cached tokens, Anthropic's input_tokens EXCLUDES cache reads
// and writes, Google's promptTokenCount includes cached content and its candidatesTokenCount
// excludes thinking. Everything is turned into disjoint parts so that nothing is billed twice.
// Anthropic reports the part of its cache writes kept for one hour in
// `cache_creation.ephemeral_1h_input_tokens`; those are `cacheWrite1h`, a part of `cacheWrite`.

/** Disjoint parts of one call's tokens; `reasoning` is the part of `output` spent thinking. */
export interface TokenCounts {
  inputUncached: number;
  cacheRead: number;
  cacheWrite: number;
  /** The part of `cacheWrite` written for one hour (billed at the 1-hour price); 0 when absent. */
  cacheWrite1h?: number;
  /** All output, reasoning included. */
  output: number;
  /** Informational: already inside `output`, never billed twice. */
  reasoning: number;
}

export type UsageFormat = "native" | "openai_chat" | "openai_responses" | "anthropic" | "google";

export interface NativeTokenFields {
  input_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  cache_write_1h_tokens?: number;
  output_tokens?: number;
  reasoning_tokens?: number;
}

export class TokenCountError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = "TokenCountError";
  }
}

/** Token counts are integers from 0 to 10^12 (SPEC §5), stored as 64-bit integers. */
export const MAX_TOKEN_COUNT = 1_000_000_000_000;

/** Total input as OpenAI and OpenTelemetry count it (cached tokens included). */
export function totalInputTokens(t: TokenCounts): number {
  return t.inputUncached + t.cacheRead + t.cacheWrite;
}

type UsageObject = Record<string, unknown>;

function isObject(value: unknown): value is UsageObject {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function count(obj: UsageObject | undefined, key: string, field: string): number {
  const value = obj?.[key];
  if (value === undefined || value === null) return 0;
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0 || value > MAX_TOKEN_COUNT) {
    throw new TokenCountError(field, `${field} must be an integer from 0 to 10^12.`);
  }
  return value;
}

function nested(obj: UsageObject, key: string, field: string): UsageObject | undefined {
  const value = obj[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw new TokenCountError(field, `${field} must be an object.`);
  return value;
}

function has(obj: UsageObject, ...keys: string[]): boolean {
  return keys.some((k) => obj[k] !== undefined && obj[k] !== null);
}

/** Builds counts from totals that include the cached parts, checking that the parts fit. */
function fromInclusive(
  total: {
    input: number;
    inputField: string;
    cacheRead: number;
    cacheReadField: string;
    cacheWrite: number;
    cacheWriteField: string;
    cacheWrite1h?: number;
    cacheWrite1hField?: string;
  },
  output: { output: number; outputField: string; reasoning: number; reasoningField: string },
): TokenCounts {
  if (total.cacheRead > total.input) {
    throw new TokenCountError(total.cacheReadField, `${total.cacheReadField} (${total.cacheRead}) may not exceed ${total.inputField} (${total.input}).`);
  }
  if (total.cacheRead + total.cacheWrite > total.input) {
    throw new TokenCountError(
      total.cacheWriteField,
      `${total.cacheReadField} + ${total.cacheWriteField} (${total.cacheRead + total.cacheWrite}) may not exceed ${total.inputField} (${total.input}).`,
    );
  }
  const cacheWrite1h = total.cacheWrite1h ?? 0;
  if (cacheWrite1h > total.cacheWrite) {
    const field = total.cacheWrite1hField ?? "cache_write_1h_tokens";
    throw new TokenCountError(field, `${field} (${cacheWrite1h}) may not exceed ${total.cacheWriteField} (${total.cacheWrite}).`);
  }
  if (output.reasoning > output.output) {
    throw new TokenCountError(output.reasoningField, `${output.reasoningField} (${output.reasoning}) may not exceed ${output.outputField} (${output.output}).`);
  }
  return {
    inputUncached: total.input - total.cacheRead - total.cacheWrite,
    cacheRead: total.cacheRead,
    cacheWrite: total.cacheWrite,
    cacheWrite1h,
    output: output.output,
    reasoning: output.reasoning,
  };
}

export function normalizeNativeTokens(fields: NativeTokenFields): TokenCounts {
  return fromInclusive(
    {
      input: fields.input_tokens ?? 0,
      inputField: "input_tokens",
      cacheRead: fields.cache_read_tokens ?? 0,
      cacheReadField: "cache_read_tokens",
      cacheWrite: fields.cache_write_tokens ?? 0,
      cacheWriteField: "cache_write_tokens",
      cacheWrite1h: fields.cache_write_1h_tokens ?? 0,
      cacheWrite1hField: "cache_write_1h_tokens",
    },
    { output: fields.output_tokens ?? 0, outputField: "output_tokens", reasoning: fields.reasoning_tokens ?? 0, reasoningField: "reasoning_tokens" },
  );
}

/** Which provider's shape a `usage` object has; the provider name breaks ties. */
export function detectUsageFormat(usage: UsageObject, provider?: string | null): Exclude<UsageFormat, "native"> {
  if (has(usage, "cache_creation_input_tokens", "cache_read_input_tokens", "cache_creation")) return "anthropic";
  if (has(usage, "prompt_tokens", "completion_tokens", "prompt_tokens_details", "completion_tokens_details")) return "openai_chat";
  if (has(usage, "promptTokenCount", "candidatesTokenCount", "cachedContentTokenCount", "thoughtsTokenCount")) return "google";
  if (has(usage, "input_tokens_details", "output_tokens_details")) return "openai_responses";
  // Bare {input_tokens, output_tokens}: with no cache fields both readings give the same counts.
  return provider?.toLowerCase() === "anthropic" ? "anthropic" : "openai_responses";
}

const OPENAI_FIELDS = {
  openai_chat: { input: "prompt_tokens", inputDetails: "prompt_tokens_details", output: "completion_tokens", outputDetails: "completion_tokens_details" },
  openai_responses: { input: "input_tokens", inputDetails: "input_tokens_details", output: "output_tokens", outputDetails: "output_tokens_details" },
} as const;

/** Normalises a provider `usage` object (the field is reported as `usage.<name>`). */
export function normalizeUsageObject(usage: unknown, provider?: string | null): { format: Exclude<UsageFormat, "native">; tokens: TokenCounts } {
  if (!isObject(usage)) throw new TokenCountError("usage", "usage must be an object.");
  // A whole Gemini response part `{ usageMetadata: {...} }` is accepted as its usageMetadata.
  if (isObject(usage.usageMetadata) && !has(usage, "promptTokenCount")) return normalizeUsageObject(usage.usageMetadata, provider);
  const format = detectUsageFormat(usage, provider);
  const f = (name: string) => `usage.${name}`;
  switch (format) {
    case "openai_chat":
    case "openai_responses": {
      // Both OpenAI shapes count cached tokens inside the input total; only the field names differ.
      const names = OPENAI_FIELDS[format];
      const inputDetails = nested(usage, names.inputDetails, f(names.inputDetails));
      const outputDetails = nested(usage, names.outputDetails, f(names.outputDetails));
      return {
        format,
        tokens: fromInclusive(
          {
            input: count(usage, names.input, f(names.input)),
            inputField: f(names.input),
            cacheRead: count(inputDetails, "cached_tokens", f(`${names.inputDetails}.cached_tokens`)),
            cacheReadField: f(`${names.inputDetails}.cached_tokens`),
            cacheWrite: 0,
            cacheWriteField: f(`${names.inputDetails}.cache_write_tokens`),
          },
          {
            output: count(usage, names.output, f(names.output)),
            outputField: f(names.output),
            reasoning: count(outputDetails, "reasoning_tokens", f(`${names.outputDetails}.reasoning_tokens`)),
            reasoningField: f(`${names.outputDetails}.reasoning_tokens`),
          },
        ),
      };
    }
    case "anthropic": {
      // Anthropic bills extended thinking as output and does not report it separately. Its
      // `cache_creation` object splits the cache writes by lifetime (5 minutes, 1 hour).
      const creation = nested(usage, "cache_creation", f("cache_creation"));
      const write5m = count(creation, "ephemeral_5m_input_tokens", f("cache_creation.ephemeral_5m_input_tokens"));
      const write1h = count(creation, "ephemeral_1h_input_tokens", f("cache_creation.ephemeral_1h_input_tokens"));
      const writeTotal = count(usage, "cache_creation_input_tokens", f("cache_creation_input_tokens"));
      if (has(usage, "cache_creation_input_tokens") && write5m + write1h > writeTotal) {
        throw new TokenCountError(
          f("cache_creation"),
          `usage.cache_creation parts (${write5m + write1h}) may not exceed usage.cache_creation_input_tokens (${writeTotal}).`,
        );
      }
      return {
        format,
        tokens: {
          inputUncached: count(usage, "input_tokens", f("input_tokens")),
          cacheRead: count(usage, "cache_read_input_tokens", f("cache_read_input_tokens")),
          cacheWrite: has(usage, "cache_creation_input_tokens") ? writeTotal : write5m + write1h,
          cacheWrite1h: write1h,
          output: count(usage, "output_tokens", f("output_tokens")),
          reasoning: 0,
        },
      };
    }
    case "google": {
      // Tool-use prompt tokens are input the model read on top of promptTokenCount.
      const toolPrompt = count(usage, "toolUsePromptTokenCount", f("toolUsePromptTokenCount"));
      const thoughts = count(usage, "thoughtsTokenCount", f("thoughtsTokenCount"));
      return {
        format,
        tokens: fromInclusive(
          {
            input: count(usage, "promptTokenCount", f("promptTokenCount")) + toolPrompt,
            inputField: f("promptTokenCount"),
            cacheRead: count(usage, "cachedContentTokenCount", f("cachedContentTokenCount")),
            cacheReadField: f("cachedContentTokenCount"),
            cacheWrite: 0,
            cacheWriteField: f("cacheWriteTokenCount"),
          },
          {
            output: count(usage, "candidatesTokenCount", f("candidatesTokenCount")) + thoughts,
            outputField: f("candidatesTokenCount"),
            reasoning: thoughts,
            reasoningField: f("thoughtsTokenCount"),
          },
        ),
      };
    }
  }
}

/**
 * Token counts of an event: from its `usage` object when it has one (the native token fields are
 * then ignored, so a client sending both is never counted twice), else from the native fields.
 */
export function normalizeTokens(event: NativeTokenFields & { usage?: unknown; provider?: string | null }): { format: UsageFormat; tokens: TokenCounts } {
  if (event.usage !== undefined && event.usage !== null) return normalizeUsageObject(event.usage, event.provider);
  return { format: "native", tokens: normalizeNativeTokens(event) };
}
