import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { setupTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { recordUsage } from "./usage-ingest";
import { pruneUsage } from "./retention";
import { verifyRollups } from "./rollups";
import { getSetting } from "./app-settings";
import { authenticateApiKey, createApiKey, type ApiKeyPrincipal } from "./api-keys";

await setupTestDatabase();

async function keyFor(orgId: string): Promise<ApiKeyPrincipal> {
  const { key } = await createApiKey(SYSTEM, { orgId });
  return (await authenticateApiKey(key))!;
}

describe("retention:prune", () => {
  it("deletes old events, keeps their roll-ups and moves the watermark so verify stays clean", async () => {
    const org = await makeOrg();
    const principal = await keyFor(org.id);
    const db = await prisma();
    const now = new Date();
    const old = new Date(now.getTime() - 30 * 86_400_000);
    await recordUsage(principal, { event_id: "old-1", timestamp: old.toISOString(), provider: "openai", model: "gpt-4o", input_tokens: 1000, output_tokens: 100, prompt: "old prompt" });
    await recordUsage(principal, { event_id: "new-1", provider: "openai", model: "gpt-4o", input_tokens: 1000, output_tokens: 100, prompt: "new prompt" });
    const rollupsBefore = await db.dailyRollup.count({ where: { orgId: org.id } });

    const cleared = await pruneUsage(SYSTEM, { olderThanDays: 7, contentOnly: true, now });
    expect(cleared.affected).toBe(1);
    expect((await db.usageEvent.findFirstOrThrow({ where: { orgId: org.id, eventId: "old-1" } })).prompt).toBeNull();
    expect((await db.usageEvent.findFirstOrThrow({ where: { orgId: org.id, eventId: "new-1" } })).prompt).toBe("new prompt");

    const deleted = await pruneUsage(SYSTEM, { olderThanDays: 7, now });
    expect(deleted.affected).toBe(1);
    expect(await db.usageEvent.count({ where: { orgId: org.id } })).toBe(1);
    expect(await db.dailyRollup.count({ where: { orgId: org.id } })).toBe(rollupsBefore);
    expect(await getSetting("retention_watermark")).toBe(deleted.cutoff);
    expect((await verifyRollups()).drift).toEqual([]);
  });

  it("is for super admins only", async () => {
    const org = await makeOrg();
    const owner = await makeMember(org.id, "owner");
    await expect(pruneUsage(owner, { olderThanDays: 7 })).rejects.toMatchObject({ code: "not_found" });
  });
});
