import { randomBytes } from "node:crypto";
import { prisma } from "@/lib/db/client";

/**
 * The auth secret: AUTH_SECRET, else one generated on first use and kept in the database so that
 * every instance shares it and sessions survive restarts.
 */
export async function getAuthSecret(): Promise<string> {
  const fromEnv = process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET;
  if (fromEnv) return fromEnv;
  const db = await prisma();
  const candidate = randomBytes(32).toString("base64url");
  // Insert-if-absent (ON CONFLICT DO NOTHING), then read: instances starting at once share one secret.
  await db.appSetting.createMany({ data: [{ key: "auth_secret", value: candidate }], skipDuplicates: true });
  const row = await db.appSetting.findUniqueOrThrow({ where: { key: "auth_secret" } });
  return row.value;
}

export async function getSetting(key: string): Promise<string | null> {
  const db = await prisma();
  return (await db.appSetting.findUnique({ where: { key } }))?.value ?? null;
}

export async function setSetting(key: string, value: string): Promise<void> {
  const db = await prisma();
  await db.appSetting.upsert({ where: { key }, create: { key, value }, update: { value } });
}
