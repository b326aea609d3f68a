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
