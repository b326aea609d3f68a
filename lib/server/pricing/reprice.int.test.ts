// prices:reprice and prices:sync against a real database (PGlite, or PostgreSQL with TEST_DATABASE_URL).
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { importTestPrice, makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "../api-keys";
import { setBudget } from "../budgets/manage";
import { verifyBudgetCounters } from "../budgets/verify";
import { verifyRollups } from "../rollups";
import { recordUsage } from "../usage-ingest";
import { addPriceVersion, applyReprice, listPrices, listUnpricedModels, previewReprice, previewRestatement, syncPrices } from ".";

await useTestDatabase();

const DAY = 86_400_000;
const now = new Date();
const at = (msAgo: number) => new Date(now.getTime() - msAgo).toISOString();
// A moment of the current UTC day, at most msAgo before now: the daily counters, today's reprice and
// the month rows expect these events in today, also when the test runs just after midnight.
const earlierToday = (msAgo: number) => at(Math.min(msAgo, (now.getTime() % DAY) / 2));

describe("prices:reprice", () => {
  it("previews, then prices waiting events with their roll-ups and budget counters, once", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const p = (await authenticateApiKey(key))!;
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1000" });
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "p1", limitUsd: "1000", period: "weekly" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "u1", limitUsd: "1000", period: "daily" });
    await importTestPrice({ provider: "openai", model: "tst-known", inputPerMtok: "1", outputPerMtok: "1" });

    const late = { provider: "openai", model: "tst-late-2026-01-01", input_tokens: 1_000_000, output_tokens: 100_000, project: "p1", user: "u1" };
    expect((await recordUsage(p, { ...late, event_id: "w1", timestamp: earlierToday(60_000) })).priced).toBe(false);
    expect((await recordUsage(p, { ...late, event_id: "w2", timestamp: earlierToday(2 * 3_600_000), service_tier: "batch" })).priced).toBe(false);
    expect((await recordUsage(p, { ...late, event_id: "w3", timestamp: at(31 * DAY), project: "p2", user: "u2" })).priced).toBe(false);
    await recordUsage(p, { event_id: "still-unknown", provider: "openai", model: "tst-never", input_tokens: 10, timestamp: earlierToday(60_000) });
    await recordUsage(p, { event_id: "known", provider: "openai", model: "tst-known", input_tokens: 1_000_000, timestamp: earlierToday(60_000) });

    expect((await listUnpricedModels(SYSTEM, { orgId: org.id })).find((m) => m.model === "tst-late-2026-01-01")).toMatchObject({ events: 3, inputTokens: "3000000", outputTokens: "300000" });
    expect(await previewReprice(SYSTEM)).toMatchObject({ events: 0 });

    await importTestPrice({ provider: "openai", model: "tst-late", inputPerMtok: "2", outputPerMtok: "10", serviceTiers: { batch: { input_per_mtok: "1", output_per_mtok: "5" } } });
    // standard: 1M×2 + 100k×10 = 3; batch: 1M×1 + 100k×5 = 1.5
    const preview = await previewReprice(SYSTEM);
    expect(preview).toEqual({ events: 3, costUsd: "7.5", groups: [{ orgId: org.id, orgSlug: org.slug, provider: "openai", model: "tst-late-2026-01-01", events: 3, costUsd: "7.5" }] });
    const db = await prisma();
    expect(await db.usageEvent.count({ where: { orgId: org.id, priced: false } })).toBe(4);

    const applied = await applyReprice(SYSTEM);
    expect(applied).toMatchObject({ events: 3, costUsd: "7.5" });
    expect(applied.months).toBeGreaterThanOrEqual(1);
    const events = await db.usageEvent.findMany({ where: { orgId: org.id }, orderBy: { eventId: "asc" } });
    expect(events.map((e) => [e.eventId, e.priced, e.costUsd?.toString() ?? null])).toEqual([
      ["known", true, "1"],
      ["still-unknown", false, null],
      ["w1", true, "3"],
      ["w2", true, "1.5"],
      ["w3", true, "3"],
    ]);
    expect((await verifyRollups()).drift).toEqual([]);
    expect(await verifyBudgetCounters()).toEqual([]);
    const spent = await db.budgetPeriodSpend.findMany({ where: { budget: { orgId: org.id } }, include: { budget: true } });
    const current = (scope: string) => spent.filter((s) => s.budget.scope === scope && s.periodEnd > now && s.periodStart <= now).map((s) => s.spentUsd.toString());
    expect(current("user")).toEqual(["4.5"]);
    expect(current("project")).toEqual(["4.5"]);
    const audit = await db.auditLog.findMany({ where: { action: "price.reprice" } });
    expect(audit.length).toBe(applied.months);

    // Twice changes nothing.
    expect(await applyReprice(SYSTEM)).toMatchObject({ events: 0, months: 0, costUsd: "0" });
    const again = await db.budgetPeriodSpend.findMany({ where: { budget: { orgId: org.id } } });
    expect(again.map((s) => s.spentUsd.toString()).sort()).toEqual(spent.map((s) => s.spentUsd.toString()).sort());
    expect(await db.auditLog.count({ where: { action: "price.reprice" } })).toBe(applied.months);
    expect((await verifyRollups()).drift).toEqual([]);
  });

  it("leaves events before a version's effective_from unpriced and honours --from/--to", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const p = (await authenticateApiKey(key))!;
    await recordUsage(p, { event_id: "old", provider: "acme", model: "tst-range", input_tokens: 1_000_000, timestamp: at(10 * DAY) });
    await recordUsage(p, { event_id: "new", provider: "acme", model: "tst-range", input_tokens: 1_000_000, timestamp: earlierToday(60_000) });
    await importTestPrice({ provider: "acme", model: "tst-range", inputPerMtok: "1", outputPerMtok: "1", effectiveFrom: new Date(now.getTime() - 5 * DAY) });
    expect(await previewReprice(SYSTEM)).toMatchObject({ events: 1, costUsd: "1" });
    const today = new Date(now.toISOString().slice(0, 10));
    expect(await previewReprice(SYSTEM, { from: new Date(today.getTime() - 3 * DAY), to: new Date(today.getTime() - 2 * DAY) })).toMatchObject({ events: 0 });
    expect(await applyReprice(SYSTEM, { from: today, to: today })).toMatchObject({ events: 1 });
  });
});

