import { prisma } from "@/lib/db/client";
import type { Actor, Role } from "@/lib/server/authz";
import { loadActor } from "@/lib/server/accounts";
import { importPrices, type PriceImportEntry } from "@/lib/server/pricing";

export const SYSTEM: Actor = { kind: "system", label: "test" };

let counter = 0;
export function uniq(prefix: string): string {
  counter += 1;
  return `${prefix}-${process.pid}-${counter}`;
}

export async function makeOrg(slug = uniq("org")) {
  const db = await prisma();
  return db.organization.create({ data: { slug, name: slug.toUpperCase() } });
}

/** An account with a role in an organisation, loaded as the actor a page or action would see. */
export async function makeMember(orgId: string | null, role: Role | null, opts: { superAdmin?: boolean } = {}): Promise<Actor> {
  const db = await prisma();
  const account = await db.account.create({
    data: { email: `${uniq("user")}@example.test`, passwordHash: "x", isSuperAdmin: !!opts.superAdmin },
  });
  if (orgId && role) await db.membership.create({ data: { accountId: account.id, orgId, role } });
  const actor = await loadActor(account.id);
  if (!actor || actor === "disabled") throw new Error("fixture account not loadable");
  return actor;
}

/**
 * Adds a price version to the catalog as a test's own: the given rates, and no alias, cache or
 * per-request price and in force since 2024-01-01 unless given.
 */
export async function importTestPrice(price: Pick<PriceImportEntry, "provider" | "model" | "inputPerMtok" | "outputPerMtok"> & Partial<PriceImportEntry>) {
  const entry: PriceImportEntry = { aliases: [], cachedInputPerMtok: null, cacheWritePerMtok: null, perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z"), ...price };
  return importPrices(SYSTEM, [entry], { source: "test" });
}
