import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { prisma } from "@/lib/db/client";
import { assertOrgRole, type Actor } from "./authz";

type Tx = PrismaNs.TransactionClient;

/**
 * Projects and end users are created on first sight (SPEC §4). INSERT … ON CONFLICT, not Prisma's
 * upsert (a find then a create, which fails when two requests see the same new project at once).
 */
export async function ensureProject(tx: Tx, orgId: string, key: string) {
  await tx.$executeRaw`INSERT INTO projects (org_id, key, name) VALUES (${orgId}::uuid, ${key}, ${key})
    ON CONFLICT (org_id, key) DO NOTHING`;
  return tx.project.findUniqueOrThrow({ where: { orgId_key: { orgId, key } } });
}

export async function ensureEndUser(tx: Tx, orgId: string, externalId: string, info: { email?: string | null; name?: string | null } = {}) {
  const email = info.email || null;
  const name = info.name || null;
  await tx.$executeRaw`INSERT INTO end_users (org_id, external_id, email, name) VALUES (${orgId}::uuid, ${externalId}, ${email}, ${name})
    ON CONFLICT (org_id, external_id) DO UPDATE
      SET email = COALESCE(EXCLUDED.email, end_users.email), name = COALESCE(EXCLUDED.name, end_users.name)
      WHERE EXCLUDED.email IS NOT NULL OR EXCLUDED.name IS NOT NULL`;
  return tx.endUser.findUniqueOrThrow({ where: { orgId_externalId: { orgId, externalId } } });
}

export async function listProjects(actor: Actor, orgId: string) {
  assertOrgRole(actor, orgId);
  const db = await prisma();
  const rows = await db.project.findMany({ where: { orgId }, orderBy: { key: "asc" } });
  return rows.map((p) => ({ id: p.id, key: p.key, name: p.name }));
}
