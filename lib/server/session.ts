// Page, server-action and route-handler entry point to the data layer: who is signed in, loaded
// fresh from the database on every request (a disabled or demoted account loses access at once).
import { getServerSession } from "next-auth";
import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getAuthOptions, servedOverHttps } from "./auth-options";
import { loadSessionActor } from "./accounts";
import { assertOrgRole, canAccessOrg, isSuperAdmin, type Actor, type MembershipInfo, type Role } from "./authz";
import { isAppError } from "./errors";
import { clientIp, type RequestContext } from "./audit";
import { prisma } from "@/lib/db/client";

export type AccountActor = Extract<Actor, { kind: "account" }>;

/** The signed-in session's account and session ids, or null. */
export async function currentSession(): Promise<{ accountId: string; sessionId: string } | null> {
  const session = (await getServerSession(await getAuthOptions(servedOverHttps(await headers())))) as { accountId?: string; sessionId?: string } | null;
  if (!session?.accountId || !session.sessionId) return null;
  return { accountId: session.accountId, sessionId: session.sessionId };
}

/** The signed-in actor, or null (no session, an ended session, unknown or disabled account). */
export async function currentActor(): Promise<AccountActor | "disabled" | null> {
  const session = await currentSession();
  if (!session) return null;
  const actor = await loadSessionActor(session.accountId, session.sessionId);
  if (actor === "disabled") return "disabled";
  return actor && actor.kind === "account" ? actor : null;
}

export async function requireUser(): Promise<AccountActor> {
  const actor = await currentActor();
  if (actor === "disabled") redirect("/login?error=disabled");
  if (!actor) redirect("/login");
  return actor;
}

export async function requireSuperAdmin(): Promise<AccountActor> {
  const actor = await requireUser();
  if (!isSuperAdmin(actor)) notFound();
  return actor;
}

export interface OrgScope {
  actor: AccountActor;
  /** The selected organisation; null means "all organisations" (super admins only). */
  org: { id: string; slug: string; name: string } | null;
  role: Role | "super_admin";
}

/**
 * Resolves `?org=<slug>` for a page: super admins may pick any organisation or none (all);
 * members get their organisation (the first one when none is named). Unknown or foreign
 * organisations are a 404, as SPEC §6 asks.
 *
 * The URL is the one source of truth for the selected organisation (the switcher reads it): a
 * page that passes `path` and has to pick an organisation itself redirects to `path?org=<slug>`.
 */
export async function requireOrgScope(slug: string | undefined | null, min: Role = "viewer", options: { allowAll?: boolean; path?: string } = {}): Promise<OrgScope> {
  const scope = await resolveOrgScope(slug, min, options);
  if (!slug && scope.org && options.path) redirect(`${options.path}?org=${encodeURIComponent(scope.org.slug)}`);
  return scope;
}

async function resolveOrgScope(slug: string | undefined | null, min: Role, options: { allowAll?: boolean }): Promise<OrgScope> {
  const actor = await requireUser();
  if (slug) {
    const db = await prisma();
    const org = await db.organization.findUnique({ where: { slug } });
    if (!org || !canAccessOrg(actor, org.id, min)) notFound();
    const role = isSuperAdmin(actor) ? "super_admin" : actor.memberships.find((m) => m.orgId === org.id)!.role;
    return { actor, org: { id: org.id, slug: org.slug, name: org.name }, role };
  }
  if (isSuperAdmin(actor)) {
    if (options.allowAll) return { actor, org: null, role: "super_admin" };
    const db = await prisma();
    const first = await db.organization.findFirst({ orderBy: { name: "asc" } });
    return { actor, org: first ? { id: first.id, slug: first.slug, name: first.name } : null, role: "super_admin" };
  }
  const first: MembershipInfo | undefined = actor.memberships.find((m) => canAccessOrg(actor, m.orgId, min));
  if (!first) notFound();
  return { actor, org: { id: first.orgId, slug: first.slug, name: first.name }, role: first.role };
}

/** For server actions: the actor, re-checked, plus the request context for the audit log. */
export async function actionContext(): Promise<{ actor: AccountActor; ctx: RequestContext }> {
  const actor = await requireUser();
  return { actor, ctx: { ip: clientIp(await headers()) } };
}

/** Re-checks an organisation role inside a server action; another org's id is "not found". */
export function assertActionOrgRole(actor: Actor, orgId: string, min: Role): void {
  assertOrgRole(actor, orgId, min);
}

/** Form-friendly result of a server action. */
export interface ActionState {
  ok?: boolean;
  message?: string;
  errors?: Record<string, string>;
  data?: Record<string, string>;
}

/** Turns a data-layer error into a form message (field errors where the error names a field). */
export function actionError(err: unknown): ActionState {
  if (isAppError(err)) {
    const field = (err.details as { field?: string } | undefined)?.field;
    if (err.code === "not_found") return { ok: false, message: "Not found." };
    return { ok: false, message: err.message, errors: field ? { [field]: err.message } : undefined };
  }
  if (err && typeof err === "object" && "issues" in err) {
    const issues = (err as { issues: { path: PropertyKey[]; message: string }[] }).issues;
    const errors: Record<string, string> = {};
    for (const i of issues) errors[String(i.path[0] ?? "form")] ??= i.message;
    return { ok: false, message: issues[0]?.message ?? "Invalid input.", errors };
  }
  throw err;
}
