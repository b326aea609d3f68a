import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { addPriceVersion, findPrice, importPrices, listPrices, listUnpricedModels, seedPriceCatalogIfEmpty } from "./pricing";

await useTestDatabase();

describe("price catalog", () => {
  it("loads the seed catalog once, even when two instances start at once", async () => {
    const [a, b] = await Promise.all([seedPriceCatalogIfEmpty(), seedPriceCatalogIfEmpty()]);
    const db = await prisma();
    const count = await db.modelPrice.count();
    expect(a + b).toBe(count);
    expect(count).toBeGreaterThanOrEqual(40);
    expect(await seedPriceCatalogIfEmpty()).toBe(0);
    const sonnet = await findPrice({ provider: "anthropic", model: "claude-sonnet-4-20250514", at: new Date() });
    expect(sonnet.price?.model).toBe("claude-sonnet-4");
    const mini = await findPrice({ model: "gpt-4o-mini-2024-07-18", at: new Date() });
    expect(mini.price?.provider).toBe("openai");
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

  it("imports idempotently; an undated (LiteLLM) price starts at the epoch when new and today when it changes", async () => {
    const row = { provider: "acme", model: "tst-imp", aliases: ["acme/tst-imp"], inputPerMtok: "1", cachedInputPerMtok: null, cacheWritePerMtok: null, outputPerMtok: "2", perRequest: null, effectiveFrom: null };
    expect(await importPrices(SYSTEM, [row], { source: "test" })).toEqual({ created: 1, updated: 0, unchanged: 0 });
    expect(await importPrices(SYSTEM, [row], { source: "test" })).toEqual({ created: 0, updated: 0, unchanged: 1 });
    expect(await importPrices(SYSTEM, [{ ...row, inputPerMtok: "3" }], { source: "test" })).toEqual({ created: 1, updated: 0, unchanged: 0 });
    const versions = await listPrices(SYSTEM, { provider: "acme" });
    const today = new Date().toISOString().slice(0, 10);
    expect(versions.map((v) => [v.effectiveFrom.slice(0, 10), v.inputPerMtok])).toEqual([
      [today, "3"],
      ["1970-01-01", "1"],
    ]);
    expect((await findPrice({ model: "acme/tst-imp", at: new Date("2025-01-01T00:00:00Z") })).price?.inputPerMtok.toFixed()).toBe("1");
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
