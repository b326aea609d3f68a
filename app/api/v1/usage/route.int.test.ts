import { describe, expect, it } from "vitest";
import { createApiKey, revokeApiKey } from "@/lib/server/api-keys";
import { importPrices, listUnpricedModels, type PriceImportEntry } from "@/lib/server/pricing";
import { verifyRollups } from "@/lib/server/rollups";
import { REDACTION_CORPUS } from "@/lib/redaction.corpus";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM, uniq } from "@/test/fixtures";
import { GET as openapi } from "../openapi.json/route";
import { POST } from "./route";
import { GET as summary } from "./summary/route";

const testDb = await useTestDatabase();
const prisma = async () => testDb.prisma;

const DAY = 86_400_000;
const now = Date.now();
const daysAgo = (n: number) => new Date(now - n * DAY).toISOString();

function price(provider: string, model: string, rates: Partial<PriceImportEntry> & { inputPerMtok: string; outputPerMtok: string }, effectiveFrom: Date): PriceImportEntry {
  return { provider, model, aliases: [], cachedInputPerMtok: null, cacheWritePerMtok: null, perRequest: null, ...rates, effectiveFrom };
}

await importPrices(
  SYSTEM,
  [
    price("openai", "tst-gpt", { inputPerMtok: "2.5", cachedInputPerMtok: "1.25", outputPerMtok: "10" }, new Date("2024-01-01T00:00:00Z")),
    price("anthropic", "tst-claude", { inputPerMtok: "3", cachedInputPerMtok: "0.3", cacheWritePerMtok: "3.75", outputPerMtok: "15" }, new Date("2024-01-01T00:00:00Z")),
    price("mistral", "tst-change", { inputPerMtok: "1", outputPerMtok: "2" }, new Date("2024-01-01T00:00:00Z")),
    price("mistral", "tst-change", { inputPerMtok: "4", outputPerMtok: "8", perRequest: "0.001" }, new Date(now - 2 * DAY)),
  ],
  { source: "test" },
);

async function newKey(opts: { projectKey?: string; storeContent?: boolean } = {}) {
  const org = await makeOrg();
  if (opts.storeContent === false) await (await prisma()).organization.update({ where: { id: org.id }, data: { storeContent: false } });
  const created = await createApiKey(SYSTEM, { orgId: org.id, projectKey: opts.projectKey });
  return { org, key: created.key, prefix: created.prefix };
}

const main = await newKey({ projectKey: "default-project" });

function post(body: unknown, opts: { key?: string | null; contentType?: string | null; raw?: string | Uint8Array<ArrayBuffer>; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...(opts.headers ?? {}) };
  const key = opts.key === undefined ? main.key : opts.key;
  if (key) headers.authorization = `Bearer ${key}`;
  const contentType = opts.contentType === undefined ? "application/json" : opts.contentType;
  if (contentType) headers["content-type"] = contentType;
  return POST(new Request("http://localhost/api/v1/usage", { method: "POST", headers, body: opts.raw ?? JSON.stringify(body) }), undefined);
}

function getSummary(query: string, key = main.key) {
  return summary(new Request(`http://localhost/api/v1/usage/summary${query}`, { headers: { authorization: `Bearer ${key}` } }), undefined);
}

async function eventRow(orgId: string, eventId: string) {
  return (await prisma()).usageEvent.findUniqueOrThrow({ where: { orgId_eventId: { orgId, eventId } } });
}

