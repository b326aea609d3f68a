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
  | { kind: "system"; label: string }
  // An application calling the public API with a key: it reads its own organisation only and is
  // never a super admin (unlike "system", which is the operator's CLI and start-up).
  | { kind: "api_key"; label: string; keyId: string; orgId: string; projectId: string | null };

const RANK: Record<Role, number> = { viewer: 1, admin: 2, owner: 3 };

export function roleAtLeast(role: Role, min: Role): boolean {
  return RANK[role] >= RANK[min];
}

export function isSuperAdmin(actor: Actor): boolean {
  if (actor.kind === "api_key") return false;
  return actor.kind === "system" || actor.isSuperAdmin;
}

export function actorLabel(actor: Actor): string {
  return actor.kind === "account" ? actor.email : actor.label;
}

export function actorAccountId(actor: Actor): string | null {
  return actor.kind === "account" ? actor.id : null;
}

export function roleIn(actor: Actor, orgId: string): Role | null {
  if (actor.kind === "system") return "owner";
  if (actor.kind === "api_key") return actor.orgId === orgId ? "viewer" : null;
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
  if (actor.kind === "api_key") return roleAtLeast("viewer", min) ? [actor.orgId] : [];
  if (actor.kind === "system" || actor.isSuperAdmin) return null;
  return actor.memberships.filter((m) => roleAtLeast(m.role, min)).map((m) => m.orgId);
}

/** A Prisma `where` fragment limiting rows to the organisations the actor may read. */
export function orgWhere(actor: Actor, min: Role = "viewer"): { orgId?: { in: string[] } } {
  const ids = readableOrgIds(actor, min);
  return ids === null ? {} : { orgId: { in: ids } };
}

/** The actor of a public-API request: the key's organisation, read-only, never a super admin. */
export function apiKeyActor(principal: { keyId: string; prefix: string; orgId: string; projectId: string | null }): Actor {
  return { kind: "api_key", label: `api_key:${principal.prefix}`, keyId: principal.keyId, orgId: principal.orgId, projectId: principal.projectId };
}
