// A local stand-in of the OpenAI and Anthropic HTTP APIs (loopback only): Chat Completions,
// Responses and Messages, as JSON or as server-sent events, with the usage objects the real APIs
// send. Used by the SDK's unit tests and by the browser suite (e2e/sdk.spec.ts). Node built-ins only.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { randomBytes } from "node:crypto";

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: Record<string, unknown>;
}

/** What the stand-in answers; tests change these between calls. */
export interface ProviderScenario {
  /** Chat Completions usage (what the JSON answer and the final stream chunk carry). */
  chatUsage: Record<string, unknown>;
  /** Responses API usage. */
  responsesUsage: Record<string, unknown>;
  /** Anthropic usage: `message_start` (and the JSON answer) … */
  anthropicStartUsage: Record<string, unknown>;
  /** … and what `message_delta` finally reports (merged over the start usage for the JSON answer). */
  anthropicDeltaUsage: Record<string, unknown>;
  /** The model the answer names (else the request's). */
  answerModel?: string;
  /** Fail the next N requests with this status and provider-style error body. */
  fail?: { status: number; count: number; message?: string };
}

export interface ProviderStandIn {
  url: string;
  openaiBaseUrl: string;
  anthropicBaseUrl: string;
  requests: RecordedRequest[];
  scenario: ProviderScenario;
  /** Ids handed out, in order (chatcmpl-…, resp_…, msg_…). */
  ids: string[];
  close(): Promise<void>;
}

export const CHAT_TEXT = ["Hel", "lo", " there", "!"];

