import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { setupTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM, uniq } from "@/test/fixtures";
import { getAuthSecret } from "./app-settings";
import { addMember, bootstrapSuperAdmin, createAccount, listMembers, loadActor, setAccountDisabled, setMemberRole, verifyCredentials } from "./accounts";

await setupTestDatabase();

describe("accounts and sign-in", () => {
  it("stores a password hash, accepts the right password and rejects a wrong one", async () => {
    const email = `${uniq("a")}@example.test`;
    await createAccount(SYSTEM, { email, password: "correct horse battery" });
    const row = await (await prisma()).account.findUniqueOrThrow({ where: { email } });
    expect(row.passwordHash).not.toContain("correct horse");
    expect(row.passwordHash).toMatch(/^\$sl1\$\$2[aby]\$/);
    expect(await verifyCredentials(email, "correct horse battery")).toMatchObject({ ok: true });
    expect(await verifyCredentials(email, "wrong password!")).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyCredentials("nobody@example.test", "whatever123")).toEqual({ ok: false, reason: "invalid" });
  });

  it("rejects a weak password and a duplicate email with the field named", async () => {
    await expect(createAccount(SYSTEM, { email: "weak@example.test", password: "short" })).rejects.toMatchObject({ code: "validation_failed", details: { field: "password" } });
    const email = `${uniq("dup")}@example.test`;
    await createAccount(SYSTEM, { email, password: "long enough password" });
    await expect(createAccount(SYSTEM, { email: email.toUpperCase(), password: "long enough password" })).rejects.toMatchObject({ code: "conflict" });
  });

  it("a disabled account is refused at sign-in and on its next request", async () => {
    const email = `${uniq("dis")}@example.test`;
    const { id } = await createAccount(SYSTEM, { email, password: "long enough password" });
    expect(await loadActor(id)).toMatchObject({ kind: "account", email });
    await setAccountDisabled(SYSTEM, email, true);
    expect(await loadActor(id)).toBe("disabled");
    expect(await verifyCredentials(email, "long enough password")).toEqual({ ok: false, reason: "disabled" });
  });

  it("a demoted member loses the role on the next load", async () => {
    const org = await makeOrg();
    const admin = await makeMember(org.id, "admin");
    if (admin.kind !== "account") throw new Error("fixture");
    await setMemberRole(SYSTEM, { email: admin.email, orgId: org.id, role: "viewer" });
    const reloaded = await loadActor(admin.id);
    expect(reloaded).toMatchObject({ memberships: [{ orgId: org.id, role: "viewer" }] });
    await expect(listMembers(reloaded as never, org.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("an owner cannot list or change another organisation's members", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const ownerA = await makeMember(a.id, "owner");
    const memberB = await makeMember(b.id, "viewer");
    if (memberB.kind !== "account") throw new Error("fixture");
    await expect(listMembers(ownerA, b.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(setMemberRole(ownerA, { email: memberB.email, orgId: b.id, role: "owner" })).rejects.toMatchObject({ code: "not_found" });
    await expect(addMember(ownerA, { orgId: b.id, email: "intruder@example.test", role: "owner" })).rejects.toMatchObject({ code: "not_found" });
    await expect(setAccountDisabled(ownerA, memberB.email, true)).rejects.toMatchObject({ code: "not_found" });
    expect((await listMembers(SYSTEM, b.id)).map((m) => m.email)).toEqual([memberB.email]);
  });

  it("an admin cannot make anyone an owner; an owner can", async () => {
    const org = await makeOrg();
    const admin = await makeMember(org.id, "admin");
    const owner = await makeMember(org.id, "owner");
    const viewer = await makeMember(org.id, "viewer");
    if (viewer.kind !== "account") throw new Error("fixture");
    await expect(setMemberRole(admin, { email: viewer.email, orgId: org.id, role: "owner" })).rejects.toMatchObject({ code: "not_found" });
    await setMemberRole(owner, { email: viewer.email, orgId: org.id, role: "owner" });
    const audit = await (await prisma()).auditLog.findFirstOrThrow({ where: { orgId: org.id, action: "membership.set_role" } });
    expect(audit).toMatchObject({ before: { role: "viewer" }, after: { role: "owner" } });
  });

  it("creates the super admin once and never changes an existing account", async () => {
    const email = `${uniq("boot")}@example.test`;
    const first = await bootstrapSuperAdmin({ email });
    expect(first).toMatchObject({ status: "created", email });
    expect((first as { generatedPassword?: string }).generatedPassword).toBeTruthy();
    const again = await bootstrapSuperAdmin({ email, password: "a different password" });
    expect(again).toEqual({ status: "exists", email, isSuperAdmin: true });
    const login = await verifyCredentials(email, (first as { generatedPassword: string }).generatedPassword);
    expect(login.ok).toBe(true);
  });

  it("two instances starting at once create one super admin and share one auth secret", async () => {
    const email = `${uniq("race")}@example.test`;
    const results = await Promise.all([bootstrapSuperAdmin({ email }), bootstrapSuperAdmin({ email })]);
    expect(results.map((r) => r.status).sort()).toEqual(["created", "exists"]);
    expect(await (await prisma()).account.count({ where: { email } })).toBe(1);
    const saved = process.env.AUTH_SECRET;
    delete process.env.AUTH_SECRET;
    try {
      const [a, b] = await Promise.all([getAuthSecret(), getAuthSecret()]);
      expect(a).toBe(b);
      expect(a.length).toBeGreaterThanOrEqual(32);
      expect(await getAuthSecret()).toBe(a);
    } finally {
      if (saved !== undefined) process.env.AUTH_SECRET = saved;
    }
  });
});
