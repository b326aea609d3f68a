// The organisation's webhook signing secret (SPEC §6, §7): one `whsec_` secret per organisation,
// created on first need, shown once (returned only by the call that creates or rotates it), and
// kept encrypted (AES-256-GCM under a key derived from the auth secret) so the server can sign.
import { createCipheriv, createDecipheriv, createHash, randomBytes } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { generateWebhookSecret } from "@/lib/webhook-signature";
import { getAuthSecret } from "./app-settings";
import { assertOrgRole, type Actor } from "./authz";
import { writeAudit, type RequestContext } from "./audit";

async function key(): Promise<Buffer> {
  return createHash("sha256").update(`spendline webhook secret\0${await getAuthSecret()}`).digest();
}

async function encrypt(secret: string): Promise<string> {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", await key(), iv);
  const body = Buffer.concat([cipher.update(secret, "utf8"), cipher.final()]);
  return ["v1", iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(":");
}

async function decrypt(stored: string): Promise<string> {
  const [version, iv, tag, body] = stored.split(":");
  if (version !== "v1" || !iv || !tag || !body) throw new Error("unknown webhook secret format");
  try {
    const decipher = createDecipheriv("aes-256-gcm", await key(), Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()]).toString("utf8");
  } catch {
    throw new Error("the webhook signing secret cannot be read (was AUTH_SECRET changed?); rotate it");
  }
}

/**
 * The organisation's signing secret, created when it has none. `created` is true only for the call
 * that created it: that caller shows it once.
 */
export async function ensureWebhookSecret(orgId: string): Promise<{ secret: string; created: boolean }> {
  const db = await prisma();
  const existing = await db.alertSettings.findUnique({ where: { orgId }, select: { webhookSecret: true } });
  if (existing?.webhookSecret) return { secret: await decrypt(existing.webhookSecret), created: false };
  const candidate = generateWebhookSecret();
  const sealed = await encrypt(candidate);
  // Set only where still empty, so two callers at once agree on one secret.
  await db.$executeRaw`
    INSERT INTO alert_settings (org_id, webhook_secret) VALUES (${orgId}::uuid, ${sealed})
    ON CONFLICT (org_id) DO UPDATE SET webhook_secret = EXCLUDED.webhook_secret WHERE alert_settings.webhook_secret IS NULL`;
  const row = await db.alertSettings.findUniqueOrThrow({ where: { orgId }, select: { webhookSecret: true } });
  const secret = await decrypt(row.webhookSecret!);
  return { secret, created: secret === candidate };
}

/** The stored secret for signing, or null when the organisation has none yet. */
export async function readWebhookSecret(orgId: string): Promise<string | null> {
  const db = await prisma();
  const row = await db.alertSettings.findUnique({ where: { orgId }, select: { webhookSecret: true } });
  return row?.webhookSecret ? decrypt(row.webhookSecret) : null;
}

/** Whether the organisation has a signing secret (never the secret itself). */
export async function hasWebhookSecret(actor: Actor, orgId: string): Promise<boolean> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const row = await db.alertSettings.findUnique({ where: { orgId }, select: { webhookSecret: true } });
  return !!row?.webhookSecret;
}

/** Replaces the signing secret (owners, admins, super admins); returns the new one, to be shown once. */
export async function rotateWebhookSecret(actor: Actor, orgId: string, ctx: RequestContext = {}): Promise<string> {
  assertOrgRole(actor, orgId, "admin");
  const secret = generateWebhookSecret();
  const sealed = await encrypt(secret);
  const db = await prisma();
  await db.$transaction(async (tx) => {
    const before = await tx.alertSettings.findUnique({ where: { orgId }, select: { webhookSecret: true } });
    await tx.alertSettings.upsert({ where: { orgId }, create: { orgId, webhookSecret: sealed }, update: { webhookSecret: sealed } });
    await writeAudit(tx, actor, { action: "webhook_secret.rotate", targetType: "alert_settings", targetId: orgId, orgId, before: { hadSecret: !!before?.webhookSecret }, after: { hadSecret: true } }, ctx);
  });
  return secret;
}
