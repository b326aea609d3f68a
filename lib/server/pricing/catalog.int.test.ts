import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { addPriceVersion, findPrice, importPrices, listPrices, listUnpricedModels, loadBundledCatalog } from ".";

await useTestDatabase();

describe("price catalog", () => {
  it("loads the bundled catalog once, even when two instances start at once", async () => {
    const [a, b] = await Promise.all([loadBundledCatalog(), loadBundledCatalog()]);
    const db = await prisma();
    const count = await db.modelPrice.count();
    expect(a + b).toBe(count);
    expect(count).toBeGreaterThanOrEqual(100);
    expect(await loadBundledCatalog()).toBe(0);
    const sonnet = await findPrice({ provider: "anthropic", model: "claude-sonnet-4-5-20250929", at: new Date() });
    expect(sonnet.price?.model).toBe("claude-sonnet-4-5");
    expect(sonnet.price?.tiers?.[0]).toMatchObject({ aboveInputTokens: 200_000 });
    expect(sonnet.price?.cacheWrite1hPerMtok?.toFixed()).toBe("6");
    const mini = await findPrice({ model: "gpt-4o-mini-2024-07-18", at: new Date() });
    expect(mini.price?.provider).toBe("openai");
  });

  it("a newer bundled catalog adds new versions and models without touching stored ones", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "spendline-catalog-"));
    const file = path.join(dir, "catalog.json");
    const entry = { provider: "openai", model: "tst-bundled", input_per_mtok: "1", output_per_mtok: "2", effective_from: "2024-01-01" };
    writeFileSync(file, JSON.stringify([entry]));
    expect(await loadBundledCatalog(file)).toBe(1);
    // The same date with other prices is never applied; a later date and a new model are added.
    writeFileSync(file, JSON.stringify([{ ...entry, input_per_mtok: "9" }, { ...entry, input_per_mtok: "0.5", effective_from: "2026-01-01" }, { ...entry, model: "tst-bundled-2" }]));
    expect(await loadBundledCatalog(file)).toBe(2);
    const versions = await listPrices(SYSTEM, { model: "tst-bundled" });
    expect(versions.map((v) => [v.model, v.effectiveFrom.slice(0, 10), v.inputPerMtok])).toEqual([
      ["tst-bundled", "2026-01-01", "0.5"],
      ["tst-bundled", "2024-01-01", "1"],
      ["tst-bundled-2", "2024-01-01", "1"],
    ]);
  });

  it("adds a price version as a super admin only, audited, and prices with it at once", async () => {
    const org = await makeOrg();
    const owner = await makeMember(org.id, "owner");
    const admin = await makeMember(null, null, { superAdmin: true });
    const input = { provider: "OpenAI", model: "tst-add", input_per_mtok: "0.5", output_per_mtok: 1.5, cached_input_per_mtok: "0.25", effective_from: "2025-06-01" };
    await expect(addPriceVersion(owner, input)).rejects.toMatchObject({ code: "not_found" });
    const view = await addPriceVersion(admin, input);
    expect(view).toMatchObject({ provider: "openai", model: "tst-add", inputPerMtok: "0.5", outputPerMtok: "1.5", cachedInputPerMtok: "0.25", cacheWritePerMtok: null, effectiveFrom: "2025-06-01T00:00:00.000Z", current: true });
    expect((await findPrice({ provider: "openai", model: "tst-add", at: new Date() })).price?.id).toBe(view.id);
    await expect(addPriceVersion(admin, input)).rejects.toMatchObject({ code: "conflict" });
    await addPriceVersion(admin, { ...input, input_per_mtok: "0.4", effective_from: "2099-01-01T00:00:00Z" });
    const versions = await listPrices(owner, { model: "tst-add" });
    expect(versions.map((v) => [v.inputPerMtok, v.current])).toEqual([
      ["0.4", false],
      ["0.5", true],
    ]);
    const audit = await (await prisma()).auditLog.findMany({ where: { action: "price.create" } });
    expect(audit).toHaveLength(2);
    expect(audit[0].actorLabel).toMatch(/@example\.test$/);
  });

  it("imports idempotently: identical versions are unchanged, other prices for a stored date are refused and named", async () => {
    const row = { provider: "acme", model: "tst-imp", aliases: ["acme/tst-imp"], inputPerMtok: "1", cachedInputPerMtok: null, cacheWritePerMtok: null, outputPerMtok: "2", perRequest: null, effectiveFrom: null };
    const now = new Date("2026-05-01T10:00:00Z");
    expect(await importPrices(SYSTEM, [row], { source: "test", now })).toMatchObject({ added: 1, unchanged: 0, refused: [] });
    expect(await importPrices(SYSTEM, [row], { source: "test", now })).toMatchObject({ added: 0, unchanged: 1, refused: [] });
    const later = new Date("2026-06-01T10:00:00Z");
    expect(await importPrices(SYSTEM, [{ ...row, inputPerMtok: "3" }], { source: "test", now: later })).toMatchObject({ added: 1, unchanged: 0 });
    const versions = await listPrices(SYSTEM, { provider: "acme" });
    expect(versions.map((v) => [v.effectiveFrom, v.inputPerMtok])).toEqual([
      [later.toISOString(), "3"],
      ["1970-01-01T00:00:00.000Z", "1"],
    ]);
    expect((await findPrice({ model: "acme/tst-imp", at: new Date("2025-01-01T00:00:00Z") })).price?.inputPerMtok.toFixed()).toBe("1");

    const dated = { ...row, model: "tst-dated", aliases: [], effectiveFrom: new Date("2025-01-01T00:00:00Z"), tiers: [{ above_input_tokens: 1000, input_per_mtok: "2" }] };
    expect(await importPrices(SYSTEM, [dated], { source: "test" })).toMatchObject({ added: 1 });
    expect(await importPrices(SYSTEM, [{ ...dated, tiers: [{ above_input_tokens: 1000, input_per_mtok: "2.00" }] }], { source: "test" })).toMatchObject({ added: 0, unchanged: 1 });
    const refused = await importPrices(SYSTEM, [{ ...dated, outputPerMtok: "2.5" }, { ...dated, model: "tst-dated-other" }], { source: "test" });
    expect(refused).toMatchObject({ added: 1, unchanged: 0, refused: [{ provider: "acme", model: "tst-dated", effectiveFrom: "2025-01-01T00:00:00.000Z" }] });
    expect(refused.refused[0].reason).toContain("output_per_mtok 2 → 2.5");
    const stored = await listPrices(SYSTEM, { model: "tst-dated" });
    expect(stored.find((v) => v.model === "tst-dated")?.outputPerMtok).toBe("2");
  });

  it("lists unpriced models only of organisations the actor may read", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const db = await prisma();
    for (const [org, model] of [[a, "mystery-a"], [b, "mystery-b"]] as const) {
      await db.usageEvent.create({ data: { orgId: org.id, eventId: `u-${model}`, bodyHash: "h", occurredAt: new Date(), provider: "acme", model, priced: false } });
    }
    const ownerA = await makeMember(a.id, "viewer");
    expect((await listUnpricedModels(ownerA)).map((m) => m.model)).toEqual(["mystery-a"]);
    await expect(listUnpricedModels(ownerA, { orgId: b.id })).rejects.toMatchObject({ code: "not_found" });
    expect((await listUnpricedModels(SYSTEM, { orgId: b.id })).map((m) => m.model)).toEqual(["mystery-b"]);
  });
});
