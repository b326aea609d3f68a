// Bills against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL): import with
// replace-per-day, idempotent re-import, malformed files storing nothing, the reconciliation of
// SPEC §3 against events sent through the real ingest path, and tenant isolation.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "../api-keys";
import { seedPriceCatalogIfEmpty } from "../pricing";
import { recordUsageBatch } from "../usage-ingest";
import { importBillText, listBillImports } from "./import-bill";
import { reconcileBills } from "./reconcile-bills";

await useTestDatabase();
await seedPriceCatalogIfEmpty();

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../../../test/fixtures/bills", name), "utf8");
const NOW = new Date("2025-06-04T12:00:00Z");

async function orgWithEvents(events: Record<string, unknown>[]) {
  const org = await makeOrg();
  const { key } = await createApiKey(SYSTEM, { orgId: org.id });
  const principal = (await authenticateApiKey(key))!;
  const results = await recordUsageBatch(principal, events, NOW);
  expect(results.every((r) => r.status === "created")).toBe(true);
  return org;
}

const line = (r: { date: string; provider: string; model: string; billedUsd: string; trackedUsd: string; differenceUsd: string; status: string }) => [r.date, r.provider, r.model, r.billedUsd, r.trackedUsd, r.differenceUsd, r.status];

describe("bills", () => {
  it("reconciles OpenAI and Anthropic bills with tracked events: ok, under, untracked, unbilled, dated ids, cents", async () => {
    const org = await orgWithEvents([
      { event_id: "a1", timestamp: "2025-06-02T10:00:00Z", provider: "openai", model: "gpt-4o", input_tokens: 100_000, output_tokens: 50_000 },
      { event_id: "a2", timestamp: "2025-06-03T10:00:00Z", provider: "openai", model: "gpt-4o-2024-08-06", input_tokens: 400_000 },
      { event_id: "a3", timestamp: "2025-06-03T11:00:00Z", provider: "openai", model: "gpt-4o-mini", input_tokens: 100_000 },
      { event_id: "c1", timestamp: "2025-06-02T23:59:59Z", provider: "anthropic", model: "claude-sonnet-4-20250514", input_tokens: 100_000, output_tokens: 100_000 },
    ]);
    const openai = await importBillText(SYSTEM, { orgId: org.id, provider: "openai", text: fixture("openai-costs.json"), sourceName: "openai-costs.json" });
    expect(openai).toMatchObject({ days: ["2025-06-02", "2025-06-03"], lines: 4, replacedLines: 0, totalUsd: "1.9" });
    expect(openai.sourceHash).toMatch(/^[0-9a-f]{64}$/);
    const anthropic = await importBillText(SYSTEM, { orgId: org.id, provider: "anthropic", text: fixture("anthropic-cost-report.json") });
    expect(anthropic).toMatchObject({ lines: 3, totalUsd: "1.80123456789" });

    const rows = await reconcileBills(SYSTEM, { orgId: org.id, from: "2025-06-01", to: "2025-06-30" });
    expect(rows.map(line)).toEqual([
      ["2025-06-02", "anthropic", "claude-sonnet-4-0", "1.80123456789", "1.8", "-0.00123456789", "ok"],
      ["2025-06-02", "openai", "gpt-4o", "0.75", "0.75", "0", "ok"],
      ["2025-06-02", "openai", "gpt-4o-mini", "0.05", "0", "-0.05", "untracked"],
      ["2025-06-03", "openai", "gpt-4o", "1.1", "1", "-0.1", "under"],
      ["2025-06-03", "openai", "gpt-4o-mini", "0", "0.015", "0.015", "unbilled"],
    ]);
    expect(rows[3].trackedModels).toEqual(["gpt-4o-2024-08-06"]);
    const sonnet = rows[0];
    expect(sonnet.split.map((s) => [s.type, s.billedUsd, s.trackedTokens, s.pricePerMtok])).toEqual([
      ["input", "0.3", "100000", "3"],
      ["cached_input", "0.00123456789", "0", "0.3"],
      ["output", "1.5", "100000", "15"],
    ]);
    // The range narrows both sides.
    expect((await reconcileBills(SYSTEM, { orgId: org.id, from: "2025-06-03", to: "2025-06-03" })).map((r) => r.status)).toEqual(["under", "unbilled"]);

    // Stored exactly, with the source hash and the audit log.
    const db = await prisma();
    const cents = await db.billLine.findFirst({ where: { orgId: org.id, provider: "anthropic", tokenType: "cached_input" } });
    expect(cents!.amountUsd.toString()).toBe("0.00123456789");
    // Many places of cents stay exact in storage.
    const long = { data: [{ starting_at: "2025-05-01T00:00:00Z", results: [{ currency: "USD", amount: "0.12345678901234567891", model: "claude-sonnet-4-20250514", token_type: "output_tokens" }] }] };
    await importBillText(SYSTEM, { orgId: org.id, provider: "anthropic", text: JSON.stringify(long) });
    const stored = await db.billLine.findFirst({ where: { orgId: org.id, day: new Date("2025-05-01T00:00:00Z") } });
    expect(stored!.amountUsd.toFixed()).toBe("0.0012345678901234567891");
    const audit = await db.auditLog.findMany({ where: { orgId: org.id, action: "bill.import" }, orderBy: { id: "asc" } });
    expect(audit).toHaveLength(3);
    expect(audit[0].after).toMatchObject({ provider: "openai", source: "openai-costs.json", lines: 4 });
  });

  it("re-importing a day replaces it: the same file twice stores the same lines", async () => {
    const org = await makeOrg();
    const first = await importBillText(SYSTEM, { orgId: org.id, provider: "openai", text: fixture("openai-costs.json") });
    const again = await importBillText(SYSTEM, { orgId: org.id, provider: "openai", text: fixture("openai-costs.json") });
    expect(again).toMatchObject({ lines: 4, replacedLines: 4, totalUsd: first.totalUsd, sourceHash: first.sourceHash });
    const db = await prisma();
    expect(await db.billLine.count({ where: { orgId: org.id } })).toBe(4);
    // A corrected bill for one day replaces only that day; the other provider is untouched.
    await importBillText(SYSTEM, { orgId: org.id, provider: "anthropic", text: fixture("anthropic-cost-report.json") });
    const fix = { object: "page", data: [{ object: "bucket", start_time: 1748908800, end_time: 1748995200, results: [{ object: "organization.costs.result", amount: { value: 1.0, currency: "usd" }, line_item: "gpt-4o-2024-08-06, input", project_id: null }] }], has_more: false, next_page: null };
    expect(await importBillText(SYSTEM, { orgId: org.id, provider: "openai", text: JSON.stringify(fix) })).toMatchObject({ lines: 1, replacedLines: 1 });
    const rows = await reconcileBills(SYSTEM, { orgId: org.id, from: "2025-06-01", to: "2025-06-30" });
    expect(rows.map((r) => [r.date, r.provider, r.model, r.billedUsd])).toEqual([
      ["2025-06-02", "anthropic", "claude-sonnet-4-0", "1.80123456789"],
      ["2025-06-02", "openai", "gpt-4o", "0.75"],
      ["2025-06-02", "openai", "gpt-4o-mini", "0.05"],
      ["2025-06-03", "openai", "gpt-4o", "1"],
    ]);
    // Concurrent imports of the same file never double the lines.
    await Promise.all([1, 2, 3].map(() => importBillText(SYSTEM, { orgId: org.id, provider: "openai", text: fixture("openai-costs.json") })));
    expect(await db.billLine.count({ where: { orgId: org.id, provider: "openai" } })).toBe(4);
    expect((await listBillImports(SYSTEM, org.id)).length).toBe(7);
  });

  it("a malformed file stores nothing and names the first bad field", async () => {
    const org = await makeOrg();
    await expect(importBillText(SYSTEM, { orgId: org.id, provider: "openai", text: fixture("openai-costs-malformed.json") })).rejects.toMatchObject({
      code: "validation_failed",
      message: expect.stringMatching(/^\[1\]\.data\[0\]\.results\[0\]\.amount\.value: /),
    });
    const db = await prisma();
    expect(await db.billLine.count({ where: { orgId: org.id } })).toBe(0);
    expect(await db.billImport.count({ where: { orgId: org.id } })).toBe(0);
  });

  it("owners and admins of the organisation and super admins only; other organisations are not found", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    await importBillText(SYSTEM, { orgId: b.id, provider: "openai", text: fixture("openai-costs.json") });
    const ownerA = await makeMember(a.id, "owner");
    const adminA = await makeMember(a.id, "admin");
    const viewerA = await makeMember(a.id, "viewer");
    const superAdmin = await makeMember(null, null, { superAdmin: true });
    const range = { from: "2025-06-01", to: "2025-06-30" };
    await expect(reconcileBills(ownerA, { orgId: b.id, ...range })).rejects.toMatchObject({ code: "not_found" });
    await expect(importBillText(ownerA, { orgId: b.id, provider: "openai", text: fixture("openai-costs.json") })).rejects.toMatchObject({ code: "not_found" });
    await expect(listBillImports(ownerA, b.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(reconcileBills(viewerA, { orgId: a.id, ...range })).rejects.toMatchObject({ code: "not_found" });
    await expect(importBillText(viewerA, { orgId: a.id, provider: "openai", text: fixture("openai-costs.json") })).rejects.toMatchObject({ code: "not_found" });
    expect(await reconcileBills(ownerA, { orgId: a.id, ...range })).toEqual([]);
    await importBillText(adminA, { orgId: a.id, provider: "openai", text: fixture("openai-costs.json") });
    expect((await reconcileBills(ownerA, { orgId: a.id, ...range })).length).toBe(3);
    expect((await reconcileBills(superAdmin, { orgId: b.id, ...range })).length).toBe(3);
    const audit = await (await prisma()).auditLog.findFirst({ where: { orgId: a.id, action: "bill.import" } });
    expect(audit?.actorLabel).toMatch(/@example\.test$/);
  });
});
