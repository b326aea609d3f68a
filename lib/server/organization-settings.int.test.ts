import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg } from "@/test/fixtures";
import { deleteOrganization, renameOrganization } from "./organizations";

await useTestDatabase();

describe("organisation settings", () => {
  it("owners rename their organisation; admins, viewers and strangers cannot; audited", async () => {
    const org = await makeOrg();
    const owner = await makeMember(org.id, "owner");
    expect((await renameOrganization(owner, org.id, "  Acme Research  ")).name).toBe("Acme Research");
    await expect(renameOrganization(owner, org.id, " ")).rejects.toMatchObject({ code: "validation_failed", details: { field: "name" } });
    await expect(renameOrganization(await makeMember(org.id, "admin"), org.id, "X")).rejects.toMatchObject({ code: "not_found" });
    await expect(renameOrganization(await makeMember((await makeOrg()).id, "owner"), org.id, "X")).rejects.toMatchObject({ code: "not_found" });
    const audit = await (await prisma()).auditLog.findFirst({ where: { orgId: org.id, action: "organization.rename" } });
    expect(audit?.after).toEqual({ name: "Acme Research" });
  });

  it("only super admins delete, and only with the slug typed", async () => {
    const org = await makeOrg();
    const owner = await makeMember(org.id, "owner");
    const admin = await makeMember(null, null, { superAdmin: true });
    await expect(deleteOrganization(owner, org.id, org.slug)).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteOrganization(admin, org.id, "wrong")).rejects.toMatchObject({ code: "validation_failed", details: { field: "confirm" } });
    await deleteOrganization(admin, org.id, org.slug);
    const db = await prisma();
    expect(await db.organization.findUnique({ where: { id: org.id } })).toBeNull();
    expect(await db.auditLog.findFirst({ where: { action: "organization.delete", targetId: org.id } })).not.toBeNull();
  });
});