describe("POST /api/v1/usage: status codes", () => {
  it("401 for a missing, unknown, malformed or revoked key, all with the same answer", async () => {
    const revoked = await newKey();
    await revokeApiKey(SYSTEM, revoked.prefix);
    const answers = [];
    for (const key of [null, "spl_zzzzzzzz_0123456789abcdefghijABCDEFGHIJ0123456789", "not-a-key", revoked.key]) {
      const res = await post({ event_id: uniq("e") }, { key });
      expect(res.status).toBe(401);
      answers.push(await res.json());
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).toEqual({ error: { code: "unauthorized", message: expect.any(String) } });
  });

  it("415 without a content type or with another one; a charset parameter is fine", async () => {
    expect((await post({ event_id: uniq("e") }, { contentType: null })).status).toBe(415);
    const res = await post({ event_id: uniq("e") }, { contentType: "text/plain" });
    expect(res.status).toBe(415);
    expect((await res.json()).error.code).toBe("unsupported_media_type");
    expect((await post({ event_id: uniq("e") }, { contentType: "application/json; charset=utf-8" })).status).toBe(200);
  });

  it("400 for malformed JSON", async () => {
    const res = await post(null, { raw: '{"event_id": "x",' });
    expect(res.status).toBe(400);
    expect((await res.json()).error.code).toBe("invalid_json");
  });

  it("413 for a body over 5 MiB (declared or streamed) and for more than 1,000 events", async () => {
    const big = JSON.stringify({ event_id: "big", prompt: "x".repeat(5 * 1024 * 1024) });
    const declared = await post(null, { raw: big, headers: { "content-length": String(Buffer.byteLength(big)) } });
    expect(declared.status).toBe(413);
    const streamed = await post(null, { raw: new TextEncoder().encode(big) });
    expect(streamed.status).toBe(413);
    const tooMany = await post({ events: Array.from({ length: 1001 }, (_, i) => ({ event_id: `many-${i}` })) });
    expect(tooMany.status).toBe(413);
    expect((await tooMany.json()).error.code).toBe("payload_too_large");
    expect(await (await prisma()).usageEvent.count({ where: { orgId: main.org.id, eventId: { startsWith: "many-" } } })).toBe(0);
  });

  it("422 for an invalid single event, with the error shape naming the field", async () => {
    const res = await post({ event_id: uniq("e"), input_tokens: 10, cache_read_tokens: 11 });
    expect(res.status).toBe(422);
    const body = await res.json();
    expect(body.error).toMatchObject({ code: "validation_failed", details: { field: "cache_read_tokens" } });
    expect(body.error.message).toMatch(/cache_read_tokens/);
    expect((await post({ input_tokens: 1 })).status).toBe(422);
  });

  it("200 with the exact result shape for a valid single event; the organization field is ignored", async () => {
    const other = await makeOrg();
    const id = uniq("e");
    const res = await post({ event_id: id, provider: "openai", model: "tst-gpt", input_tokens: 1000, output_tokens: 100, organization: other.id, org_id: other.id });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ results: [{ event_id: id, status: "created", cost_usd: "0.0035", priced: true, budget_override: false, over_budget: false }] });
    const row = await eventRow(main.org.id, id);
    expect(row.orgId).toBe(main.org.id);
    expect(await (await prisma()).usageEvent.count({ where: { orgId: other.id } })).toBe(0);
  });

  it("207 for a batch with rejected events; valid siblings still land", async () => {
    const ok1 = uniq("b");
    const ok2 = uniq("b");
    const res = await post({ events: [{ event_id: ok1, model: "tst-gpt", input_tokens: 1 }, { event_id: uniq("b"), output_tokens: -1 }, "nope", { event_id: ok2 }] });
    expect(res.status).toBe(207);
    const { results } = await res.json();
    expect(results.map((r: { status: string }) => r.status)).toEqual(["created", "rejected", "rejected", "created"]);
    expect(results[1]).toMatchObject({ cost_usd: null, priced: false, budget_override: false, over_budget: false, error: { code: "validation_failed" } });
    expect(results[1].error.message).toMatch(/^output_tokens/);
    expect(results[2].event_id).toBeNull();
    await eventRow(main.org.id, ok1);
    await eventRow(main.org.id, ok2);
  });

  it("200 for a batch where nothing is rejected, duplicates included", async () => {
    const id = uniq("b");
    const res = await post({ events: [{ event_id: id, model: "tst-gpt" }, { model: "tst-gpt", event_id: id }] });
    expect(res.status).toBe(200);
    expect((await res.json()).results.map((r: { status: string }) => r.status)).toEqual(["created", "duplicate"]);
  });

  it("409 for the same event_id with another body; a batch rejects it with code conflict", async () => {
    const id = uniq("c");
    expect((await post({ event_id: id, input_tokens: 5 })).status).toBe(200);
    const res = await post({ event_id: id, input_tokens: 6 });
    expect(res.status).toBe(409);
    expect((await res.json()).error.code).toBe("conflict");
    const batch = await post({ events: [{ event_id: id, input_tokens: 7 }, { event_id: uniq("c") }] });
    expect(batch.status).toBe(207);
    const { results } = await batch.json();
    expect(results[0]).toMatchObject({ status: "rejected", error: { code: "conflict" } });
    expect(results[1].status).toBe("created");
    const inBatch = uniq("c");
    const same = await post({ events: [{ event_id: inBatch, input_tokens: 1 }, { event_id: inBatch, input_tokens: 2 }] });
    expect((await same.json()).results.map((r: { status: string; error?: { code: string } }) => r.error?.code ?? r.status)).toEqual(["created", "conflict"]);
  });
});

