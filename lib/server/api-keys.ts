import { getDatabase, prisma } from "@/lib/db/client";
import { generateApiKey, parseApiKey, secretMatches } from "@/lib/api-key";
import { apiKeyInputSchema } from "@/lib/schemas";
import { AppError } from "./errors";
import { assertOrgRole, type Actor } from "./authz";
import { writeAudit, type RequestContext } from "./audit";
import { ensureProject } from "./projects";

export interface ApiKeyRow {
  id: string;
  name: string;
  prefix: string;
  projectKey: string | null;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
  revokedAt: string | null;
  createdBy: string | null;
}

/** Creates a key; the whole key is returned once and only its hash is kept. */
export async function createApiKey(
  actor: Actor,
  input: { orgId: string; name?: string; projectKey?: string; expiresAt?: Date | null },
  ctx: RequestContext = {},
): Promise<{ id: string; key: string; prefix: string }> {
  assertOrgRole(actor, input.orgId, "admin");
  const data = apiKeyInputSchema.parse({ name: input.name || undefined, projectKey: input.projectKey || undefined });
  const db = await prisma();
  for (let attempt = 0; ; attempt++) {
    const { key, prefix, secretHash } = generateApiKey();
    try {
      const row = await db.$transaction(async (tx) => {
        const project = data.projectKey ? await ensureProject(tx, input.orgId, data.projectKey) : null;
        const row = await tx.apiKey.create({
          data: {
            orgId: input.orgId,
            projectId: project?.id ?? null,
            name: data.name ?? (project ? `${project.key} key` : "API key"),
            prefix,
            secretHash,
            createdById: actor.kind === "account" ? actor.id : null,
            expiresAt: input.expiresAt ?? null,
          },
        });
        await writeAudit(tx, actor, { action: "api_key.create", targetType: "api_key", targetId: row.id, orgId: input.orgId, after: { prefix, name: row.name, project: data.projectKey ?? null } }, ctx);
        return row;
      });
      return { id: row.id, key, prefix };
    } catch (err) {
      // A prefix collision (36^8 space) is retried with a fresh key.
      if ((err as { code?: string }).code === "P2002" && attempt < 3) continue;
      throw err;
    }
  }
}

export async function revokeApiKey(actor: Actor, prefix: string, ctx: RequestContext = {}, orgId?: string) {
  const db = await prisma();
  const key = await db.apiKey.findUnique({ where: { prefix: prefix.trim() } });
  if (!key || (orgId && key.orgId !== orgId)) throw new AppError("not_found", `No API key with prefix ${prefix}.`);
  assertOrgRole(actor, key.orgId, "admin");
  if (key.revokedAt) return { prefix: key.prefix, revokedAt: key.revokedAt.toISOString(), alreadyRevoked: true };
  forgetApiKey(key.prefix);
  const revokedAt = new Date();
  await db.$transaction(async (tx) => {
    await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt } });
    await writeAudit(tx, actor, { action: "api_key.revoke", targetType: "api_key", targetId: key.id, orgId: key.orgId, before: { revokedAt: null }, after: { revokedAt } }, ctx);
  });
  return { prefix: key.prefix, revokedAt: revokedAt.toISOString(), alreadyRevoked: false };
}

export async function listApiKeys(actor: Actor, orgId: string): Promise<ApiKeyRow[]> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const rows = await db.apiKey.findMany({ where: { orgId }, include: { project: true, createdBy: true }, orderBy: { createdAt: "desc" } });
  return rows.map((k) => ({
    id: k.id,
    name: k.name,
    prefix: k.prefix,
    projectKey: k.project?.key ?? null,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    expiresAt: k.expiresAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdBy: k.createdBy?.email ?? null,
  }));
}

export interface ApiKeyPrincipal {
  keyId: string;
  prefix: string;
  orgId: string;
  projectId: string | null;
  projectKey: string | null;
}

// Keys verified recently are remembered briefly so that a request does not hit the keys table;
// revocation and expiry therefore take effect on every instance within CACHE_MS — one second, at one indexed lookup per key per instance per second (an expiry is
// also honoured exactly: the cache entry ends with the key). The lookup goes through the driver,
// not Prisma: profiling `next start` under load showed Prisma's query compilation and client
// machinery on the request path whenever the cache had lapsed.
const CACHE_MS = 1_000;
const cache = new Map<string, { principal: ApiKeyPrincipal; secretHash: string; until: number }>();
const lastUsedWritten = new Map<string, number>();
const MAX_CACHED_KEYS = 100_000;

const KEY_LOOKUP_SQL = `
SELECT k.id::text AS id, k.prefix, k.org_id::text AS org_id, k.project_id::text AS project_id, p.key AS project_key,
       k.secret_hash, k.revoked_at IS NOT NULL AS revoked, k.expires_at
FROM api_keys k LEFT JOIN projects p ON p.id = k.project_id
WHERE k.prefix = $1`;

type KeyRow = { id: string; prefix: string; org_id: string; project_id: string | null; project_key: string | null; secret_hash: string; revoked: boolean; expires_at: Date | string | null };

/** Resolves a bearer key to its organisation, or null for unknown, wrong, revoked or expired keys. */
export async function authenticateApiKey(raw: string | null | undefined): Promise<ApiKeyPrincipal | null> {
  if (!raw) return null;
  const parsed = parseApiKey(raw);
  if (!parsed) return null;
  const now = Date.now();
  const hit = cache.get(parsed.prefix);
  if (hit && hit.until > now) return secretMatches(parsed.secret, hit.secretHash) ? hit.principal : null;

  const db = await getDatabase();
  const [key] = await db.sql.query<KeyRow>(KEY_LOOKUP_SQL, [parsed.prefix], "spendline_key_lookup");
  const expiresAt = key?.expires_at ? new Date(key.expires_at).getTime() : null;
  if (!key || key.revoked || (expiresAt !== null && expiresAt <= now)) {
    cache.delete(parsed.prefix);
    return null;
  }
  if (!secretMatches(parsed.secret, key.secret_hash)) return null;
  const principal: ApiKeyPrincipal = { keyId: key.id, prefix: key.prefix, orgId: key.org_id, projectId: key.project_id, projectKey: key.project_key };
  const until = Math.min(now + CACHE_MS, expiresAt ?? Infinity);
  if (cache.size >= MAX_CACHED_KEYS) cache.clear();
  cache.set(parsed.prefix, { principal, secretHash: key.secret_hash, until });
  if ((lastUsedWritten.get(key.id) ?? 0) < now - 60_000) {
    if (lastUsedWritten.size >= MAX_CACHED_KEYS) lastUsedWritten.clear();
    lastUsedWritten.set(key.id, now);
    await db.sql.query("UPDATE api_keys SET last_used_at = $2::timestamptz WHERE id = $1::uuid", [key.id, new Date(now).toISOString()]);
  }
  return principal;
}

/** Forgets cached verifications (after a revoke in this process). */
export function forgetApiKey(prefix: string): void {
  cache.delete(prefix);
}
