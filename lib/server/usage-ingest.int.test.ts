import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "./api-keys";
import { importPrices } from "./pricing";
import { recordUsage, recordUsageBatch } from "./usage-ingest";

await useTestDatabase();

async function principalFor(projectKey?: string) {
  const org = await makeOrg();
  const { key } = await createApiKey(SYSTEM, { orgId: org.id, projectKey });
  return { org, principal: (await authenticateApiKey(key))! };
}

describe("recordUsage", () => {
  it("stores a new event with its roll-ups", async () => {
    await importPrices(SYSTEM, [{ provider: "openai", model: "gpt-4o", aliases: [], inputPerMtok: "2.5", cachedInputPerMtok: "1.25", cacheWritePerMtok: null, outputPerMtok: "10", perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z") }], { source: "test" });
    const { org, principal } = await principalFor("chat");
    const r = await recordUsage(principal, { event_id: "e1", provider: "openai", model: "gpt-4o-2024-08-06", input_tokens: 1000, cache_read_tokens: 200, output_tokens: 100, user: "u1", category: "qa" });
    expect(r).toEqual({ event_id: "e1", status: "created", cost_usd: "0.00325", priced: true, budget_override: false, over_budget: false });
    const db = await prisma();
    const daily = await db.dailyRollup.findMany({ where: { orgId: org.id } });
    expect(daily).toHaveLength(1);
    expect(daily[0]).toMatchObject({ projectKey: "chat", userExternalId: "u1", category: "qa", provider: "openai", model: "gpt-4o-2024-08-06", requests: 1n, inputUncachedTokens: 800n, cacheReadTokens: 200n });
    expect(daily[0].costUsd.toString()).toBe("0.00325");
    const again = await recordUsage(principal, { provider: "openai", event_id: "e1", model: "gpt-4o-2024-08-06", input_tokens: 1000, cache_read_tokens: 200, output_tokens: 100, user: "u1", category: "qa", organization: "x" });
    expect(again.status).toBe("duplicate");
    expect(again.cost_usd).toBe("0.00325");
    const conflict = await recordUsage(principal, { event_id: "e1", input_tokens: 5 });
    expect(conflict).toMatchObject({ status: "rejected", error: { code: "conflict" } });
    const batch = await recordUsageBatch(principal, [{ event_id: "b1", model: "mystery" }, { event_id: "b1", model: "mystery" }, { event_id: "b1", model: "other" }, { nope: 1 }]);
    expect(batch.map((b) => b.status)).toEqual(["created", "duplicate", "rejected", "rejected"]);
    expect(batch[0]).toMatchObject({ priced: false, cost_usd: null });
  });

  it("recreates a project or end user deleted after this process cached it", async () => {
    const { org, principal } = await principalFor();
    await recordUsage(principal, { event_id: "fk-1", user: "gone", project: "gone-too" });
    const db = await prisma();
    await db.endUser.deleteMany({ where: { orgId: org.id } });
    await db.project.deleteMany({ where: { orgId: org.id } });
    const r = await recordUsage(principal, { event_id: "fk-2", user: "gone", project: "gone-too" });
    expect(r.status).toBe("created");
    const row = await db.usageEvent.findUniqueOrThrow({ where: { orgId_eventId: { orgId: org.id, eventId: "fk-2" } }, include: { endUser: true, project: true } });
    expect(row.endUser?.externalId).toBe("gone");
    expect(row.project?.key).toBe("gone-too");
  });
});