describe("exactly once", () => {
  it("a replay returns the original result, even after the price changed", async () => {
    const { key, org } = await newKey();
    const event = { event_id: "replay-1", provider: "openai", model: "tst-replay", input_tokens: 1_000_000 };
    await importPrices(SYSTEM, [price("openai", "tst-replay", { inputPerMtok: "1", outputPerMtok: "1" }, new Date("2024-01-01T00:00:00Z"))], { source: "test" });
    const first = await (await post(event, { key })).json();
    expect(first.results[0]).toMatchObject({ status: "created", cost_usd: "1" });
    await importPrices(SYSTEM, [price("openai", "tst-replay", { inputPerMtok: "9", outputPerMtok: "9" }, new Date("2024-01-01T00:00:00Z"))], { source: "test" });
    const replay = await post({ input_tokens: 1_000_000, model: "tst-replay", provider: "openai", event_id: "replay-1", unknown_field: 1 }, { key });
    expect(replay.status).toBe(200);
    expect((await replay.json()).results[0]).toEqual({ ...first.results[0], status: "duplicate" });
    expect(await (await prisma()).usageEvent.count({ where: { orgId: org.id } })).toBe(1);
  });

  it("50 simultaneous copies make one row and count once in the roll-ups", async () => {
    const { key, org } = await newKey();
    const event = { event_id: "same-50", provider: "anthropic", model: "tst-claude", input_tokens: 100, output_tokens: 10 };
    const responses = await Promise.all(Array.from({ length: 50 }, () => post(event, { key })));
    expect(responses.map((r) => r.status)).toEqual(Array(50).fill(200));
    const statuses = await Promise.all(responses.map(async (r) => (await r.json()).results[0].status));
    expect(statuses.filter((s) => s === "created")).toHaveLength(1);
    expect(statuses.filter((s) => s === "duplicate")).toHaveLength(49);
    const db = await prisma();
    expect(await db.usageEvent.count({ where: { orgId: org.id } })).toBe(1);
    const daily = await db.dailyRollup.findMany({ where: { orgId: org.id } });
    expect(daily.map((d) => d.requests)).toEqual([1n]);
    const monthly = await db.monthlyRollup.findMany({ where: { orgId: org.id } });
    expect(monthly.map((d) => d.requests)).toEqual([1n]);
  });
});

