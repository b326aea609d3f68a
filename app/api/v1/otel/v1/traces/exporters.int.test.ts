// The receiver against the real OpenTelemetry JS SDK and OTLP/HTTP exporters (JSON and protobuf),
// served over HTTP on 127.0.0.1 by the test harness that hosts the route handlers.
import type { AddressInfo } from "node:net";
import { SpanStatusCode, type Attributes } from "@opentelemetry/api";
import { OTLPTraceExporter as OTLPJsonExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { OTLPTraceExporter as OTLPProtoExporter } from "@opentelemetry/exporter-trace-otlp-proto";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from "@opentelemetry/sdk-trace";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/server/api-keys";
import { useTestDatabase } from "@/test/database";
import { importTestPrice, makeOrg, SYSTEM } from "@/test/fixtures";
import { createApiServer } from "@/test/http-server";

const testDb = await useTestDatabase();
const prisma = testDb.prisma;

await importTestPrice({ provider: "openai", model: "otel-exp-gpt", inputPerMtok: "2.5", cachedInputPerMtok: "1.25", outputPerMtok: "10" });

const server = createApiServer();
/** What each exporter put on the wire. */
const seen: { type?: string; encoding?: string }[] = [];
server.on("request", (req) => seen.push({ type: req.headers["content-type"], encoding: req.headers["content-encoding"] }));
let endpoint = "";
beforeAll(async () => {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/otel/v1/traces`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

async function newKey() {
  const org = await makeOrg();
  return { org, key: (await createApiKey(SYSTEM, { orgId: org.id })).key };
}

/** Runs `calls` under a real TracerProvider and returns the finished spans. */
async function record(calls: { name: string; attributes: Attributes; error?: string }[], resource: Attributes, exporter?: SpanExporter): Promise<ReadableSpan[]> {
  const memory = new InMemorySpanExporter();
  const provider = new TracerProvider({
    resource: resourceFromAttributes(resource),
    spanProcessors: [new SimpleSpanProcessor({ exporter: memory }), ...(exporter ? [new SimpleSpanProcessor({ exporter })] : [])],
  });
  const tracer = provider.getTracer("spendline-exporter-test");
  for (const call of calls) {
    const span = tracer.startSpan(call.name, { attributes: call.attributes });
    if (call.error) span.setStatus({ code: SpanStatusCode.ERROR, message: call.error });
    span.end();
  }
  await provider.forceFlush();
  const spans = memory.getFinishedSpans();
  await provider.shutdown();
  return spans;
}

function exportWith(exporter: SpanExporter, spans: ReadableSpan[]): Promise<{ code: number; error?: Error }> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

const CALLS = [
  { name: "chat otel-exp-gpt", attributes: { "gen_ai.provider.name": "openai", "gen_ai.request.model": "otel-exp-gpt", "gen_ai.usage.input_tokens": 1000, "gen_ai.usage.cache_read.input_tokens": 200, "gen_ai.usage.output_tokens": 300, "spendline.user": "u-1" } },
  { name: "chat otel-exp-gpt", attributes: { "gen_ai.system": "openai", "gen_ai.request.model": "otel-exp-gpt", "gen_ai.usage.prompt_tokens": 500, "gen_ai.usage.completion_tokens": 50 }, error: "rate limited" },
  { name: "GET /health", attributes: { "http.request.method": "GET" } },
];
// 800 × $2.50 + 200 × $1.25 + 300 × $10 = $0.00525; 500 × $2.50 + 50 × $10 = $0.00175 (per million).
const EXPECTED_COST = { otel: "0.00525", failed: "0.00175" };

async function expectRecorded(orgId: string, spans: ReadableSpan[]) {
  const rows = await prisma.usageEvent.findMany({ where: { orgId } });
  expect(rows).toHaveLength(2);
  const byId = new Map(rows.map((r) => [r.eventId, r]));
  const [ok, failed] = spans.map((s) => byId.get(`otel-${s.spanContext().traceId}-${s.spanContext().spanId}`));
  expect(ok).toMatchObject({ provider: "openai", model: "otel-exp-gpt", inputUncachedTokens: 800n, cacheReadTokens: 200n, outputTokens: 300n, success: true });
  expect(ok!.costUsd?.toString()).toBe(EXPECTED_COST.otel);
  expect(ok!.metadata).toEqual({ "service.name": "exporter-test" });
  expect(failed).toMatchObject({ success: false, error: "rate limited", inputUncachedTokens: 500n, outputTokens: 50n });
  expect(failed!.costUsd?.toString()).toBe(EXPECTED_COST.failed);
  const user = await prisma.endUser.findFirstOrThrow({ where: { orgId, externalId: "u-1" } });
  expect(ok!.endUserId).toBe(user.id);
}

describe("real OTLP/HTTP exporters against the receiver", () => {
  it("@opentelemetry/exporter-trace-otlp-http (JSON, gzip) configured only by the OTEL_EXPORTER_OTLP_TRACES_* variables", async () => {
    const { org, key } = await newKey();
    const saved = { ...process.env };
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT = endpoint;
    process.env.OTEL_EXPORTER_OTLP_TRACES_HEADERS = `Authorization=Bearer ${key}`;
    process.env.OTEL_EXPORTER_OTLP_TRACES_COMPRESSION = "gzip";
    let exporter: OTLPJsonExporter;
    try {
      exporter = new OTLPJsonExporter();
    } finally {
      process.env = saved;
    }
    seen.length = 0;
    const spans = await record(CALLS, { "service.name": "exporter-test" }, exporter);
    await expectRecorded(org.id, spans);
    expect(seen).toContainEqual({ type: "application/json", encoding: "gzip" });
    // The exporter retrying the same spans: accepted again, counted once.
    expect((await exportWith(exporter, spans)).code).toBe(0);
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(2);
    await exporter.shutdown();
  });

  it("@opentelemetry/exporter-trace-otlp-proto (protobuf); replays through the JSON exporter count once", async () => {
    const { org, key } = await newKey();
    const headers = { Authorization: `Bearer ${key}` };
    const proto = new OTLPProtoExporter({ url: endpoint, headers });
    const spans = await record(CALLS, { "service.name": "exporter-test" });
    seen.length = 0;
    expect(await exportWith(proto, spans)).toEqual({ code: 0 });
    expect(seen).toEqual([{ type: "application/x-protobuf", encoding: undefined }]);
    await expectRecorded(org.id, spans);
    const json = new OTLPJsonExporter({ url: endpoint, headers });
    expect((await exportWith(proto, spans)).code).toBe(0);
    expect((await exportWith(json, spans)).code).toBe(0);
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(2);
    await Promise.all([proto.shutdown(), json.shutdown()]);
  });

  it("an exporter with a wrong key fails its export and records nothing", async () => {
    const { org } = await newKey();
    const proto = new OTLPProtoExporter({ url: endpoint, headers: { Authorization: "Bearer spl_wrong" } });
    const spans = await record(CALLS, { "service.name": "exporter-test" });
    expect((await exportWith(proto, spans)).code).toBe(1);
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(0);
    await proto.shutdown();
  });
});
