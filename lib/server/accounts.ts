import { prisma } from "@/lib/db/client";
import { hashPassword, passwordProblem, verifyPassword } from "@/lib/password";
import { emailSchema, roleSchema } from "@/lib/schemas";
import { AppError } from "./errors";
import { assertOrgRole, isSuperAdmin, type Actor, type Role } from "./authz";
import { writeAudit, type RequestContext } from "./audit";

/** Loads the actor behind a session on every request, so a disabled or demoted account loses access at once. */
export async function loadActor(accountId: string): Promise<Actor | "disabled" | null> {
  const db = await prisma();
  const account = await db.account.findUnique({
    where: { id: accountId },
    include: { memberships: { include: { organization: true } } },
  });
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
  | { ok: true; account: { id: string; email: string; name: string | null } }
  | { ok: false; reason: "invalid" | "disabled" };

export async function verifyCredentials(email: string, password: string): Promise<CredentialsResult> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success || !password) return { ok: false, reason: "invalid" };
  const db = await prisma();
  const account = await db.account.findUnique({ where: { email: parsed.data } });
  // Compare against a dummy hash when the account is unknown, so timing does not reveal it.
  const hash = account?.passwordHash ?? "$2b$11$C6UzMDM.H6dfI/f/IKxGhu0QJ8zGXhQyXfMx0Q5bIqzbJg0XeY6yS";
  const valid = await verifyPassword(password, hash);
  if (!account || !valid) return { ok: false, reason: "invalid" };
  if (account.disabledAt) return { ok: false, reason: "disabled" };
  await db.account.update({ where: { id: account.id }, data: { lastLoginAt: new Date() } });
  return { ok: true, account: { id: account.id, email: account.email, name: account.name } };
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
  if (input.superAdmin && !isSuperAdmin(actor)) throw new AppError("not_found", "Not found");
  if (input.orgId) assertOrgRole(actor, input.orgId, "admin");
  else if (!isSuperAdmin(actor)) throw new AppError("not_found", "Not found");
  if (input.role === "owner" && input.orgId) assertOrgRole(actor, input.orgId, "owner");

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

/** Adds an existing account to an organisation, or creates it with the given password. */
export async function addMember(
  actor: Actor,
  input: { orgId: string; email: string; role: Role; password?: string; name?: string },
  ctx: RequestContext = {},
) {
  assertOrgRole(actor, input.orgId, input.role === "owner" ? "owner" : "admin");
  const email = emailSchema.safeParse(input.email);
  if (!email.success) throw new AppError("validation_failed", "Enter a valid email address.", { field: "email" });
  const db = await prisma();
  const existing = await db.account.findUnique({ where: { email: email.data } });
  if (!existing) {
    if (!input.password) throw new AppError("validation_failed", "This email has no account yet: set a password for it.", { field: "password" });
    return createAccount(actor, { email: email.data, password: input.password, name: input.name, orgId: input.orgId, role: input.role }, ctx);
  }
  const member = await db.membership.findUnique({ where: { accountId_orgId: { accountId: existing.id, orgId: input.orgId } } });
  if (member) throw new AppError("conflict", `${email.data} is already a member.`, { field: "email" });
  await setMemberRole(actor, { email: email.data, orgId: input.orgId, role: input.role }, ctx);
  return { id: existing.id, email: existing.email };
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
  const { randomBytes } = await import("node:crypto");
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
