// SPEC §6 on accounts, against a real database: sign-in resists guessing (database-backed lock
// shared by instances, audit of every attempt), sessions end when they should, nobody chooses
// another person's password (invitations), and everyone changes their own.
import { describe, expect, it } from "vitest";
import { openDatabase, prisma, setDatabase } from "@/lib/db/client";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/password";
import { setupTestDatabase, withPostgresTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM, uniq } from "@/test/fixtures";
import { addMember, changeOwnPassword, createAccount, loadActor, loadSessionActor, resetPassword, setAccountDisabled, setMemberRole, verifyCredentials } from "./accounts";
import { endAuthSession } from "./auth-sessions";
import { pruneSignInThrottles, reserveSignInAttempt } from "./sign-in-throttle";
import { acceptInvitation, createInvitation, findInvitation, listInvitations, revokeInvitation } from "./invitations";
import type { Actor } from "./authz";

process.env.SPENDLINE_BCRYPT_COST = "4";
await setupTestDatabase();

const PASSWORD = "a long and private passphrase";

async function account(opts: { org?: string; role?: "owner" | "admin" | "viewer"; superAdmin?: boolean } = {}) {
  const email = `${uniq("acct")}@example.test`;
  const created = await createAccount(SYSTEM, { email, password: PASSWORD, orgId: opts.org, role: opts.role, superAdmin: opts.superAdmin });
  return { id: created.id, email };
}

async function signIn(email: string, password = PASSWORD, now?: Date) {
  const r = await verifyCredentials(email, password, { ip: "203.0.113.9" }, now);
  if (!r.ok) throw new Error(`sign-in refused: ${r.reason}`);
  return r;
}

async function actorOf(id: string): Promise<Actor> {
  const a = await loadActor(id);
  if (!a || a === "disabled") throw new Error("fixture");
  return a;
}

describe("passwords", () => {
  it("need 12 characters and are refused when among the 10,000 most common", () => {
    expect(passwordProblem("elevenchars")).toMatch(/at least 12 characters/);
    expect(passwordProblem("1qaz2wsx3edc")).toMatch(/too common/);
    expect(passwordProblem("QWERTY123456")).toMatch(/too common/);
    expect(passwordProblem("aaaaaaaaaaaaaaaa")).toMatch(/too common/);
    expect(passwordProblem(PASSWORD)).toBeNull();
  });

  it("no byte past bcrypt's 72 counts for nothing, and older plain bcrypt hashes still verify", async () => {
    const long = "x".repeat(72);
    const hash = await hashPassword(`${long}-one`);
    expect(await verifyPassword(`${long}-one`, hash)).toBe(true);
    expect(await verifyPassword(`${long}-two`, hash)).toBe(false);
    const bcrypt = (await import("bcryptjs")).default;
    const legacy = await bcrypt.hash("an older stored password", 4);
    expect(await verifyPassword("an older stored password", legacy)).toBe(true);
    expect(await verifyPassword("another password at all", legacy)).toBe(false);
  });

  it("an older hash is upgraded at the next sign-in", async () => {
    const { email } = await account();
    const bcrypt = (await import("bcryptjs")).default;
    await (await prisma()).account.update({ where: { email }, data: { passwordHash: await bcrypt.hash(PASSWORD, 4) } });
    await signIn(email);
    const row = await (await prisma()).account.findUniqueOrThrow({ where: { email } });
    expect(row.passwordHash.startsWith("$sl1$")).toBe(true);
    await signIn(email);
  });
});

