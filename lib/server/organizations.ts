import { z } from "zod";
import { prisma } from "@/lib/db/client";
import { AppError } from "./errors";
import { assertOrgRole, assertSuperAdmin, orgWhere, type Actor } from "./authz";
import { writeAudit, type RequestContext } from "./audit";
import { organizationInputSchema } from "@/lib/schemas";

export interface OrganizationSummary {
  id: string;
  slug: string;
  name: string;
  storeContent: boolean;
  createdAt: string;
  members: number;
  projects: number;
}

export async function createOrganization(
  actor: Actor,
  input: z.input<typeof organizationInputSchema>,
  ctx: RequestContext = {},
): Promise<OrganizationSummary> {
  assertSuperAdmin(actor);
  const data = organizationInputSchema.parse(input);
  const db = await prisma();
  const existing = await db.organization.findUnique({ where: { slug: data.slug } });
  if (existing) throw new AppError("conflict", `An organisation with slug "${data.slug}" already exists.`);
  try {
    const org = await db.$transaction(async (tx) => {
      const org = await tx.organization.create({ data: { slug: data.slug, name: data.name } });
      await tx.alertSettings.create({ data: { orgId: org.id } });
      await writeAudit(tx, actor, { action: "organization.create", targetType: "organization", targetId: org.id, orgId: org.id, after: { slug: org.slug, name: org.name } }, ctx);
      return org;
    });
    return { id: org.id, slug: org.slug, name: org.name, storeContent: org.storeContent, createdAt: org.createdAt.toISOString(), members: 0, projects: 0 };
  } catch (err) {
    if ((err as { code?: string }).code === "P2002") throw new AppError("conflict", `An organisation with slug "${data.slug}" already exists.`);
    throw err;
  }
}

export async function listOrganizations(actor: Actor): Promise<OrganizationSummary[]> {
  const db = await prisma();
  const idFilter = orgWhere(actor).orgId;
  const orgs = await db.organization.findMany({
    where: idFilter ? { id: idFilter } : {},
    orderBy: { name: "asc" },
    include: { _count: { select: { memberships: true, projects: true } } },
  });
  return orgs.map((o) => ({
    id: o.id,
    slug: o.slug,
    name: o.name,
    storeContent: o.storeContent,
    createdAt: o.createdAt.toISOString(),
    members: o._count.memberships,
    projects: o._count.projects,
  }));
}

/** The organisation with this slug, if the actor may see it (else not_found). */
export async function getOrganizationBySlug(actor: Actor, slug: string) {
  const db = await prisma();
  const org = await db.organization.findUnique({ where: { slug } });
  if (!org) throw new AppError("not_found", `Unknown organisation "${slug}".`);
  assertOrgRole(actor, org.id);
  return { id: org.id, slug: org.slug, name: org.name, storeContent: org.storeContent };
}

export async function setStoreContent(actor: Actor, orgId: string, storeContent: boolean, ctx: RequestContext = {}) {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  await db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: orgId } });
    await tx.organization.update({ where: { id: orgId }, data: { storeContent } });
    await writeAudit(tx, actor, { action: "organization.store_content", targetType: "organization", targetId: orgId, orgId, before: { storeContent: before.storeContent }, after: { storeContent } }, ctx);
  });
}

const nameSchema = z.string().trim().min(1, "Give the organisation a name.").max(120, "Name must be at most 120 characters.");

/** Renames an organisation (owners of it, super admins); the slug stays. Audited. */
export async function renameOrganization(actor: Actor, orgId: string, name: string, ctx: RequestContext = {}): Promise<{ id: string; slug: string; name: string }> {
  assertOrgRole(actor, orgId, "owner");
  const parsed = nameSchema.safeParse(name);
  if (!parsed.success) throw new AppError("validation_failed", parsed.error.issues[0].message, { field: "name" });
  const db = await prisma();
  return db.$transaction(async (tx) => {
    const before = await tx.organization.findUniqueOrThrow({ where: { id: orgId } });
    const org = await tx.organization.update({ where: { id: orgId }, data: { name: parsed.data } });
    await writeAudit(tx, actor, { action: "organization.rename", targetType: "organization", targetId: orgId, orgId, before: { name: before.name }, after: { name: org.name } }, ctx);
    return { id: org.id, slug: org.slug, name: org.name };
  });
}

/**
 * Deletes an organisation with everything it owns (super admins only). `confirmSlug` must repeat
 * its slug — the typed confirmation of the console. The audit entry outlives it.
 */
export async function deleteOrganization(actor: Actor, orgId: string, confirmSlug: string, ctx: RequestContext = {}): Promise<void> {
  assertSuperAdmin(actor);
  const db = await prisma();
  const org = await db.organization.findUnique({ where: { id: orgId } });
  if (!org) throw new AppError("not_found", "Organisation not found.");
  if (confirmSlug.trim() !== org.slug) throw new AppError("validation_failed", `Type the slug "${org.slug}" to confirm.`, { field: "confirm" });
  await db.$transaction(async (tx) => {
    await writeAudit(tx, actor, { action: "organization.delete", targetType: "organization", targetId: orgId, orgId: null, before: { slug: org.slug, name: org.name } }, ctx);
    await tx.organization.delete({ where: { id: orgId } });
  });
}
