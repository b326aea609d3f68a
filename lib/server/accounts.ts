// Console accounts: sign-in, members, passwords. Nobody sets another person's password (SPEC §6):
// people without an account are invited (invitations.ts) and set their own; the operator's CLI
// (users:create, users:set-password) is the only other way a password is chosen.
import { randomBytes } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { isUuid } from "@/lib/ids";
import { hashPassword, MAX_PASSWORD_LENGTH, needsRehash, passwordProblem, verifyPassword } from "@/lib/password";
import { emailSchema, roleSchema } from "@/lib/schemas";
import { AppError } from "./errors";
import { assertOrgRole, isSuperAdmin, roleAtLeast, type Actor, type Role } from "./authz";
import { writeAudit, type RequestContext } from "./audit";
import { endAccountSessions, openAuthSession } from "./auth-sessions";
import { clearSignInFailures, reserveSignInAttempt } from "./sign-in-throttle";
import { createInvitation } from "./invitations";

type AccountWithMemberships = {
  id: string;
  email: string;
  name: string | null;
  isSuperAdmin: boolean;
  disabledAt: Date | null;
  memberships: { orgId: string; role: string; organization: { slug: string; name: string } }[];
};

/** Loads an account as an actor, so a disabled or demoted account loses access at once. */
export async function loadActor(accountId: string): Promise<Actor | "disabled" | null> {
  const db = await prisma();
  const account = await db.account.findUnique({
    where: { id: accountId },
    include: { memberships: { include: { organization: true } } },
  });
  return toActor(account);
}

/**
 * The actor behind a console session, checked on every request in one query: the session row
 * must still be open (not signed out, not ended by a password change, disabling or demotion).
 */
export async function loadSessionActor(accountId: string, sessionId: string, now = new Date()): Promise<Actor | "disabled" | null> {
  if (!isUuid(accountId) || !isUuid(sessionId)) return null;
  const db = await prisma();
  const session = await db.authSession.findFirst({
    where: { id: sessionId, accountId },
    select: { endedAt: true, expiresAt: true, account: { include: { memberships: { include: { organization: true } } } } },
  });
  if (!session) return null;
  // A disabled account is told so at /login (SPEC §7), even though disabling ended its sessions.
  if (session.account.disabledAt) return "disabled";
  if (session.endedAt || session.expiresAt <= now) return null;
  return toActor(session.account);
}

