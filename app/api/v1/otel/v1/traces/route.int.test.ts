import { gzipSync } from "node:zlib";
import { afterAll, describe, expect, it } from "vitest";
import { openDatabase, setDatabase } from "@/lib/db/client";
import { decodeTraceResponse } from "@/lib/otel/decode";
import type { PriceImportEntry } from "@/lib/server/pricing/versions";
import { createApiKey } from "@/lib/server/api-keys";
import { backgroundWorkSettled } from "@/lib/server/budgets/background";
import { setBudget } from "@/lib/server/budgets/manage";
import { importPrices } from "@/lib/server/pricing";
import { verifyRollups } from "@/lib/server/rollups";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { completeSpan, otlpJson, otlpProtobuf, type TestResourceSpans, type TestSpan } from "@/test/otlp";
import { GET as budgets } from "../../../budgets/route";
import { GET as openapi } from "../../../openapi.json/route";
import { GET as summary } from "../../../usage/summary/route";
import { POST } from "./route";

const testDb = await useTestDatabase();
const prisma = testDb.prisma;
// Budget alerts run after the response; let them finish before the database closes.
afterAll(backgroundWorkSettled);

const DAY = 86_400_000;
const MiB = 1024 * 1024;

function price(provider: string, model: string, rates: Partial<PriceImportEntry> & { inputPerMtok: string; outputPerMtok: string }): PriceImportEntry {
  return { provider, model, aliases: [], cachedInputPerMtok: null, cacheWritePerMtok: null, perRequest: null, ...rates, effectiveFrom: new Date("2024-01-01T00:00:00Z") };
}

await importPrices(
  SYSTEM,
  [
    price("openai", "otel-gpt", { inputPerMtok: "2.5", cachedInputPerMtok: "1.25", outputPerMtok: "10" }),
    price("anthropic", "otel-claude", { inputPerMtok: "3", cachedInputPerMtok: "0.3", cacheWritePerMtok: "3.75", outputPerMtok: "15" }),
    price("google", "otel-gemini", { inputPerMtok: "1.25", cachedInputPerMtok: "0.125", outputPerMtok: "10" }),
  ],
  { source: "test" },
);

async function newKey() {
  const org = await makeOrg();
  const { key } = await createApiKey(SYSTEM, { orgId: org.id });
  return { org, key };
}

type Encoding = "json" | "protobuf";
const CONTENT_TYPE: Record<Encoding, string> = { json: "application/json", protobuf: "application/x-protobuf" };

function bodyOf(resourceSpans: TestResourceSpans[], encoding: Encoding): Uint8Array<ArrayBuffer> {
  const json = otlpJson(resourceSpans);
  return encoding === "json" ? new TextEncoder().encode(JSON.stringify(json)) : otlpProtobuf(json);
}

function post(key: string | null, body: Uint8Array<ArrayBuffer> | string, headers: Record<string, string> = {}) {
  const h: Record<string, string> = { ...headers };
  if (key) h.authorization = `Bearer ${key}`;
  return POST(new Request("http://localhost/api/v1/otel/v1/traces", { method: "POST", headers: h, body }), undefined);
}

function send(key: string, resourceSpans: TestResourceSpans[], encoding: Encoding = "json", opts: { gzip?: boolean } = {}) {
  const body = bodyOf(resourceSpans, encoding);
  return post(key, opts.gzip ? new Uint8Array(gzipSync(body)) : body, { "content-type": CONTENT_TYPE[encoding], ...(opts.gzip ? { "content-encoding": "gzip" } : {}) });
}

async function answer(res: Response, encoding: Encoding) {
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toBe(CONTENT_TYPE[encoding]);
  const bytes = new Uint8Array(await res.arrayBuffer());
  return encoding === "json" ? JSON.parse(new TextDecoder().decode(bytes)) : decodeTraceResponse(bytes);
}

const eventId = (s: TestSpan) => `otel-${s.traceId}-${s.spanId}`;
const events = (orgId: string) => prisma.usageEvent.findMany({ where: { orgId }, orderBy: { eventId: "asc" } });