describe("sign-in resists guessing", () => {
  it("after 10 failures in 15 minutes the 11th attempt is refused, the right password too, for 15 minutes; all audited", async () => {
    const { id, email } = await account();
    const t0 = new Date();
    for (let i = 0; i < 10; i++) {
      expect(await verifyCredentials(email, `wrong password ${i}`, {}, new Date(t0.getTime() + i * 1000))).toEqual({ ok: false, reason: "invalid" });
    }
    const refused = await verifyCredentials(email, PASSWORD, {}, new Date(t0.getTime() + 11_000));
    expect(refused).toMatchObject({ ok: false, reason: "locked" });
    // Still locked just before the 15 minutes are up, open after.
    expect(await verifyCredentials(email, PASSWORD, {}, new Date(t0.getTime() + 9_000 + 15 * 60_000 - 1000))).toMatchObject({ reason: "locked" });
    expect(await verifyCredentials(email, PASSWORD, {}, new Date(t0.getTime() + 9_000 + 15 * 60_000 + 1000))).toMatchObject({ ok: true });

    const audit = await (await prisma()).auditLog.findMany({ where: { actorLabel: email }, orderBy: { id: "asc" } });
    expect(audit.filter((a) => a.action === "auth.sign_in_failed")).toHaveLength(12);
    expect(audit.filter((a) => a.action === "auth.sign_in_failed" && (a.after as { reason?: string }).reason === "locked")).toHaveLength(2);
    expect(audit.filter((a) => a.action === "auth.sign_in")).toHaveLength(1);
    expect(audit.every((a) => a.targetId === id)).toBe(true);
  });

  it("failures spread over more than 15 minutes do not lock", async () => {
    const { email } = await account();
    const t0 = Date.now();
    for (let i = 0; i < 12; i++) await verifyCredentials(email, "wrong password!", {}, new Date(t0 + i * 2 * 60_000));
    expect(await verifyCredentials(email, PASSWORD, {}, new Date(t0 + 24 * 60_000 + 1000))).toMatchObject({ ok: true });
  });

  it("parallel guesses cannot slip past the limit", async () => {
    const { email } = await account();
    const results = await Promise.all(Array.from({ length: 25 }, (_, i) => verifyCredentials(email, `guess number ${i}`)));
    const reasons = results.map((r) => (r.ok ? "ok" : r.reason));
    expect(reasons.filter((r) => r === "invalid")).toHaveLength(10);
    expect(reasons.filter((r) => r === "locked")).toHaveLength(15);
  });

  it("unknown addresses are throttled the same way (the answer does not reveal which accounts exist)", async () => {
    const email = `${uniq("ghost")}@example.test`;
    for (let i = 0; i < 10; i++) expect(await verifyCredentials(email, "whatever it is")).toEqual({ ok: false, reason: "invalid" });
    expect(await verifyCredentials(email, "whatever it is")).toMatchObject({ reason: "locked" });
    const audit = await (await prisma()).auditLog.count({ where: { actorLabel: email, action: "auth.sign_in_failed" } });
    expect(audit).toBe(11);
  });

  it("forgets addresses whose failures are a day old, keeping fresh ones and live locks", async () => {
    const old = `${uniq("old")}@example.test`;
    const fresh = `${uniq("fresh")}@example.test`;
    const dayAgo = new Date(Date.now() - 25 * 3600_000);
    await reserveSignInAttempt(old, dayAgo);
    await reserveSignInAttempt(fresh);
    await pruneSignInThrottles();
    const left = await (await prisma()).signInThrottle.findMany({ where: { email: { in: [old, fresh] } } });
    expect(left.map((r) => r.email)).toEqual([fresh]);
  });

  it("records the request's IP with each attempt", async () => {
    const { email } = await account();
    await signIn(email);
    const row = await (await prisma()).auditLog.findFirstOrThrow({ where: { actorLabel: email, action: "auth.sign_in" } });
    expect(row.ip).toBe("203.0.113.9");
  });

  // PGlite is one process's database: these cases run on PostgreSQL on every run.
  describe("two instances on one PostgreSQL", () => {
    it("share the counters: failures on either instance lock the account on both", () => withPostgresTestDatabase(async (first) => {
      const { email } = await account();
      const other = await openDatabase({ url: first.url!, poolSize: 2 });
      try {
        for (let i = 0; i < 10; i++) {
          setDatabase(i % 2 === 0 ? first : other);
          expect(await verifyCredentials(email, `wrong password ${i}`)).toEqual({ ok: false, reason: "invalid" });
        }
        setDatabase(other);
        expect(await verifyCredentials(email, PASSWORD)).toMatchObject({ reason: "locked" });
        setDatabase(first);
        expect(await verifyCredentials(email, PASSWORD)).toMatchObject({ reason: "locked" });
      } finally {
        setDatabase(first);
        await other.close();
      }
    }));

    it("a session ended on one instance is refused on the other at its next request", () => withPostgresTestDatabase(async (first) => {
      const { id, email } = await account();
      const other = await openDatabase({ url: first.url!, poolSize: 2 });
      try {
        const { sessionId } = await signIn(email);
        setDatabase(other);
        expect(await loadSessionActor(id, sessionId)).toMatchObject({ kind: "account", email });
        setDatabase(first);
        await endAuthSession(sessionId);
        setDatabase(other);
        expect(await loadSessionActor(id, sessionId)).toBeNull();
      } finally {
        setDatabase(first);
        await other.close();
      }
    }));
  });
});