function toActor(account: AccountWithMemberships | null): Actor | "disabled" | null {
  if (!account) return null;
  if (account.disabledAt) return "disabled";
  return {
    kind: "account",
    id: account.id,
    email: account.email,
    name: account.name,
    isSuperAdmin: account.isSuperAdmin,
    memberships: account.memberships
      .map((m) => ({ orgId: m.orgId, slug: m.organization.slug, name: m.organization.name, role: m.role as Role }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

export type CredentialsResult =
  | { ok: true; account: { id: string; email: string; name: string | null }; sessionId: string }
  | { ok: false; reason: "invalid" | "disabled" }
  | { ok: false; reason: "locked"; lockedUntil: Date };

let dummyHash: Promise<string> | null = null;

async function signInAudit(entry: { accountId: string | null; email: string; action: string; reason?: string }, ctx: RequestContext): Promise<void> {
  const db = await prisma();
  await db.auditLog.create({
    data: {
      actorId: entry.accountId,
      actorLabel: entry.email.slice(0, 320),
      action: entry.action,
      targetType: "account",
      targetId: entry.accountId,
      after: entry.reason ? { reason: entry.reason } : undefined,
      ip: ctx.ip ?? null,
    },
  });
}

/**
 * Signs in with email and password (SPEC §6): throttled per email address in the database, every
 * failure and success in the audit log, and on success a new session row.
 */
export async function verifyCredentials(email: string, password: string, ctx: RequestContext = {}, now = new Date()): Promise<CredentialsResult> {
  const parsed = emailSchema.safeParse(email);
  const address = parsed.success ? parsed.data : String(email ?? "").trim().toLowerCase().slice(0, 320);
  if (!address) return { ok: false, reason: "invalid" };
  const verdict = await reserveSignInAttempt(address, now);
  const db = await prisma();
  const account = parsed.success ? await db.account.findUnique({ where: { email: address } }) : null;
  if (!verdict.allowed) {
    await signInAudit({ accountId: account?.id ?? null, email: address, action: "auth.sign_in_failed", reason: "locked" }, ctx);
    return { ok: false, reason: "locked", lockedUntil: verdict.lockedUntil };
  }
  // Compare against a dummy hash when the account is unknown, so timing does not reveal it.
  dummyHash ??= hashPassword(randomBytes(18).toString("base64url"));
  const hash = account?.passwordHash ?? (await dummyHash);
  const valid = !!password && password.length <= MAX_PASSWORD_LENGTH && (await verifyPassword(password, hash));
  if (!account || !valid) {
    await signInAudit({ accountId: account?.id ?? null, email: address, action: "auth.sign_in_failed", reason: account ? "wrong_password" : "unknown_account" }, ctx);
    return { ok: false, reason: "invalid" };
  }
  await clearSignInFailures(address);
  if (account.disabledAt) {
    await signInAudit({ accountId: account.id, email: address, action: "auth.sign_in_failed", reason: "disabled" }, ctx);
    return { ok: false, reason: "disabled" };
  }
  await db.account.update({
    where: { id: account.id },
    data: { lastLoginAt: now, ...(needsRehash(account.passwordHash) ? { passwordHash: await hashPassword(password) } : {}) },
  });
  const session = await openAuthSession(account.id, now);
  await signInAudit({ accountId: account.id, email: address, action: "auth.sign_in" }, ctx);
  return { ok: true, account: { id: account.id, email: account.email, name: account.name }, sessionId: session.id };
}

export interface CreateAccountInput {
  email: string;
  password: string;
  name?: string | null;
  superAdmin?: boolean;
  orgId?: string;
  role?: Role;
}

export async function createAccount(actor: Actor, input: CreateAccountInput, ctx: RequestContext = {}) {
  const email = emailSchema.safeParse(input.email);
  if (!email.success) throw new AppError("validation_failed", "Enter a valid email address.", { field: "email" });
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError("validation_failed", problem, { field: "password" });
  // Choosing a password for someone is the operator's alone (CLI); the console invites instead.
  if (actor.kind !== "system") throw new AppError("not_found", "Not found");

  const db = await prisma();
  if (await db.account.findUnique({ where: { email: email.data } })) {
    throw new AppError("conflict", `An account with email ${email.data} already exists.`, { field: "email" });
  }
  const passwordHash = await hashPassword(input.password);
  try {
    return await db.$transaction(async (tx) => {
      const account = await tx.account.create({
        data: { email: email.data, name: input.name ?? null, passwordHash, isSuperAdmin: !!input.superAdmin },
      });
      if (input.orgId) {
        await tx.membership.create({ data: { accountId: account.id, orgId: input.orgId, role: input.role ?? "viewer" } });
      }
      await writeAudit(tx, actor, {
        action: "account.create",
        targetType: "account",
        targetId: account.id,
        orgId: input.orgId ?? null,
        after: { email: account.email, superAdmin: account.isSuperAdmin, role: input.orgId ? (input.role ?? "viewer") : null },
      }, ctx);
      return { id: account.id, email: account.email };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AppError("conflict", `An account with email ${email.data} already exists.`, { field: "email" });
    throw err;
  }
}

async function findAccountByEmail(email: string) {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) throw new AppError("validation_failed", "Enter a valid email address.", { field: "email" });
  const db = await prisma();
  const account = await db.account.findUnique({ where: { email: parsed.data } });
  if (!account) throw new AppError("not_found", `No account with email ${parsed.data}.`);
  return account;
}

export async function setAccountDisabled(actor: Actor, email: string, disabled: boolean, ctx: RequestContext = {}) {
  const account = await findAccountByEmail(email);
  if (!isSuperAdmin(actor)) {
    // Owners may disable only accounts that belong solely to organisations they own.
    const db = await prisma();
    const memberships = await db.membership.findMany({ where: { accountId: account.id } });
    if (account.isSuperAdmin || memberships.length === 0) throw new AppError("not_found", "Not found");
    for (const m of memberships) assertOrgRole(actor, m.orgId, "owner");
  }
  if (actor.kind === "account" && actor.id === account.id && disabled) {
    throw new AppError("validation_failed", "You cannot disable your own account.");
  }
  const db = await prisma();
  await db.$transaction(async (tx) => {
    await tx.account.update({ where: { id: account.id }, data: { disabledAt: disabled ? new Date() : null } });
    if (disabled) await endAccountSessions(tx, account.id);
    await writeAudit(tx, actor, {
      action: disabled ? "account.disable" : "account.enable",
      targetType: "account",
      targetId: account.id,
      before: { disabled: !!account.disabledAt },
      after: { disabled },
    }, ctx);
  });
  return { id: account.id, email: account.email, disabled };
}

/** Sets (or with role "none" removes) an account's role in an organisation. */
export async function setMemberRole(actor: Actor, input: { email: string; orgId: string; role: Role | "none" }, ctx: RequestContext = {}) {
  assertOrgRole(actor, input.orgId, "admin");
  if (input.role !== "none") roleSchema.parse(input.role);
  const account = await findAccountByEmail(input.email);
  const db = await prisma();
  const existing = await db.membership.findUnique({ where: { accountId_orgId: { accountId: account.id, orgId: input.orgId } } });
  // Only owners may grant, change or take away the owner role.
  if (input.role === "owner" || existing?.role === "owner") assertOrgRole(actor, input.orgId, "owner");
  if (existing?.role === "owner" && input.role !== "owner") {
    const owners = await db.membership.count({ where: { orgId: input.orgId, role: "owner" } });
    if (owners <= 1 && !isSuperAdmin(actor)) throw new AppError("validation_failed", "An organisation needs at least one owner.");
  }
  await db.$transaction(async (tx) => {
    const demoted = !!existing && (input.role === "none" || !roleAtLeast(input.role, existing.role as Role));
    if (demoted) await endAccountSessions(tx, account.id);
    if (input.role === "none") {
      if (existing) await tx.membership.delete({ where: { id: existing.id } });
    } else {
      await tx.membership.upsert({
        where: { accountId_orgId: { accountId: account.id, orgId: input.orgId } },
        create: { accountId: account.id, orgId: input.orgId, role: input.role },
        update: { role: input.role },
      });
    }
    await writeAudit(tx, actor, {
      action: "membership.set_role",
      targetType: "account",
      targetId: account.id,
      orgId: input.orgId,
      before: { role: existing?.role ?? "none" },
      after: { role: input.role },
    }, ctx);
  });
  return { email: account.email, role: input.role };
}

export interface MemberRow {
  accountId: string;
  email: string;
  name: string | null;
  role: Role;
  disabled: boolean;
  lastLoginAt: string | null;
}

export async function listMembers(actor: Actor, orgId: string): Promise<MemberRow[]> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const rows = await db.membership.findMany({ where: { orgId }, include: { account: true }, orderBy: { account: { email: "asc" } } });
  return rows.map((m) => ({
    accountId: m.accountId,
    email: m.account.email,
    name: m.account.name,
    role: m.role as Role,
    disabled: !!m.account.disabledAt,
    lastLoginAt: m.account.lastLoginAt?.toISOString() ?? null,
  }));
}

export type AddMemberResult =
  | { kind: "added"; id: string; email: string }
  | { kind: "invited"; email: string; invitationId: string; token: string; expiresAt: string };

/**
 * Adds a member (SPEC §6): an existing account is added only as itself (its password and sessions
 * untouched); an email with no account gets an invitation, whose one-time token is returned once.
 */
export async function addMember(actor: Actor, input: { orgId: string; email: string; role: Role }, ctx: RequestContext = {}): Promise<AddMemberResult> {
  assertOrgRole(actor, input.orgId, input.role === "owner" ? "owner" : "admin");
  const role = roleSchema.parse(input.role);
  const email = emailSchema.safeParse(input.email);
  if (!email.success) throw new AppError("validation_failed", "Enter a valid email address.", { field: "email" });
  const db = await prisma();
  const existing = await db.account.findUnique({ where: { email: email.data } });
  if (!existing) {
    const invitation = await createInvitation(actor, { orgId: input.orgId, email: email.data, role }, ctx);
    return { kind: "invited", email: email.data, invitationId: invitation.id, token: invitation.token, expiresAt: invitation.expiresAt };
  }
  const member = await db.membership.findUnique({ where: { accountId_orgId: { accountId: existing.id, orgId: input.orgId } } });
  if (member) throw new AppError("conflict", `${email.data} is already a member.`, { field: "email" });
  await setMemberRole(actor, { email: email.data, orgId: input.orgId, role }, ctx);
  return { kind: "added", id: existing.id, email: existing.email };
}

/** Changes the signed-in person's own password (current one required); their other sessions end. */
export async function changeOwnPassword(
  actor: Actor,
  input: { currentPassword: string; newPassword: string },
  options: { keepSessionId?: string | null; ctx?: RequestContext } = {},
): Promise<void> {
  if (actor.kind !== "account") throw new AppError("not_found", "Not found");
  const db = await prisma();
  const account = await db.account.findUnique({ where: { id: actor.id } });
  if (!account) throw new AppError("not_found", "Not found");
  const current = input.currentPassword ?? "";
  if (!current || current.length > MAX_PASSWORD_LENGTH || !(await verifyPassword(current, account.passwordHash))) {
    throw new AppError("validation_failed", "The current password is not right.", { field: "currentPassword" });
  }
  const problem = passwordProblem(input.newPassword ?? "");
  if (problem) throw new AppError("validation_failed", problem, { field: "newPassword" });
  if (input.newPassword === current) throw new AppError("validation_failed", "Choose a password different from the current one.", { field: "newPassword" });
  const passwordHash = await hashPassword(input.newPassword);
  await db.$transaction(async (tx) => {
    await tx.account.update({ where: { id: account.id }, data: { passwordHash } });
    const ended = await endAccountSessions(tx, account.id, { keep: options.keepSessionId ?? null });
    await writeAudit(tx, actor, { action: "account.password_change", targetType: "account", targetId: account.id, after: { otherSessionsEnded: ended } }, options.ctx ?? {});
  });
}

/** The operator's password reset (`users:set-password`): every session of the account ends. */
export async function resetPassword(actor: Actor, input: { email: string; password: string }, ctx: RequestContext = {}) {
  if (actor.kind !== "system") throw new AppError("not_found", "Not found");
  const problem = passwordProblem(input.password);
  if (problem) throw new AppError("validation_failed", problem, { field: "password" });
  const account = await findAccountByEmail(input.email);
  const passwordHash = await hashPassword(input.password);
  const db = await prisma();
  const ended = await db.$transaction(async (tx) => {
    await tx.account.update({ where: { id: account.id }, data: { passwordHash } });
    const count = await endAccountSessions(tx, account.id);
    await writeAudit(tx, actor, { action: "account.password_reset", targetType: "account", targetId: account.id, after: { sessionsEnded: count } }, ctx);
    return count;
  });
  await clearSignInFailures(account.email);
  return { email: account.email, sessionsEnded: ended };
}

/**
 * Creates the super admin from ADMIN_EMAIL / ADMIN_PASSWORD on start if that account does not
 * exist yet; an existing account is never changed (SPEC §2).
 */
export async function bootstrapSuperAdmin(env: { email?: string; password?: string }): Promise<
  { status: "created"; email: string; generatedPassword?: string } | { status: "exists"; email: string; isSuperAdmin: boolean }
> {
  const db = await prisma();
  const email = (env.email ?? "admin@localhost").trim().toLowerCase();
  const existing = await db.account.findUnique({ where: { email } });
  if (existing) return { status: "exists", email, isSuperAdmin: existing.isSuperAdmin };
  const generated = env.password ? undefined : randomBytes(12).toString("base64url");
  const password = env.password ?? generated!;
  const problem = passwordProblem(password);
  if (problem) throw new AppError("validation_failed", `ADMIN_PASSWORD: ${problem}`);
  const passwordHash = await hashPassword(password);
  try {
    await db.$transaction(async (tx) => {
      const account = await tx.account.create({ data: { email, passwordHash, isSuperAdmin: true, name: "Administrator" } });
      await writeAudit(tx, { kind: "system", label: "bootstrap" }, { action: "account.create", targetType: "account", targetId: account.id, after: { email, superAdmin: true } });
    });
  } catch (err) {
    // Another instance created it at the same moment.
    if ((err as { code?: string }).code === "P2002") return { status: "exists", email, isSuperAdmin: true };
    throw err;
  }
  return { status: "created", email, generatedPassword: generated };
}