function gptSpan(extra: Record<string, string | number> = {}): TestSpan {
  return completeSpan({
    attributes: { "gen_ai.system": "openai", "gen_ai.request.model": "otel-gpt", "gen_ai.usage.input_tokens": 1000, "gen_ai.usage.output_tokens": 100, ...extra },
  });
}

describe("POST /api/v1/otel/v1/traces: status codes", () => {
  const main = newKey();

  it("401 without a key or with a wrong one", async () => {
    const body = bodyOf([{ spans: [gptSpan()] }], "json");
    for (const key of [null, "spl_zzzzzzzz_0123456789abcdefghijABCDEFGHIJ0123456789"]) {
      const res = await post(key, body, { "content-type": "application/json" });
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("unauthorized");
    }
  });

  it("415 for another content type or content encoding", async () => {
    const { key } = await main;
    const body = bodyOf([{ spans: [gptSpan()] }], "json");
    const cases: Record<string, string>[] = [{}, { "content-type": "text/plain" }, { "content-type": "application/json", "content-encoding": "br" }];
    for (const headers of cases) {
      const res = await post(key, body, headers);
      expect(res.status).toBe(415);
      expect((await res.json()).error.code).toBe("unsupported_media_type");
    }
  });

  it("400 for a body that does not decode (protobuf, JSON, gzip)", async () => {
    const { key, org } = await main;
    const cases: [string | Uint8Array<ArrayBuffer>, Record<string, string>][] = [
      [new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), { "content-type": "application/x-protobuf" }],
      ['{"resourceSpans": [', { "content-type": "application/json" }],
      ['{"resourceSpans": {}}', { "content-type": "application/json" }],
      ["not gzip", { "content-type": "application/json", "content-encoding": "gzip" }],
    ];
    for (const [body, headers] of cases) {
      const res = await post(key, body, headers);
      expect(res.status).toBe(400);
      expect((await res.json()).error).toMatchObject({ code: expect.stringMatching(/^(bad_request|invalid_json)$/), message: expect.any(String) });
    }
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("413 for a body over 5 MiB, declared, streamed, or once decompressed (a gzip bomb is cut off quickly)", async () => {
    const { key, org } = await main;
    const huge = new Uint8Array(5 * MiB + 1);
    expect((await post(key, huge, { "content-type": "application/x-protobuf", "content-length": String(huge.length) })).status).toBe(413);
    expect((await post(key, huge, { "content-type": "application/x-protobuf" })).status).toBe(413);
    // A JSON request padded past 5 MiB, compressed to a few kilobytes.
    const padded = JSON.stringify({ ...otlpJson([{ spans: [gptSpan()] }]), padding: " ".repeat(5 * MiB) });
    const small = new Uint8Array(gzipSync(padded));
    expect(small.length).toBeLessThan(64 * 1024);
    const res = await post(key, small, { "content-type": "application/json", "content-encoding": "gzip" });
    expect(res.status).toBe(413);
    expect((await res.json()).error.code).toBe("payload_too_large");
    const bomb = new Uint8Array(Buffer.concat(Array(64).fill(gzipSync(Buffer.alloc(16 * MiB)))));
    const started = Date.now();
    expect((await post(key, bomb, { "content-type": "application/x-protobuf", "content-encoding": "gzip" })).status).toBe(413);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("503 with Retry-After when the database is down; the exporter's retry then counts once", async () => {
    const { key, org } = await newKey();
    const spans = [gptSpan()];
    const down = await openDatabase({ url: "postgres://postgres@127.0.0.1:9/spendline_down", poolSize: 1 });
    setDatabase(down);
    try {
      const res = await send(key, [{ spans }], "protobuf");
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
    } finally {
      setDatabase(testDb);
      await down.close();
    }
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(0);
    await answer(await send(key, [{ spans }], "protobuf"), "protobuf");
    await answer(await send(key, [{ spans }], "protobuf"), "protobuf");
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(1);
  });
});

describe.each(["json", "protobuf"] as const)("POST /api/v1/otel/v1/traces (%s)", (encoding) => {
  it("turns GenAI spans into priced usage events with every mapped field; other spans are skipped", async () => {
    const { org, key } = await newKey();
    // One clock reading: two could straddle a millisecond and make the duration 1,501 ms.
    const now = Date.now();
    const chat = completeSpan({
      startMs: now - 2500,
      endMs: now - 1000,
      attributes: {
        "gen_ai.provider.name": "anthropic",
        "gen_ai.request.model": "otel-claude",
        "gen_ai.response.model": "otel-claude-20260101",
        "gen_ai.usage.input_tokens": 10_000,
        "gen_ai.usage.cache_read.input_tokens": 4000,
        "gen_ai.usage.cache_creation.input_tokens": 1000,
        "gen_ai.usage.output_tokens": 2000,
        "gen_ai.usage.reasoning.output_tokens": 500,
        "gen_ai.usage.cost": 1,
        "spendline.category": "document_analysis",
        "gen_ai.response.id": "msg_1",
        note: "mail jane.doe@example.com for access",
      },
    });
    const legacy = completeSpan({ attributes: { "gen_ai.system": "gcp.gemini", "gen_ai.request.model": "otel-gemini", "gen_ai.usage.prompt_tokens": 2000, "gen_ai.usage.completion_tokens": 300 } });
    const failed = completeSpan({ status: { code: 2, message: "upstream 500" }, attributes: { "gen_ai.system": "openai", "gen_ai.request.model": "otel-gpt", "gen_ai.usage.input_tokens": 100, "gen_ai.usage.output_tokens": 0 } });
    const http = completeSpan({ attributes: { "http.request.method": "POST" } });

    const res = await send(key, [{ resource: { "service.name": "billing-api", "spendline.project": "billing", "spendline.user": "alice", "spendline.document": "doc-9" }, spans: [chat, legacy, failed, http] }], encoding, { gzip: encoding === "json" });
    expect(await answer(res, encoding)).toEqual({});

    const rows = await events(org.id);
    expect(rows).toHaveLength(3);
    const byId = new Map(rows.map((r) => [r.eventId, r]));
    const c = byId.get(eventId(chat))!;
    // (10,000 − 4,000 − 1,000) × $3 + 4,000 × $0.30 + 1,000 × $3.75 + 2,000 × $15, per million.
    expect(c.costUsd?.toString()).toBe("0.04995");
    expect(c.clientCostUsd?.toString()).toBe("1");
    expect(c).toMatchObject({ provider: "anthropic", model: "otel-claude-20260101", inputUncachedTokens: 5000n, cacheReadTokens: 4000n, cacheWriteTokens: 1000n, outputTokens: 2000n, reasoningTokens: 500n, durationMs: 1500, success: true, category: "document_analysis", documentRef: "doc-9" });
    expect(c.occurredAt.toISOString()).toBe(new Date(chat.endMs!).toISOString());
    expect(c.metadata).toEqual({ "service.name": "billing-api", "gen_ai.response.id": "msg_1", note: "mail [REDACTED:email] for access" });

    const g = byId.get(eventId(legacy))!;
    expect(g).toMatchObject({ provider: "google", model: "otel-gemini", inputUncachedTokens: 2000n, outputTokens: 300n });
    expect(g.costUsd?.toString()).toBe("0.0055");
    const f = byId.get(eventId(failed))!;
    expect(f).toMatchObject({ success: false, error: "upstream 500", provider: "openai" });
    expect(f.costUsd?.toString()).toBe("0.00025");

    const project = await prisma.project.findFirstOrThrow({ where: { orgId: org.id, key: "billing" } });
    const user = await prisma.endUser.findFirstOrThrow({ where: { orgId: org.id, externalId: "alice" } });
    expect(rows.every((r) => r.projectId === project.id && r.endUserId === user.id)).toBe(true);
  });

  it("counts replayed spans once, also when the other encoding replays them, and keeps roll-ups and budgets exact", async () => {
    const { org, key } = await newKey();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "100", mode: "soft" });
    const spans = [gptSpan(), gptSpan({ "gen_ai.usage.cache_read.input_tokens": 400 })];
    const other: Encoding = encoding === "json" ? "protobuf" : "json";
    for (const enc of [encoding, encoding, other]) expect(await answer(await send(key, [{ spans }], enc), enc)).toEqual({});
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(2);

    const totals = await (await summary(new Request("http://localhost/api/v1/usage/summary", { headers: { authorization: `Bearer ${key}` } }), undefined)).json();
    // 1,000 in + 100 out at $2.50 / $10: $0.0035; with 400 cached: 600 × 2.5 + 400 × 1.25 + 100 × 10 = $0.003.
    expect(totals.total).toMatchObject({ cost_usd: "0.0065", requests: 2, input_tokens: 2000, output_tokens: 200, cache_read_tokens: 400 });
    const { budgets: [budget] } = await (await budgets(new Request("http://localhost/api/v1/budgets", { headers: { authorization: `Bearer ${key}` } }), undefined)).json();
    expect(budget.spent_usd).toBe("0.0065");
    expect((await verifyRollups()).drift).toEqual([]);
  });

  it("counts a span once when 10 copies of the export arrive at the same moment", async () => {
    const { org, key } = await newKey();
    const spans = [gptSpan(), gptSpan()];
    const answers = await Promise.all(Array.from({ length: 10 }, () => send(key, [{ spans }], encoding)));
    for (const res of answers) expect(await answer(res, encoding)).toEqual({});
    expect(await prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(2);
    const totals = await (await summary(new Request("http://localhost/api/v1/usage/summary", { headers: { authorization: `Bearer ${key}` } }), undefined)).json();
    expect(totals.total).toMatchObject({ cost_usd: "0.007", requests: 2 });
  });

  it("answers partialSuccess for invalid spans while the valid ones land", async () => {
    const { org, key } = await newKey();
    const good = gptSpan();
    const old = completeSpan({ endMs: Date.now() - 40 * DAY, attributes: { "gen_ai.usage.input_tokens": 1 } });
    const badCounts = completeSpan({ attributes: { "gen_ai.usage.input_tokens": 10, "gen_ai.usage.cache_read.input_tokens": 11 } });
    const badId = completeSpan({ spanId: "0000000000000000", attributes: { "gen_ai.usage.input_tokens": 1 } });
    const badProject = completeSpan({ attributes: { "gen_ai.usage.input_tokens": 1, "spendline.project": "Not A Key!" } });
    const res = await send(key, [{ spans: [good, old, badCounts, badId, badProject, completeSpan({ attributes: {} })] }], encoding);
    const { partialSuccess } = await answer(res, encoding);
    expect(partialSuccess.rejectedSpans).toBe(4);
    expect(partialSuccess.errorMessage).toContain(`${eventId(old)}: timestamp is more than 35 days in the past.`);
    expect(partialSuccess.errorMessage).toContain(eventId(badCounts));
    expect(partialSuccess.errorMessage).toContain("invalid trace id or span id");
    expect(partialSuccess.errorMessage).toContain(eventId(badProject));
    expect((await events(org.id)).map((r) => r.eventId)).toEqual([eventId(good)]);

    // The same span id sent again with other usage is a conflict: rejected, the first one kept.
    const changed = { ...good, attributes: { ...good.attributes, "gen_ai.usage.output_tokens": 999 } };
    const again = await answer(await send(key, [{ spans: [changed] }], encoding), encoding);
    expect(again.partialSuccess).toMatchObject({ rejectedSpans: 1, errorMessage: expect.stringContaining("different body") });
    expect((await events(org.id))[0].outputTokens).toBe(100n);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("documents the OTLP receiver with both encodings", async () => {
    const doc = await openapi().json();
    const post = doc.paths["/api/v1/otel/v1/traces"].post;
    expect(Object.keys(post.requestBody.content)).toEqual(["application/x-protobuf", "application/json"]);
    expect(Object.keys(post.responses)).toEqual(expect.arrayContaining(["200", "400", "401", "413", "415", "429", "503"]));
  });
});