function defaults(): ProviderScenario {
  return {
    chatUsage: {
      prompt_tokens: 1200,
      completion_tokens: 300,
      total_tokens: 1500,
      prompt_tokens_details: { cached_tokens: 200, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    },
    responsesUsage: {
      input_tokens: 900,
      input_tokens_details: { cached_tokens: 100 },
      output_tokens: 250,
      output_tokens_details: { reasoning_tokens: 50 },
      total_tokens: 1150,
    },
    anthropicStartUsage: { input_tokens: 400, cache_creation_input_tokens: 1000, cache_read_input_tokens: 2000, output_tokens: 1, service_tier: "standard" },
    anthropicDeltaUsage: { output_tokens: 350 },
  };
}

async function readBody(req: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  if (!text) return {};
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function sse(events: { event?: string; data: unknown }[]): string {
  return events.map((e) => `${e.event ? `event: ${e.event}\n` : ""}data: ${typeof e.data === "string" ? e.data : JSON.stringify(e.data)}\n\n`).join("");
}

export async function startProviderStandIn(): Promise<ProviderStandIn> {
  const runTag = randomBytes(4).toString("hex");
  let counter = 0;
  const nextId = (prefix: string) => `${prefix}${runTag}${String(++counter).padStart(4, "0")}`;
  const state: ProviderStandIn = {
    url: "",
    openaiBaseUrl: "",
    anthropicBaseUrl: "",
    requests: [],
    scenario: defaults(),
    ids: [],
    close: async () => undefined,
  };

  const server: Server = createServer(async (req, res) => {
    const body = await readBody(req);
    const path = (req.url ?? "").split("?")[0];
    state.requests.push({ method: req.method ?? "", path, headers: req.headers, body });
    const s = state.scenario;
    const model = s.answerModel ?? (typeof body.model === "string" ? body.model : "unknown");
    const isAnthropic = path.startsWith("/anthropic/");

    if (s.fail && s.fail.count > 0) {
      s.fail.count -= 1;
      const message = s.fail.message ?? "The stand-in was told to fail.";
      res.writeHead(s.fail.status, { "content-type": "application/json", "x-request-id": `req_${runTag}${++counter}`, "request-id": `req_${runTag}${counter}` });
      res.end(JSON.stringify(isAnthropic ? { type: "error", error: { type: "invalid_request_error", message } } : { error: { message, type: "invalid_request_error", code: null, param: null } }));
      return;
    }
    const created = Math.floor(Date.now() / 1000);

    if (req.method === "POST" && path === "/openai/v1/chat/completions") {
      const id = nextId("chatcmpl-");
      state.ids.push(id);
      if (body.stream === true) {
        const includeUsage = (body.stream_options as { include_usage?: boolean } | undefined)?.include_usage === true;
        const base = { id, object: "chat.completion.chunk", created, model, system_fingerprint: "fp_standin", service_tier: "default" };
        const events: { data: unknown }[] = [
          { data: { ...base, choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }], ...(includeUsage ? { usage: null } : {}) } },
          ...CHAT_TEXT.map((t) => ({ data: { ...base, choices: [{ index: 0, delta: { content: t }, logprobs: null, finish_reason: null }], ...(includeUsage ? { usage: null } : {}) } })),
          { data: { ...base, choices: [{ index: 0, delta: {}, logprobs: null, finish_reason: "stop" }], ...(includeUsage ? { usage: null } : {}) } },
        ];
        if (includeUsage) events.push({ data: { ...base, choices: [], usage: s.chatUsage } });
        events.push({ data: "[DONE]" });
        res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": `req_${id}` });
        res.end(sse(events));
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "x-request-id": `req_${id}` });
      res.end(
        JSON.stringify({
          id,
          object: "chat.completion",
          created,
          model,
          choices: [{ index: 0, message: { role: "assistant", content: CHAT_TEXT.join(""), refusal: null, annotations: [] }, logprobs: null, finish_reason: "stop" }],
          usage: s.chatUsage,
          service_tier: "default",
          system_fingerprint: "fp_standin",
        }),
      );
      return;
    }

    if (req.method === "POST" && path === "/openai/v1/responses") {
      const id = nextId("resp_");
      state.ids.push(id);
      const response = (status: string, usage: unknown) => ({
        id,
        object: "response",
        created_at: created,
        status,
        model,
        output:
          status === "completed"
            ? [{ id: `msg_${id}`, type: "message", status: "completed", role: "assistant", content: [{ type: "output_text", text: CHAT_TEXT.join(""), annotations: [] }] }]
            : [],
        usage,
        service_tier: "default",
        error: null,
        incomplete_details: null,
      });
      if (body.stream === true) {
        let seq = 0;
        const events = [
          { event: "response.created", data: { type: "response.created", sequence_number: seq++, response: response("in_progress", null) } },
          { event: "response.in_progress", data: { type: "response.in_progress", sequence_number: seq++, response: response("in_progress", null) } },
          ...CHAT_TEXT.map((t) => ({ event: "response.output_text.delta", data: { type: "response.output_text.delta", sequence_number: seq++, item_id: `msg_${id}`, output_index: 0, content_index: 0, delta: t } })),
          { event: "response.completed", data: { type: "response.completed", sequence_number: seq++, response: response("completed", s.responsesUsage) } },
        ];
        res.writeHead(200, { "content-type": "text/event-stream", "x-request-id": `req_${id}` });
        res.end(sse(events));
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "x-request-id": `req_${id}` });
      res.end(JSON.stringify(response("completed", s.responsesUsage)));
      return;
    }

    if (req.method === "POST" && path === "/anthropic/v1/messages") {
      const id = nextId("msg_");
      state.ids.push(id);
      const text = CHAT_TEXT.join("");
      if (body.stream === true) {
        const events = [
          { event: "message_start", data: { type: "message_start", message: { id, type: "message", role: "assistant", model, content: [], stop_reason: null, stop_sequence: null, usage: s.anthropicStartUsage } } },
          { event: "content_block_start", data: { type: "content_block_start", index: 0, content_block: { type: "text", text: "" } } },
          { event: "ping", data: { type: "ping" } },
          ...CHAT_TEXT.map((t) => ({ event: "content_block_delta", data: { type: "content_block_delta", index: 0, delta: { type: "text_delta", text: t } } })),
          { event: "content_block_stop", data: { type: "content_block_stop", index: 0 } },
          { event: "message_delta", data: { type: "message_delta", delta: { stop_reason: "end_turn", stop_sequence: null }, usage: s.anthropicDeltaUsage } },
          { event: "message_stop", data: { type: "message_stop" } },
        ];
        res.writeHead(200, { "content-type": "text/event-stream", "request-id": `req_${id}` });
        res.end(sse(events));
        return;
      }
      res.writeHead(200, { "content-type": "application/json", "request-id": `req_${id}` });
      res.end(
        JSON.stringify({
          id,
          type: "message",
          role: "assistant",
          model,
          content: [{ type: "text", text }],
          stop_reason: "end_turn",
          stop_sequence: null,
          usage: { ...s.anthropicStartUsage, ...s.anthropicDeltaUsage },
        }),
      );
      return;
    }

    res.writeHead(404, { "content-type": "application/json" });
    res.end(JSON.stringify({ error: { message: `No stand-in for ${req.method} ${path}` } }));
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  state.url = `http://127.0.0.1:${port}`;
  state.openaiBaseUrl = `${state.url}/openai/v1`;
  state.anthropicBaseUrl = `${state.url}/anthropic`;
  state.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