describe("pricing", () => {
  it("prices OpenAI Chat Completions usage with cached input and reasoning exactly", async () => {
    const id = uniq("p");
    const usage = { prompt_tokens: 2006, completion_tokens: 300, total_tokens: 2306, prompt_tokens_details: { cached_tokens: 1920 }, completion_tokens_details: { reasoning_tokens: 192 } };
    const { results } = await (await post({ event_id: id, provider: "openai", model: "tst-gpt", usage })).json();
    // 86 × 2.5 + 1920 × 1.25 + 300 × 10 = 215 + 2400 + 3000 = 5615 per million
    expect(results[0].cost_usd).toBe("0.005615");
    const row = await eventRow(main.org.id, id);
    expect(row).toMatchObject({ inputUncachedTokens: 86n, cacheReadTokens: 1920n, cacheWriteTokens: 0n, outputTokens: 300n, reasoningTokens: 192n });
    expect(row.rawUsage).toEqual(usage);
  });

  it("prices OpenAI Responses usage exactly", async () => {
    const usage = { input_tokens: 328, input_tokens_details: { cached_tokens: 128 }, output_tokens: 52, output_tokens_details: { reasoning_tokens: 40 }, total_tokens: 380 };
    const { results } = await (await post({ event_id: uniq("p"), provider: "openai", model: "tst-gpt-2025-01-01", usage })).json();
    // 200 × 2.5 + 128 × 1.25 + 52 × 10 = 500 + 160 + 520 = 1180 per million
    expect(results[0].cost_usd).toBe("0.00118");
  });

  it("prices Anthropic usage with cache reads and writes exactly (input_tokens exclude them)", async () => {
    const id = uniq("p");
    const usage = { input_tokens: 50, cache_creation_input_tokens: 1000, cache_read_input_tokens: 2000, output_tokens: 400 };
    const { results } = await (await post({ event_id: id, provider: "anthropic", model: "tst-claude-20250514", usage })).json();
    // 50 × 3 + 2000 × 0.3 + 1000 × 3.75 + 400 × 15 = 150 + 600 + 3750 + 6000 = 10500 per million
    expect(results[0].cost_usd).toBe("0.0105");
    const row = await eventRow(main.org.id, id);
    expect(row).toMatchObject({ inputUncachedTokens: 50n, cacheReadTokens: 2000n, cacheWriteTokens: 1000n, outputTokens: 400n });
    expect(row.costUsd?.toString()).toBe("0.0105");
  });

  it("prices native fields the same way, and a failed call from its tokens", async () => {
    const id = uniq("p");
    const { results } = await (
      await post({ event_id: id, model: "tst-claude", input_tokens: 3050, cache_read_tokens: 2000, cache_write_tokens: 1000, output_tokens: 400, reasoning_tokens: 100, success: false, error: "timeout" })
    ).json();
    expect(results[0].cost_usd).toBe("0.0105");
    expect((await eventRow(main.org.id, id)).success).toBe(false);
  });

  it("prices each event by the version in force at its timestamp and keeps that version", async () => {
    const before = uniq("p");
    const after = uniq("p");
    const res = await post({
      events: [
        { event_id: before, provider: "mistral", model: "tst-change", timestamp: daysAgo(3), input_tokens: 1_000_000, output_tokens: 1_000_000 },
        { event_id: after, provider: "mistral", model: "tst-change", timestamp: daysAgo(1), input_tokens: 1_000_000, output_tokens: 1_000_000 },
      ],
    });
    const { results } = await res.json();
    expect(results.map((r: { cost_usd: string }) => r.cost_usd)).toEqual(["3", "12.001"]);
    const db = await prisma();
    const versions = await db.modelPrice.findMany({ where: { model: "tst-change" }, orderBy: { effectiveFrom: "asc" } });
    expect((await eventRow(main.org.id, before)).priceId).toBe(versions[0].id);
    expect((await eventRow(main.org.id, after)).priceId).toBe(versions[1].id);
  });

  it("stores an unknown model unpriced (cost null, never $0) and lists it", async () => {
    const id = uniq("p");
    const { results } = await (await post({ event_id: id, provider: "acme", model: "acme-9000", input_tokens: 10, cost_usd: "0.5" })).json();
    expect(results[0]).toMatchObject({ status: "created", priced: false, cost_usd: null });
    const row = await eventRow(main.org.id, id);
    expect(row.costUsd).toBeNull();
    expect(row.clientCostUsd?.toString()).toBe("0.5");
    expect(await listUnpricedModels(SYSTEM)).toContainEqual(expect.objectContaining({ provider: "acme", model: "acme-9000" }));
  });
});