describe("sessions end when they should", () => {
  it("sign-out ends that session only", async () => {
    const { id, email } = await account();
    const a = await signIn(email);
    const b = await signIn(email);
    await endAuthSession(a.sessionId);
    expect(await loadSessionActor(id, a.sessionId)).toBeNull();
    expect(await loadSessionActor(id, b.sessionId)).toMatchObject({ email });
  });

  it("a password change ends the other sessions and keeps the current one", async () => {
    const { id, email } = await account();
    const current = await signIn(email);
    const other = await signIn(email);
    const actor = await actorOf(id);
    await expect(changeOwnPassword(actor, { currentPassword: "not my password", newPassword: "a brand new passphrase" })).rejects.toMatchObject({ details: { field: "currentPassword" } });
    await expect(changeOwnPassword(actor, { currentPassword: PASSWORD, newPassword: "1qaz2wsx3edc" })).rejects.toMatchObject({ details: { field: "newPassword" } });
    await changeOwnPassword(actor, { currentPassword: PASSWORD, newPassword: "a brand new passphrase" }, { keepSessionId: current.sessionId });
    expect(await loadSessionActor(id, current.sessionId)).toMatchObject({ email });
    expect(await loadSessionActor(id, other.sessionId)).toBeNull();
    expect(await verifyCredentials(email, PASSWORD)).toMatchObject({ reason: "invalid" });
    await signIn(email, "a brand new passphrase");
    expect(await (await prisma()).auditLog.count({ where: { targetId: id, action: "account.password_change" } })).toBe(1);
  });

  it("an operator's reset ends every session and lifts a lock; errors name the problem", async () => {
    const { id, email } = await account();
    const s = await signIn(email);
    for (let i = 0; i < 10; i++) await verifyCredentials(email, `wrong password ${i}`);
    expect(await verifyCredentials(email, PASSWORD)).toMatchObject({ reason: "locked" });
    expect(await resetPassword(SYSTEM, { email, password: "reset by the operator" })).toEqual({ email, sessionsEnded: 1 });
    expect(await loadSessionActor(id, s.sessionId)).toBeNull();
    await signIn(email, "reset by the operator");
    await expect(resetPassword(SYSTEM, { email, password: "short" })).rejects.toThrow(/at least 12 characters/);
    await expect(resetPassword(SYSTEM, { email: "nobody@example.test", password: "reset by the operator" })).rejects.toThrow(/No account with email nobody@example.test/);
    const superAdmin = await actorOf((await account({ superAdmin: true })).id);
    await expect(resetPassword(superAdmin, { email, password: "chosen by someone else" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("disabling ends the sessions (and the next request says the account is disabled)", async () => {
    const org = await makeOrg();
    const { id, email } = await account({ org: org.id, role: "viewer" });
    const s = await signIn(email);
    await setAccountDisabled(SYSTEM, email, true);
    expect(await loadSessionActor(id, s.sessionId)).toBe("disabled");
    await setAccountDisabled(SYSTEM, email, false);
    expect(await loadSessionActor(id, s.sessionId)).toBeNull();
  });

  it("demotion and removal end the sessions; a promotion does not", async () => {
    const org = await makeOrg();
    const { id, email } = await account({ org: org.id, role: "viewer" });
    const s1 = await signIn(email);
    await setMemberRole(SYSTEM, { email, orgId: org.id, role: "admin" });
    expect(await loadSessionActor(id, s1.sessionId)).toMatchObject({ memberships: [{ role: "admin" }] });
    await setMemberRole(SYSTEM, { email, orgId: org.id, role: "viewer" });
    expect(await loadSessionActor(id, s1.sessionId)).toBeNull();
    const s2 = await signIn(email);
    await setMemberRole(SYSTEM, { email, orgId: org.id, role: "none" });
    expect(await loadSessionActor(id, s2.sessionId)).toBeNull();
  });

  it("a token without a session row, or with malformed ids, is no session", async () => {
    const { id } = await account();
    expect(await loadSessionActor(id, "00000000-0000-0000-0000-000000000000")).toBeNull();
    expect(await loadSessionActor("not-a-uuid", "also-not")).toBeNull();
  });
});

describe("nobody chooses another person's password", () => {
  it("an owner adding an unknown email creates a one-time invitation; the invitee sets their own password", async () => {
    const org = await makeOrg();
    const owner = await actorOf((await account({ org: org.id, role: "owner" })).id);
    const email = `${uniq("invitee")}@example.test`;
    const result = await addMember(owner, { orgId: org.id, email, role: "admin" });
    if (result.kind !== "invited") throw new Error("expected an invitation");
    expect(result.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(await (await prisma()).account.findUnique({ where: { email } })).toBeNull();
    const stored = await (await prisma()).invitation.findUniqueOrThrow({ where: { id: result.invitationId } });
    expect(stored.tokenHash).not.toContain(result.token);
    expect(stored.expiresAt.getTime() - stored.createdAt.getTime()).toBeGreaterThanOrEqual(7 * 24 * 3600_000 - 5000);
    expect((await listInvitations(owner, org.id)).map((i) => i.email)).toEqual([email]);
    expect(await findInvitation(result.token)).toMatchObject({ email, role: "admin", orgName: org.name });

    await expect(acceptInvitation(result.token, { password: "letmein" })).rejects.toMatchObject({ details: { field: "password" } });
    await acceptInvitation(result.token, { password: "my own chosen passphrase", name: "Invitee" });
    const signedIn = await signIn(email, "my own chosen passphrase");
    expect(await loadSessionActor(signedIn.account.id, signedIn.sessionId)).toMatchObject({ memberships: [{ orgId: org.id, role: "admin" }] });
    // One use only.
    await expect(acceptInvitation(result.token, { password: "another passphrase here" })).rejects.toMatchObject({ code: "not_found" });
    expect(await findInvitation(result.token)).toBeNull();
    expect(await listInvitations(owner, org.id)).toEqual([]);
  });

  it("an invitation expires after 7 days and can be withdrawn", async () => {
    const org = await makeOrg();
    const inv = await createInvitation(SYSTEM, { orgId: org.id, email: `${uniq("late")}@example.test`, role: "viewer" });
    const later = new Date(Date.now() + 7 * 24 * 3600_000 + 60_000);
    expect(await findInvitation(inv.token, later)).toBeNull();
    await expect(acceptInvitation(inv.token, { password: "my own chosen passphrase" }, {}, later)).rejects.toMatchObject({ code: "not_found" });
    await revokeInvitation(SYSTEM, inv.id);
    await expect(acceptInvitation(inv.token, { password: "my own chosen passphrase" })).rejects.toMatchObject({ code: "not_found" });
  });

  it("an existing account of another organisation is added only as itself: password and sessions untouched", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const ownerA = await actorOf((await account({ org: a.id, role: "owner" })).id);
    const victim = await account({ org: b.id, role: "owner" });
    const before = await (await prisma()).account.findUniqueOrThrow({ where: { id: victim.id } });
    const session = await signIn(victim.email);
    const result = await addMember(ownerA, { orgId: a.id, email: victim.email, role: "viewer", password: "attacker chosen pass" } as never);
    expect(result).toMatchObject({ kind: "added", email: victim.email });
    const after = await (await prisma()).account.findUniqueOrThrow({ where: { id: victim.id } });
    expect(after.passwordHash).toBe(before.passwordHash);
    expect(await loadSessionActor(victim.id, session.sessionId)).toMatchObject({ email: victim.email });
    expect(await verifyCredentials(victim.email, "attacker chosen pass")).toMatchObject({ ok: false });
    await signIn(victim.email);
  });

  it("no console actor may create an account with a password; only the operator may reset one", async () => {
    const org = await makeOrg();
    const owner = await actorOf((await account({ org: org.id, role: "owner" })).id);
    const superAdmin = await actorOf((await account({ superAdmin: true })).id);
    for (const actor of [owner, superAdmin]) {
      await expect(createAccount(actor, { email: `${uniq("x")}@example.test`, password: PASSWORD, orgId: org.id, role: "viewer" })).rejects.toMatchObject({ code: "not_found" });
    }
  });

  it("an admin cannot invite an owner, nor invite into another organisation", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const admin = await actorOf((await account({ org: a.id, role: "admin" })).id);
    await expect(addMember(admin, { orgId: a.id, email: `${uniq("o")}@example.test`, role: "owner" })).rejects.toMatchObject({ code: "not_found" });
    await expect(addMember(admin, { orgId: b.id, email: `${uniq("o")}@example.test`, role: "viewer" })).rejects.toMatchObject({ code: "not_found" });
    const inv = await createInvitation(SYSTEM, { orgId: b.id, email: `${uniq("o")}@example.test`, role: "viewer" });
    await expect(revokeInvitation(admin, inv.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(revokeInvitation(admin, "xyz")).rejects.toMatchObject({ code: "not_found" });
  });
});
