// The official @opentelemetry/instrumentation-openai around the real `openai` client, which calls
// a local stand-in of the OpenAI API; its spans go through the real OTLP protobuf exporter to the
// receiver, served on 127.0.0.1 by the test harness.
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { createRequire } from "node:module";
import type { AddressInfo } from "node:net";
import { metrics } from "@opentelemetry/api";
import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { OpenAIInstrumentation } from "@opentelemetry/instrumentation-openai";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from "@opentelemetry/sdk-trace";
import type OpenAIClient from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/server/api-keys";
import { useTestDatabase } from "@/test/database";
import { importTestPrice, makeOrg, SYSTEM } from "@/test/fixtures";
import { createApiServer } from "@/test/http-server";

const testDb = await useTestDatabase();
const prisma = testDb.prisma;

const MODEL = "otel-oai-gpt";
await importTestPrice({ provider: "openai", model: MODEL, inputPerMtok: "2.5", cachedInputPerMtok: "1.25", outputPerMtok: "10" });

// ---- a stand-in of the OpenAI Chat Completions API -------------------------------------------

const USAGE = { prompt_tokens: 1200, completion_tokens: 345, total_tokens: 1545 };
const STREAM_USAGE = { prompt_tokens: 80, completion_tokens: 20, total_tokens: 100 };

async function openAiStandIn(req: IncomingMessage, res: ServerResponse) {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  const body = JSON.parse(Buffer.concat(chunks).toString("utf8"));
  if (req.url !== "/v1/chat/completions") return res.writeHead(404).end();
  const base = { id: `chatcmpl-${Date.now()}`, created: Math.floor(Date.now() / 1000), model: body.model };
  if (body.stream) {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const send = (data: unknown) => res.write(`data: ${JSON.stringify(data)}\n\n`);
    send({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { role: "assistant", content: "Hel" }, finish_reason: null }] });
    send({ ...base, object: "chat.completion.chunk", choices: [{ index: 0, delta: { content: "lo" }, finish_reason: "stop" }] });
    send({ ...base, object: "chat.completion.chunk", choices: [], usage: STREAM_USAGE });
    return res.end("data: [DONE]\n\n");
  }
  res.writeHead(200, { "content-type": "application/json" });
  res.end(JSON.stringify({ ...base, object: "chat.completion", choices: [{ index: 0, message: { role: "assistant", content: "Hello" }, finish_reason: "stop" }], usage: USAGE }));
}

const openAiServer = createServer((req, res) => void openAiStandIn(req, res));
const spendline = createApiServer();
const listen = (s: ReturnType<typeof createServer>) => new Promise<number>((resolve) => s.listen(0, "127.0.0.1", () => resolve((s.address() as AddressInfo).port)));
let ports = { openai: 0, spendline: 0 };
beforeAll(async () => {
  ports = { openai: await listen(openAiServer), spendline: await listen(spendline) };
});
afterAll(async () => {
  await Promise.all([openAiServer, spendline].map((s) => new Promise((resolve) => s.close(resolve))));
});

describe("@opentelemetry/instrumentation-openai spans through the OTLP exporter", () => {
  it("prices the instrumented calls exactly and counts them once when they are exported again", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const exporter = new OTLPTraceExporter({ url: `http://127.0.0.1:${ports.spendline}/api/v1/otel/v1/traces`, headers: { Authorization: `Bearer ${key}` } });
    const memory = new InMemorySpanExporter();
    const provider = new TracerProvider({
      resource: resourceFromAttributes({ "service.name": "openai-app", "spendline.project": "assistant" }),
      spanProcessors: [new SimpleSpanProcessor({ exporter: memory }), new SimpleSpanProcessor({ exporter })],
    });
    const instrumentation = new OpenAIInstrumentation();
    instrumentation.setTracerProvider(provider);
    // As registerInstrumentations does: the instrumentation creates its metric instruments here.
    instrumentation.setMeterProvider(metrics.getMeterProvider());
    instrumentation.enable();
    try {
      // Loaded after the instrumentation is enabled, through Node's require, which it hooks.
      const { OpenAI } = createRequire(import.meta.url)("openai") as { OpenAI: typeof OpenAIClient };
      const client = new OpenAI({ apiKey: "sk-test", baseURL: `http://127.0.0.1:${ports.openai}/v1`, maxRetries: 0 });
      const completion = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hi" }] });
      expect(completion.usage?.prompt_tokens).toBe(1200);
      const stream = await client.chat.completions.create({ model: MODEL, messages: [{ role: "user", content: "Hi" }], stream: true, stream_options: { include_usage: true } });
      for await (const chunk of stream) void chunk;

      for (let i = 0; i < 100 && memory.getFinishedSpans().length < 2; i++) await new Promise((r) => setTimeout(r, 20));
      await provider.forceFlush();
    } finally {
      instrumentation.disable();
    }

    const spans = memory.getFinishedSpans();
    expect(spans).toHaveLength(2);
    expect(spans[0].attributes).toMatchObject({ "gen_ai.system": "openai", "gen_ai.usage.input_tokens": 1200 });

    const rows = await prisma.usageEvent.findMany({ where: { orgId: org.id }, include: { project: true }, orderBy: { inputUncachedTokens: "desc" } });
    expect(rows.map((r) => r.eventId)).toEqual(spans.map((s) => `otel-${s.spanContext().traceId}-${s.spanContext().spanId}`));
    // 1,200 × $2.50 + 345 × $10 per million = $0.00645; streamed: 80 × $2.50 + 20 × $10 = $0.0004.
    expect(rows.map((r) => [r.provider, r.model, Number(r.inputUncachedTokens), Number(r.outputTokens), r.costUsd?.toString(), r.success, r.project?.key])).toEqual([
      ["openai", MODEL, 1200, 345, "0.00645", true, "assistant"],
      ["openai", MODEL, 80, 20, "0.0004", true, "assistant"],
    ]);
    // server.address is kept as metadata, and redacted like any metadata (it is an IP address).
    expect(rows[0].metadata).toMatchObject({ "service.name": "openai-app", "gen_ai.operation.name": "chat", "server.address": "[REDACTED:ip]" });

    // The exporter sending the same spans again (a retry): accepted, counted once.
    const replay = await new Promise<{ code: number }>((resolve) => exporter.export(spans, resolve));
    expect(replay.code).toBe(0);
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(2);
    const rollup = await prisma.dailyRollup.aggregate({ where: { orgId: org.id }, _sum: { requests: true, costUsd: true } });
    expect(rollup._sum.requests).toBe(BigInt(2));
    expect(rollup._sum.costUsd?.toString()).toBe("0.00685");
    await provider.shutdown();
  });
});