describe("storage", () => {
  it("creates end users on first sight; a project-bound key records every event under its project, whatever the body says", async () => {
    const a = uniq("p");
    const b = uniq("p");
    await post({ events: [{ event_id: a, user: "ext-1", user_email: "person@example.com" }, { event_id: b, project: "other-proj" }] });
    const db = await prisma();
    const rowA = await db.usageEvent.findUniqueOrThrow({ where: { orgId_eventId: { orgId: main.org.id, eventId: a } }, include: { project: true, endUser: true } });
    expect(rowA.project?.key).toBe("default-project");
    expect(rowA.endUser).toMatchObject({ externalId: "ext-1", email: "person@example.com" });
    const rowB = await db.usageEvent.findUniqueOrThrow({ where: { orgId_eventId: { orgId: main.org.id, eventId: b } }, include: { project: true } });
    expect(rowB.project?.key).toBe("default-project");
    expect(await db.project.findFirst({ where: { orgId: main.org.id, key: "other-proj" } })).toBeNull();
    const rollups = await db.dailyRollup.findMany({ where: { orgId: main.org.id }, select: { projectKey: true } });
    expect(new Set(rollups.map((r) => r.projectKey))).toEqual(new Set(["default-project"]));
  });

  it("keeps no prompt or response for an organisation that switched content storage off", async () => {
    const { key, org } = await newKey({ storeContent: false });
    await post({ event_id: "nc", prompt: "mail me at a@b.example.com", response: "world", error: "ssn 123-45-6789", metadata: { a: 1 } }, { key });
    const row = await eventRow(org.id, "nc");
    expect(row).toMatchObject({ prompt: null, response: null, error: "ssn [REDACTED:ssn]", metadata: { a: 1 }, redactionSummary: { ssn: 1 } });
    await (await prisma()).organization.update({ where: { id: org.id }, data: { storeContent: true } });
    await post({ event_id: "nc2", prompt: "mail me at a@b.example.com" }, { key });
    expect(await eventRow(org.id, "nc2")).toMatchObject({ prompt: "mail me at [REDACTED:email]", redactionSummary: { email: 1 } });
  });

  it("lets no canary of the redaction corpus reach any column", async () => {
    const secrets = REDACTION_CORPUS.flatMap((s) => s.secrets);
    const texts = REDACTION_CORPUS.filter((s) => s.secrets.length > 0).map((s) => s.text);
    const id = uniq("r");
    const res = await post({
      event_id: id,
      prompt: texts.join("\n"),
      response: texts.slice().reverse().join(" | "),
      error: texts.slice(0, 10).join("; "),
      purpose_detail: texts.slice(10, 20).join(" "),
      metadata: { note: texts[0], nested: { deeper: [texts[5], { x: texts[12] }] }, list: texts },
    });
    expect(res.status).toBe(200);
    const rows = await testDb.sql.query<{ row: string }>(`SELECT row_to_json(e)::text AS row FROM usage_events e WHERE org_id = $1 AND event_id = $2`, [main.org.id, id]);
    const stored = rows[0].row;
    const leaked = secrets.filter((s) => stored.includes(s.value) || stored.includes(JSON.stringify(s.value).slice(1, -1)));
    expect(leaked).toEqual([]);
    const row = await eventRow(main.org.id, id);
    expect(row.prompt).toContain("[REDACTED:email]");
    const summary = row.redactionSummary as Record<string, number>;
    for (const type of ["email", "phone", "ssn", "card", "api_key", "jwt", "private_key", "ip"]) expect(summary[type]).toBeGreaterThan(0);
  });
});

