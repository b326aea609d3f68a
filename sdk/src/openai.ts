// OpenAI: `chat.completions.create` and `responses.create`, streamed or not (SPEC §8).
import type { Spendline } from "./client.js";
import { wrapState } from "./state.js";
import type { CallAttributes } from "./types.js";
import { instrumentMethod, isRecord, promptTokens, type CallOutcome, type EndpointSpec, type StreamObserver } from "./wrap.js";

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

function outputCap(...values: unknown[]): number | undefined {
  for (const v of values) if (typeof v === "number" && Number.isFinite(v) && v >= 0) return Math.ceil(v);
  return undefined;
}

export const chatCompletions: EndpointSpec = {
  provider: "openai",
  prepare(body) {
    if (body.stream !== true) return { body };
    const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
    // The app did not ask for usage in the stream: ask for it, and keep the extra final chunk from the app.
    const hideUsageChunk = streamOptions.include_usage !== true;
    const prepared = hideUsageChunk ? { ...body, stream_options: { ...streamOptions, include_usage: true } } : body;
    return {
      body: prepared,
      observer: (): StreamObserver => {
        const seen: CallOutcome = { success: true };
        return {
          observe(chunk) {
            if (!isRecord(chunk)) return false;
            seen.id ??= str(chunk.id);
            seen.model ??= str(chunk.model);
            if (chunk.service_tier !== undefined && chunk.service_tier !== null) seen.serviceTier = chunk.service_tier;
            if (isRecord(chunk.usage)) {
              seen.usage = chunk.usage;
              return hideUsageChunk && Array.isArray(chunk.choices) && chunk.choices.length === 0;
            }
            return false;
          },
          outcome: () => ({ ...seen }),
        };
      },
    };
  },
  fromResult(data) {
    const r = isRecord(data) ? data : {};
    return { id: str(r.id), model: str(r.model), usage: isRecord(r.usage) ? r.usage : undefined, serviceTier: r.service_tier, success: true };
  },
  estimate(body, defaultMax) {
    const n = typeof body.n === "number" && body.n > 1 ? body.n : 1;
    return {
      inputTokens: promptTokens(body.messages, body.tools, body.functions, body.response_format),
      outputTokens: (outputCap(body.max_completion_tokens, body.max_tokens) ?? defaultMax) * n,
    };
  },
};

function fromResponse(response: unknown): CallOutcome {
  const r = isRecord(response) ? response : {};
  const failed = r.status === "failed";
  const error = isRecord(r.error) ? str(r.error.message) : undefined;
  return {
    id: str(r.id),
    model: str(r.model),
    usage: isRecord(r.usage) ? r.usage : undefined,
    serviceTier: r.service_tier,
    success: !failed,
    ...(failed ? { error: error ?? "The response failed." } : {}),
  };
}

export const responses: EndpointSpec = {
  provider: "openai",
  prepare(body) {
    if (body.stream !== true) return { body };
    return {
      body,
      observer: (): StreamObserver => {
        let seen: CallOutcome = { success: true };
        return {
          observe(event) {
            if (!isRecord(event)) return false;
            if (isRecord(event.response)) {
              const next = fromResponse(event.response);
              seen = { ...seen, ...Object.fromEntries(Object.entries(next).filter(([, v]) => v !== undefined)), success: seen.success && next.success };
            } else if (event.type === "error") {
              seen = { ...seen, success: false, error: str(event.message) ?? "The response stream failed." };
            }
            return false;
          },
          outcome: () => ({ ...seen }),
        };
      },
    };
  },
  fromResult: fromResponse,
  estimate(body, defaultMax) {
    return {
      inputTokens: promptTokens(body.input, body.instructions, body.tools, body.text),
      outputTokens: outputCap(body.max_output_tokens) ?? defaultMax,
    };
  },
};

/**
 * Makes an OpenAI client report every `chat.completions.create` and `responses.create` call to
 * Spendline. Returns the same client. Wrapping it again replaces `attrs`.
 */
export function wrapOpenAI<T extends object>(client: T, attrs?: CallAttributes, spendline?: Spendline): T {
  const { state, fresh } = wrapState(client, attrs, spendline);
  if (fresh) {
    const c = client as { chat?: { completions?: unknown }; responses?: unknown };
    instrumentMethod(c.chat?.completions, "create", chatCompletions, () => state);
    instrumentMethod(c.responses, "create", responses, () => state);
  }
  return client;
}
