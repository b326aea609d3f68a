// Audit log read model for super admins (SPEC §7 /audit): filtered by actor, action,
// organisation and date range, newest first, keyset-paginated on (created_at, id).
import { getDatabase } from "@/lib/db/client";
import { addDays } from "@/lib/dashboard/dates";
import { assertSuperAdmin, type Actor } from "./authz";
import { SqlWhere } from "./dashboard-scope";
import { decodeCursor, encodeCursor } from "./usage-log";

export interface AuditLogFilters {
  /** Inclusive UTC dates. */
  from: string;
  to: string;
  /** Part of the actor's label (email, "cli", …), case-insensitive. */
  actor?: string | null;
  /** Exact action ("organization.create") or a prefix ending in "." ("api_key."). */
  action?: string | null;
  orgId?: string | null;
}

export interface AuditLogRow {
  id: string;
  createdAt: string;
  actorLabel: string;
  action: string;
  targetType: string;
  targetId: string | null;
  orgSlug: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

export interface AuditLogPage {
  rows: AuditLogRow[];
  next: string | null;
  previous: string | null;
}

type Row = { id: string; created_at: string; actor_label: string; action: string; target_type: string; target_id: string | null; slug: string | null; before: unknown; after: unknown; ip: string | null };

const likeEscape = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function listAuditLog(actor: Actor, filters: AuditLogFilters, options: { after?: string | null; before?: string | null; limit?: number } = {}): Promise<AuditLogPage> {
  assertSuperAdmin(actor);
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 200);
  const before = decodeCursor(options.before);
  const after = before ? null : decodeCursor(options.after);
  const w = new SqlWhere();
  w.add(`a.created_at >= ${w.param(filters.from)}::date AND a.created_at < ${w.param(addDays(filters.to, 1))}::date`);
  if (filters.actor) w.add(`a.actor_label ILIKE ${w.param(`%${likeEscape(filters.actor)}%`)}`);
  if (filters.action) w.add(filters.action.endsWith(".") ? `a.action LIKE ${w.param(`${likeEscape(filters.action)}%`)}` : `a.action = ${w.param(filters.action)}`);
  if (filters.orgId) w.add(`a.org_id = ${w.param(filters.orgId)}::uuid`);
  const cursor = before ?? after;
  const backwards = before !== null;
  if (cursor) w.add(`(a.created_at, a.id) ${backwards ? ">" : "<"} (${w.param(cursor.v)}::timestamptz, ${w.param(cursor.id)}::bigint)`);
  const order = backwards ? "a.created_at ASC, a.id ASC" : "a.created_at DESC, a.id DESC";
  const { sql } = await getDatabase();
  const raw = await sql.query<Row>(
    `SELECT a.id::text AS id, to_char(a.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS created_at, a.actor_label, a.action,
            a.target_type, a.target_id, o.slug, a.before, a.after, a.ip
     FROM audit_logs a LEFT JOIN organizations o ON o.id = a.org_id
     ${w.sql} ORDER BY ${order} LIMIT ${w.param(limit + 1)}`,
    w.params,
  );
  const more = raw.length > limit;
  const rows = raw.slice(0, limit).map((r) => ({
    id: r.id,
    createdAt: r.created_at,
    actorLabel: r.actor_label,
    action: r.action,
    targetType: r.target_type,
    targetId: r.target_id,
    orgSlug: r.slug,
    before: r.before,
    after: r.after,
    ip: r.ip,
  }));
  if (backwards) rows.reverse();
  const cur = (r: AuditLogRow) => encodeCursor({ v: r.createdAt, id: r.id });
  return {
    rows,
    next: rows.length && (backwards || more) ? cur(rows[rows.length - 1]) : null,
    previous: rows.length && (backwards ? more : after !== null) ? cur(rows[0]) : null,
  };
}

/** Distinct actions and actor labels, for the filter menus. */
export async function listAuditFacets(actor: Actor): Promise<{ actions: string[]; actors: string[] }> {
  assertSuperAdmin(actor);
  const { sql } = await getDatabase();
  const [actions, actors] = await Promise.all([
    sql.query<{ v: string }>(`SELECT DISTINCT action AS v FROM audit_logs ORDER BY 1 LIMIT 500`),
    sql.query<{ v: string }>(`SELECT DISTINCT actor_label AS v FROM audit_logs ORDER BY 1 LIMIT 500`),
  ]);
  return { actions: actions.map((r) => r.v), actors: actors.map((r) => r.v) };
}
