// Invitations (SPEC §6 "nobody chooses another person's password"): an owner or admin who adds a
// member with no account creates a one-time link, valid for 7 days and shown once (only a hash of
// its token is stored), with which that person sets their own password.
import { createHash, randomBytes } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { isUuid } from "@/lib/ids";
import { hashPassword, passwordProblem } from "@/lib/password";
import { emailSchema, roleSchema } from "@/lib/schemas";
import { AppError } from "./errors";
import { assertOrgRole, type Actor, type Role } from "./authz";
import { writeAudit, type RequestContext } from "./audit";

export const INVITATION_TTL_MS = 7 * 24 * 3600_000;
const TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates an invitation; the token is returned here once and never stored. Older pending ones for the same address end. */
export async function createInvitation(actor: Actor, input: { orgId: string; email: string; role: Role }, ctx: RequestContext = {}, now = new Date()) {
  assertOrgRole(actor, input.orgId, input.role === "owner" ? "owner" : "admin");
  const role = roleSchema.parse(input.role);
  const email = emailSchema.safeParse(input.email);
  if (!email.success) throw new AppError("validation_failed", "Enter a valid email address.", { field: "email" });
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + INVITATION_TTL_MS);
  const db = await prisma();
  const row = await db.$transaction(async (tx) => {
    await tx.invitation.updateMany({ where: { orgId: input.orgId, email: email.data, acceptedAt: null, revokedAt: null }, data: { revokedAt: now } });
    const row = await tx.invitation.create({
      data: { orgId: input.orgId, email: email.data, role, tokenHash: hashToken(token), createdById: actor.kind === "account" ? actor.id : null, expiresAt },
    });
    await writeAudit(tx, actor, { action: "invitation.create", targetType: "invitation", targetId: row.id, orgId: input.orgId, after: { email: email.data, role, expiresAt } }, ctx);
    return row;
  });
  return { id: row.id, email: email.data, role, token, expiresAt: expiresAt.toISOString() };
}

export interface InvitationRow {
  id: string;
  email: string;
  role: Role;
  createdAt: string;
  expiresAt: string;
  createdBy: string | null;
}

/** Pending invitations of an organisation (not accepted, revoked or expired). */
export async function listInvitations(actor: Actor, orgId: string, now = new Date()): Promise<InvitationRow[]> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const rows = await db.invitation.findMany({
    where: { orgId, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
    include: { createdBy: { select: { email: true } } },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((r) => ({ id: r.id, email: r.email, role: r.role as Role, createdAt: r.createdAt.toISOString(), expiresAt: r.expiresAt.toISOString(), createdBy: r.createdBy?.email ?? null }));
}

export async function revokeInvitation(actor: Actor, id: string, ctx: RequestContext = {}) {
  if (!isUuid(id)) throw new AppError("not_found", "Not found");
  const db = await prisma();
  const row = await db.invitation.findUnique({ where: { id } });
  if (!row) throw new AppError("not_found", "Not found");
  assertOrgRole(actor, row.orgId, row.role === "owner" ? "owner" : "admin");
  await db.$transaction(async (tx) => {
    await tx.invitation.updateMany({ where: { id, acceptedAt: null, revokedAt: null }, data: { revokedAt: new Date() } });
    await writeAudit(tx, actor, { action: "invitation.revoke", targetType: "invitation", targetId: id, orgId: row.orgId, before: { email: row.email, role: row.role } }, ctx);
  });
  return { email: row.email };
}

export interface InvitationView {
  email: string;
  role: Role;
  orgName: string;
  expiresAt: string;
}

/** What an invitation link offers, or null when the link is unknown, used, revoked or expired. */
export async function findInvitation(token: string, now = new Date()): Promise<InvitationView | null> {
  if (!TOKEN_PATTERN.test(token)) return null;
  const db = await prisma();
  const row = await db.invitation.findUnique({ where: { tokenHash: hashToken(token) }, include: { organization: { select: { name: true } } } });
  if (!row || row.acceptedAt || row.revokedAt || row.expiresAt <= now) return null;
  return { email: row.email, role: row.role as Role, orgName: row.organization.name, expiresAt: row.expiresAt.toISOString() };
}

const INVALID_LINK = "This invitation link is not valid any more: it was used, withdrawn or is older than 7 days. Ask for a new one.";

/** Accepts an invitation: creates the account with the password its owner chose and the membership. */
export async function acceptInvitation(token: string, input: { password: string; name?: string | null }, ctx: RequestContext = {}, now = new Date()) {
  if (!TOKEN_PATTERN.test(token)) throw new AppError("not_found", INVALID_LINK);
  const problem = passwordProblem(input.password ?? "");
  if (problem) throw new AppError("validation_failed", problem, { field: "password" });
  const name = input.name?.trim().slice(0, 200) || null;
  const passwordHash = await hashPassword(input.password);
  const db = await prisma();
  try {
    return await db.$transaction(async (tx) => {
      const row = await tx.invitation.findUnique({ where: { tokenHash: hashToken(token) } });
      if (!row) throw new AppError("not_found", INVALID_LINK);
      // One use only: the conditional update lets exactly one of two racing acceptances through.
      const { count } = await tx.invitation.updateMany({ where: { id: row.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } }, data: { acceptedAt: now } });
      if (count !== 1) throw new AppError("not_found", INVALID_LINK);
      if (await tx.account.findUnique({ where: { email: row.email } })) {
        throw new AppError("conflict", `An account for ${row.email} exists already: sign in with it and ask to be added to the organisation.`);
      }
      const account = await tx.account.create({ data: { email: row.email, name, passwordHash } });
      await tx.membership.create({ data: { accountId: account.id, orgId: row.orgId, role: row.role } });
      await writeAudit(tx, { kind: "account", id: account.id, email: account.email, name, isSuperAdmin: false, memberships: [] }, {
        action: "invitation.accept",
        targetType: "account",
        targetId: account.id,
        orgId: row.orgId,
        after: { email: account.email, role: row.role, invitationId: row.id },
      }, ctx);
      return { email: account.email };
    });
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AppError("conflict", "An account for this email exists already: sign in with it.");
    throw err;
  }
}
