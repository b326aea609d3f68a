// Who is asking, and what they may touch. Every data-layer function takes an Actor and calls one
// of the assert* helpers before reading or writing; another organisation's ids answer "not found".
import { AppError } from "./errors";

export type Role = "owner" | "admin" | "viewer";
export const ROLES: readonly Role[] = ["owner", "admin", "viewer"];

export interface MembershipInfo {
  orgId: string;
  slug: string;
  name: string;
  role: Role;
}

export type Actor =
  | {
      kind: "account";
      id: string;
      email: string;
      name: string | null;
      isSuperAdmin: boolean;
      memberships: MembershipInfo[];
    }
  | { kind: "system"; label: string };

const RANK: Record<Role, number> = { viewer: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

export function isSuperAdmin(actor: Actor): boolean {
  return actor.kind === "system" || actor.isSuperAdmin;
}

export function actorLabel(actor: Actor): string {
  return actor.kind === "system" ? actor.label : actor.email;
}

export function actorAccountId(actor: Actor): string | null {
  return actor.kind === "account" ? actor.id : null;
}

export function roleIn(actor: Actor, orgId: string): Role | null {
  if (actor.kind === "system") return "owner";
  return actor.memberships.find((m) => m.orgId === orgId)?.role ?? null;
}

export function canAccessOrg(actor: Actor, orgId: string, min: Role = "viewer"): boolean {
  if (isSuperAdmin(actor)) return true;
  const role = roleIn(actor, orgId);
  return role !== null && roleAtLeast(role, min);
}

/** Throws not_found (never "forbidden") so that ids of other organisations are not confirmed. */
export function assertOrgRole(actor: Actor, orgId: string, min: Role = "viewer"): void {
  if (!canAccessOrg(actor, orgId, min)) throw new AppError("not_found", "Not found");
}

export function assertSuperAdmin(actor: Actor): void {
  if (!isSuperAdmin(actor)) throw new AppError("not_found", "Not found");
}

/** Organisation ids the actor may read with at least `min`; null means every organisation. */
export function readableOrgIds(actor: Actor, min: Role = "viewer"): string[] | null {
  if (actor.kind === "system" || actor.isSuperAdmin) return null;
  return actor.memberships.filter((m) => roleAtLeast(m.role, min)).map((m) => m.orgId);
}

/** A Prisma `where` fragment limiting rows to the organisations the actor may read. */
export function orgWhere(actor: Actor, min: Role = "viewer"): { orgId?: { in: string[] } } {
  const ids = readableOrgIds(actor, min);
  return ids === null ? {} : { orgId: { in: ids } };
}