describe("restatement preview", () => {
  it("names the priced events a past-dated version would price differently, per model and month, and changes nothing", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const p = (await authenticateApiKey(key))!;
    await importTestPrice({ provider: "acme", model: "tst-restate", inputPerMtok: "1", outputPerMtok: "1", effectiveFrom: new Date("2020-01-01T00:00:00Z") });
    expect((await recordUsage(p, { event_id: "r1", provider: "acme", model: "tst-restate-20260101", input_tokens: 1_000_000, timestamp: earlierToday(60_000) })).cost_usd).toBe("1");
    expect((await recordUsage(p, { event_id: "r2", provider: "acme", model: "tst-restate", input_tokens: 500_000, timestamp: earlierToday(120_000) })).cost_usd).toBe("0.5");
    await recordUsage(p, { event_id: "r-other", provider: "acme", model: "tst-restate-other", input_tokens: 1_000_000, timestamp: earlierToday(60_000) });
    const input = { provider: "acme", model: "tst-restate", input_per_mtok: "3", output_per_mtok: "1", effective_from: "2024-01-01" };
    const preview = await previewRestatement(SYSTEM, input);
    const month = earlierToday(60_000).slice(0, 7);
    // 1M×3 − 1 = 2; 0.5M×3 − 0.5 = 1 (dated and plain model names are separate rows)
    expect(preview).toMatchObject({ events: 2, differenceUsd: "3", waitingEvents: 0 });
    expect(preview.rows).toEqual([
      { model: "tst-restate", month, events: 1, storedCostUsd: "0.5", restatedCostUsd: "1.5", differenceUsd: "1" },
      { model: "tst-restate-20260101", month, events: 1, storedCostUsd: "1", restatedCostUsd: "3", differenceUsd: "2" },
    ]);
    // A version that is not in force for those events (an older date) restates nothing.
    expect(await previewRestatement(SYSTEM, { ...input, effective_from: "2019-01-01" })).toMatchObject({ events: 0 });
    await addPriceVersion(SYSTEM, input);
    const db = await prisma();
    expect((await db.usageEvent.findMany({ where: { orgId: org.id, eventId: { in: ["r1", "r2"] } }, orderBy: { eventId: "asc" } })).map((e) => e.costUsd?.toString())).toEqual(["1", "0.5"]);
  });
});

// A local stand-in of the LiteLLM file's host.
let body = "{}";
const server = createServer((_req, res) => res.writeHead(200, { "content-type": "application/json" }).end(body));
await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/model_prices_and_context_window.json`;
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe("prices:sync", () => {

  it("downloads a LiteLLM file and imports what changed as new versions effective now", async () => {
    const file = {
      sample_spec: { input_cost_per_token: 0 },
      "tst-sync-a": { litellm_provider: "openai", input_cost_per_token: 1e-6, output_cost_per_token: 2e-6, input_cost_per_token_above_200k_tokens: 2e-6 },
      "tst-sync-b": { litellm_provider: "x_ai", input_cost_per_token: 3e-6, output_cost_per_token: 1.5e-5 },
    };
    body = JSON.stringify(file);
    const first = await syncPrices(SYSTEM, { url, format: "litellm", now: new Date("2026-06-01T00:00:00Z") });
    expect(first).toMatchObject({ added: 2, unchanged: 0, refused: [], skipped: [{ name: "sample_spec", reason: "sample specification" }] });
    expect(first.addedVersions).toEqual(["openai/tst-sync-a@1970-01-01T00:00:00.000Z", "xai/tst-sync-b@1970-01-01T00:00:00.000Z"]);

    body = JSON.stringify({ ...file, "tst-sync-a": { ...file["tst-sync-a"], output_cost_per_token: 3e-6 } });
    const syncedAt = new Date("2026-07-01T12:00:00Z");
    const second = await syncPrices(SYSTEM, { url, format: "litellm", now: syncedAt });
    expect(second).toMatchObject({ added: 1, unchanged: 1, addedVersions: [`openai/tst-sync-a@${syncedAt.toISOString()}`] });
    const versions = await listPrices(SYSTEM, { model: "tst-sync-a" });
    expect(versions.map((v) => [v.effectiveFrom, v.outputPerMtok, v.tiers])).toEqual([
      [syncedAt.toISOString(), "3", [{ above_input_tokens: 200_000, input_per_mtok: "2" }]],
      ["1970-01-01T00:00:00.000Z", "2", [{ above_input_tokens: 200_000, input_per_mtok: "2" }]],
    ]);
    expect(await syncPrices(SYSTEM, { url, format: "litellm", now: new Date("2026-08-01T00:00:00Z") })).toMatchObject({ added: 0, unchanged: 2 });
  });

  it("says clearly when the download fails", async () => {
    await expect(syncPrices(SYSTEM, { url: "http://127.0.0.1:1/none.json", format: "litellm" })).rejects.toThrow(/cannot download/);
    await expect(syncPrices(SYSTEM, { url: "file:///etc/passwd", format: "litellm" })).rejects.toThrow(/only http and https/);
    body = "not json";
    await expect(syncPrices(SYSTEM, { url, format: "litellm" })).rejects.toThrow(/is not JSON/);
  });
});
