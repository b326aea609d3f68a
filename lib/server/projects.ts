import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { prisma } from "@/lib/db/client";
import { assertOrgRole, type Actor } from "./authz";

type Tx = PrismaNs.TransactionClient;

/** Projects and end users are created on first sight (SPEC §4); safe under concurrency. */
export async function ensureProject(tx: Tx, orgId: string, key: string) {
  return tx.project.upsert({
    where: { orgId_key: { orgId, key } },
    create: { orgId, key, name: key },
    update: {},
  });
}

export async function ensureEndUser(tx: Tx, orgId: string, externalId: string, info: { email?: string | null; name?: string | null } = {}) {
  return tx.endUser.upsert({
    where: { orgId_externalId: { orgId, externalId } },
    create: { orgId, externalId, email: info.email ?? null, name: info.name ?? null },
    update: {
      ...(info.email ? { email: info.email } : {}),
      ...(info.name ? { name: info.name } : {}),
    },
  });
}

export async function listProjects(actor: Actor, orgId: string) {
  assertOrgRole(actor, orgId);
  const db = await prisma();
  const rows = await db.project.findMany({ where: { orgId }, orderBy: { key: "asc" } });
  return rows.map((p) => ({ id: p.id, key: p.key, name: p.name }));
}
