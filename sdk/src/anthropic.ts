// Anthropic: `messages.create`, streamed or not (SPEC §8). `messages.stream()` goes through it too.
import type { Spendline } from "./client.js";
import { wrapState } from "./state.js";
import type { CallAttributes } from "./types.js";
import { instrumentMethod, isRecord, promptTokens, type CallOutcome, type EndpointSpec, type StreamObserver } from "./wrap.js";

function str(value: unknown): string | undefined {
  return typeof value === "string" && value ? value : undefined;
}

export const messages: EndpointSpec = {
  provider: "anthropic",
  prepare(body) {
    if (body.stream !== true) return { body };
    return {
      body,
      observer: (): StreamObserver => {
        const seen: CallOutcome = { success: true };
        let usage: Record<string, unknown> | undefined;
        return {
          observe(event) {
            if (!isRecord(event)) return false;
            if (event.type === "message_start" && isRecord(event.message)) {
              seen.id = str(event.message.id);
              seen.model = str(event.message.model);
              if (isRecord(event.message.usage)) usage = { ...event.message.usage };
            } else if (event.type === "message_delta" && isRecord(event.usage)) {
              // message_delta carries the final (cumulative) counts; fields it leaves null keep message_start's.
              usage = { ...(usage ?? {}) };
              for (const [key, value] of Object.entries(event.usage)) if (value !== null && value !== undefined) usage[key] = value;
            }
            return false;
          },
          outcome: () => ({ ...seen, usage, serviceTier: usage?.service_tier }),
        };
      },
    };
  },
  fromResult(data) {
    const r = isRecord(data) ? data : {};
    const usage = isRecord(r.usage) ? r.usage : undefined;
    return { id: str(r.id), model: str(r.model), usage, serviceTier: usage?.service_tier, success: true };
  },
  estimate(body, defaultMax) {
    const cap = typeof body.max_tokens === "number" && body.max_tokens >= 0 ? Math.ceil(body.max_tokens) : defaultMax;
    return { inputTokens: promptTokens(body.system, body.messages, body.tools), outputTokens: cap };
  },
};

/**
 * Makes an Anthropic client report every `messages.create` call (and so `messages.stream()`) to
 * Spendline. Returns the same client. Wrapping it again replaces `attrs`.
 */
export function wrapAnthropic<T extends object>(client: T, attrs?: CallAttributes, spendline?: Spendline): T {
  const { state, fresh } = wrapState(client, attrs, spendline);
  if (fresh) instrumentMethod((client as { messages?: unknown }).messages, "create", messages, () => state);
  return client;
}
