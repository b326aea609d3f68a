import { prisma } from "@/lib/db/client";
import { CliError } from "./args";

export async function orgIdBySlug(slug: string): Promise<string> {
  const db = await prisma();
  const org = await db.organization.findUnique({ where: { slug } });
  if (!org) throw new CliError(`unknown organisation "${slug}"`, 1);
  return org.id;
}
