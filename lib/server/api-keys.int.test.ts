import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { setupTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey, listApiKeys, revokeApiKey } from "./api-keys";

await setupTestDatabase();

describe("API keys", () => {
  it("stores only the prefix and a hash, and authenticates the whole key", async () => {
    const org = await makeOrg();
    const { key, prefix } = await createApiKey(SYSTEM, { orgId: org.id, projectKey: "chatbot" });
    expect(key).toMatch(/^spl_[a-z0-9]{8}_[0-9A-Za-z]{32,}$/);
    expect(key.startsWith(`spl_${prefix}_`)).toBe(true);
    const db = await prisma();
    const row = await db.apiKey.findUniqueOrThrow({ where: { prefix } });
    expect(JSON.stringify(row)).not.toContain(key.split("_")[2]);
    const principal = await authenticateApiKey(key);
    expect(principal).toMatchObject({ orgId: org.id, projectKey: "chatbot" });
  });

  it("rejects a wrong secret, a malformed key and a revoked key alike", async () => {
    const org = await makeOrg();
    const { key, prefix } = await createApiKey(SYSTEM, { orgId: org.id });
    expect(await authenticateApiKey(`${key.slice(0, -1)}${key.endsWith("a") ? "b" : "a"}`)).toBeNull();
    expect(await authenticateApiKey("spl_nothing")).toBeNull();
    await revokeApiKey(SYSTEM, prefix);
    expect(await authenticateApiKey(key)).toBeNull();
    const audit = await (await prisma()).auditLog.findMany({ where: { orgId: org.id }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["api_key.create", "api_key.revoke"]);
  });

  it("keeps an owner out of another organisation's keys", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const ownerA = await makeMember(a.id, "owner");
    const { prefix } = await createApiKey(SYSTEM, { orgId: b.id });
    await expect(listApiKeys(ownerA, b.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(createApiKey(ownerA, { orgId: b.id })).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeApiKey(ownerA, prefix)).rejects.toMatchObject({ code: "not_found" });
    expect(await listApiKeys(ownerA, a.id)).toEqual([]);
  });

  it("does not let a viewer manage keys", async () => {
    const org = await makeOrg();
    const viewer = await makeMember(org.id, "viewer");
    await expect(createApiKey(viewer, { orgId: org.id })).rejects.toMatchObject({ code: "not_found" });
  });
});
