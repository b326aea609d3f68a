// Ingest: the project and end-user ids of a batch's events, created on first sight with
// INSERT … ON CONFLICT and remembered per process (ids never change; a deleted row is noticed by
// the foreign key and forgotten, see forgetOrganisation).
import type { Database } from "@/lib/db/client";
import type { ApiKeyPrincipal } from "../api-keys";
import type { PreparedEvent } from "./prepare";

type Db = Database["prisma"];

const projectIds = new Map<string, string>();
const endUserIds = new Map<string, string>();
export const MAX_CACHED_IDS = 100_000;

function remember(map: Map<string, string>, key: string, id: string): void {
  if (map.size >= MAX_CACHED_IDS) map.clear();
  map.set(key, id);
}

export function forgetOrganisation(orgId: string): void {
  for (const map of [projectIds, endUserIds]) for (const key of map.keys()) if (key.startsWith(`${orgId}\u0000`)) map.delete(key);
}

const projectCacheKey = (orgId: string, key: string) => `${orgId}\u0000${key}`;
const endUserCacheKey = (orgId: string, u: EndUserRef) => `${orgId}\u0000${u.externalId}\u0000${u.email ?? ""}\u0000${u.name ?? ""}`;

interface EndUserRef {
  externalId: string;
  email: string | null;
  name: string | null;
}

// Both statements insert in key order (so concurrent batches take row locks in one order) and
// return the ids of new and existing rows alike; the existing rows come from the statement's
// snapshot, so a row another request created meanwhile is read again afterwards.
const UPSERT_PROJECTS_SQL = `
WITH k AS (SELECT DISTINCT unnest($2::text[]) AS key), ins AS (
  INSERT INTO projects (org_id, key, name) SELECT $1::uuid, key, key FROM k ORDER BY key
  ON CONFLICT (org_id, key) DO NOTHING RETURNING id, key
)
SELECT id::text AS id, key FROM ins UNION ALL SELECT p.id::text, p.key FROM projects p JOIN k ON p.key = k.key WHERE p.org_id = $1::uuid`;

const UPSERT_END_USERS_SQL = `
WITH t AS (SELECT * FROM unnest($2::text[], $3::text[], $4::text[]) AS t(external_id, email, name)), ins AS (
  INSERT INTO end_users (org_id, external_id, email, name) SELECT $1::uuid, external_id, email, name FROM t ORDER BY external_id
  ON CONFLICT (org_id, external_id) DO UPDATE SET email = COALESCE(EXCLUDED.email, end_users.email), name = COALESCE(EXCLUDED.name, end_users.name)
  WHERE (EXCLUDED.email IS NOT NULL AND EXCLUDED.email IS DISTINCT FROM end_users.email) OR (EXCLUDED.name IS NOT NULL AND EXCLUDED.name IS DISTINCT FROM end_users.name)
  RETURNING id, external_id
)
SELECT id::text AS id, external_id AS key FROM ins UNION ALL SELECT u.id::text, u.external_id FROM end_users u JOIN t ON u.external_id = t.external_id WHERE u.org_id = $1::uuid`;

async function readIds(db: Db, table: "projects" | "end_users", orgId: string, keys: string[]): Promise<{ id: string; key: string }[]> {
  const column = table === "projects" ? "key" : "external_id";
  return db.$queryRawUnsafe(`SELECT id::text AS id, ${column} AS key FROM ${table} WHERE org_id = $1::uuid AND ${column} = ANY($2::text[])`, orgId, keys);
}

/**
 * The project and end-user ids of every prepared event, creating the missing rows with one
 * statement each. Created outside the event transaction: a project that outlives a failed insert
 * is harmless, and the event transaction does not hold its row lock.
 */
export async function resolveScopeIds(db: Db, principal: ApiKeyPrincipal, prepared: PreparedEvent[]): Promise<{ projectId: (string | null)[]; endUserId: (string | null)[] }> {
  const orgId = principal.orgId;
  const ownProject = (key: string) => (key === principal.projectKey && principal.projectId ? principal.projectId : null);
  const missingProjects = new Set<string>();
  const missingUsers = new Map<string, EndUserRef>();
  const users = prepared.map((p): EndUserRef | null => (p.event.user ? { externalId: p.event.user, email: p.event.user_email ?? null, name: p.event.user_name ?? null } : null));
  const ids = { projects: new Map<string, string>(), users: new Map<string, string>() };
  prepared.forEach((p, i) => {
    if (p.projectKey !== null && !ownProject(p.projectKey)) {
      const hit = projectIds.get(projectCacheKey(orgId, p.projectKey));
      if (hit) ids.projects.set(p.projectKey, hit);
      else missingProjects.add(p.projectKey);
    }
    const u = users[i];
    const hit = u ? endUserIds.get(endUserCacheKey(orgId, u)) : undefined;
    if (u && hit && !missingUsers.has(u.externalId)) ids.users.set(u.externalId, hit);
    else if (u) {
      // Several events of one user: the last email and name given win, as if sent one by one.
      const seen = missingUsers.get(u.externalId);
      missingUsers.set(u.externalId, { externalId: u.externalId, email: u.email ?? seen?.email ?? null, name: u.name ?? seen?.name ?? null });
    }
  });

  if (missingProjects.size > 0) {
    const keys = [...missingProjects];
    for (const r of await db.$queryRawUnsafe<{ id: string; key: string }[]>(UPSERT_PROJECTS_SQL, orgId, keys)) ids.projects.set(r.key, r.id);
    const late = keys.filter((k) => !ids.projects.has(k));
    if (late.length > 0) for (const r of await readIds(db, "projects", orgId, late)) ids.projects.set(r.key, r.id);
  }
  if (missingUsers.size > 0) {
    const refs = [...missingUsers.values()];
    for (const r of await db.$queryRawUnsafe<{ id: string; key: string }[]>(UPSERT_END_USERS_SQL, orgId, refs.map((u) => u.externalId), refs.map((u) => u.email), refs.map((u) => u.name)))
      ids.users.set(r.key, r.id);
    const late = refs.map((u) => u.externalId).filter((k) => !ids.users.has(k));
    if (late.length > 0) for (const r of await readIds(db, "end_users", orgId, late)) ids.users.set(r.key, r.id);
  }

  const projectId = prepared.map((p) => {
    if (p.projectKey === null) return null;
    const own = ownProject(p.projectKey);
    if (own) return own;
    const cacheKey = projectCacheKey(orgId, p.projectKey);
    const id = ids.projects.get(p.projectKey)!;
    remember(projectIds, cacheKey, id);
    return id;
  });
  const endUserId = users.map((u) => {
    if (!u) return null;
    const cacheKey = endUserCacheKey(orgId, u);
    const id = ids.users.get(u.externalId)!;
    remember(endUserIds, cacheKey, id);
    return id;
  });
  return { projectId, endUserId };
}