describe("GET /api/v1/usage/summary", () => {
  it("totals and groups from the roll-ups, with null keys and cached tokens inside input_tokens", async () => {
    const { key } = await newKey();
    const d1 = daysAgo(2).slice(0, 10);
    const d2 = daysAgo(1).slice(0, 10);
    await post(
      {
        events: [
          { event_id: "s1", timestamp: `${d1}T10:00:00Z`, provider: "openai", model: "tst-gpt", input_tokens: 1000, cache_read_tokens: 400, output_tokens: 10, user: "u1", category: "chat" },
          { event_id: "s2", timestamp: `${d2}T10:00:00Z`, provider: "openai", model: "tst-gpt", input_tokens: 100, output_tokens: 5, category: "chat" },
          { event_id: "s3", timestamp: `${d2}T23:59:59Z`, provider: "anthropic", model: "tst-claude", input_tokens: 200, cache_write_tokens: 50, output_tokens: 1 },
        ],
      },
      { key },
    );
    const byUser = await (await getSummary(`?from=${d1}&to=${d2}&group_by=user`, key)).json();
    expect(byUser.from).toBe(d1);
    expect(byUser.to).toBe(d2);
    // s1: 600×2.5 + 400×1.25 + 10×10 = 2100; s2: 100×2.5 + 5×10 = 300; s3: 150×3 + 50×3.75 + 15 = 652.5
    expect(byUser.total).toEqual({ cost_usd: "0.0030525", requests: 3, input_tokens: 1300, output_tokens: 16, cache_read_tokens: 400, cache_write_tokens: 50 });
    expect(byUser.groups).toEqual([
      { key: "u1", cost_usd: "0.0021", requests: 1, input_tokens: 1000, output_tokens: 10, cache_read_tokens: 400, cache_write_tokens: 0 },
      { key: null, cost_usd: "0.0009525", requests: 2, input_tokens: 300, output_tokens: 6, cache_read_tokens: 0, cache_write_tokens: 50 },
    ]);
    const byDay = await (await getSummary(`?from=${d2}&to=${d2}&group_by=day`, key)).json();
    expect(byDay.groups.map((g: { key: string; requests: number }) => [g.key, g.requests])).toEqual([[d2, 2]]);
    const byCategory = await (await getSummary(`?from=${d1}&to=${d2}&group_by=category`, key)).json();
    expect(byCategory.groups.map((g: { key: string | null }) => g.key).sort()).toEqual(["chat", null].sort());
    for (const g of ["provider", "model", "project"]) expect((await getSummary(`?from=${d1}&to=${d2}&group_by=${g}`, key)).status).toBe(200);
    const empty = await (await getSummary(`?from=2020-01-01&to=2020-01-31`, key)).json();
    expect(empty).toEqual({ from: "2020-01-01", to: "2020-01-31", total: { cost_usd: "0", requests: 0, input_tokens: 0, output_tokens: 0, cache_read_tokens: 0, cache_write_tokens: 0 }, groups: [] });
  });

  it("defaults to this month up to today and rejects bad parameters", async () => {
    const res = await (await getSummary("")).json();
    const today = new Date().toISOString().slice(0, 10);
    expect(res).toMatchObject({ from: `${today.slice(0, 7)}-01`, to: today });
    for (const q of ["?from=2026-13-01", "?group_by=hour", "?from=2026-03-10&to=2026-03-01", "?to=yesterday"]) {
      const bad = await getSummary(q);
      expect(bad.status).toBe(422);
      expect((await bad.json()).error.code).toBe("validation_failed");
    }
    expect((await summary(new Request("http://localhost/api/v1/usage/summary"), undefined)).status).toBe(401);
  });
});

describe("GET /api/v1/openapi.json", () => {
  it("serves an OpenAPI 3.1 document of the public API without a key", async () => {
    const res = openapi();
    expect(res.status).toBe(200);
    const doc = await res.json();
    expect(doc.openapi).toBe("3.1.0");
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(["/api/v1/usage", "/api/v1/usage/summary", "/api/v1/budgets/check", "/api/v1/budgets", "/api/health"]));
  });
});

describe("roll-ups", () => {
  it("stay equal to the raw events after everything above", async () => {
    expect((await verifyRollups()).drift).toEqual([]);
  });
});
