import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import { actorAccountId, actorLabel, type Actor } from "./authz";

type Tx = PrismaNs.TransactionClient;

export interface AuditEntry {
  action: string;
  targetType: string;
  targetId?: string | null;
  orgId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Context of the request that made a change (the IP for the audit log). */
export interface RequestContext {
  ip?: string | null;
}

type HeaderSource = { get(name: string): string | null } | Record<string, string | string[] | undefined>;

function header(source: HeaderSource, name: string): string | null {
  if (typeof (source as { get?: unknown }).get === "function") return (source as { get(name: string): string | null }).get(name);
  const v = (source as Record<string, string | string[] | undefined>)[name];
  return Array.isArray(v) ? (v[0] ?? null) : (v ?? null);
}

/** True when SPENDLINE_TRUST_PROXY says a reverse proxy in front of the app sets X-Forwarded-For. */
export function trustProxy(): boolean {
  const v = (process.env.SPENDLINE_TRUST_PROXY ?? "").trim().toLowerCase();
  return v !== "" && v !== "0" && v !== "false" && v !== "no";
}

/**
 * The client's IP for the audit log. Forwarding headers are set by whoever sends the request, so
 * they are believed only behind a proxy the operator declared (SPENDLINE_TRUST_PROXY): then the
 * leftmost X-Forwarded-For entry (or X-Real-IP). Otherwise the address is unknown (null).
 */
export function clientIp(headers: HeaderSource): string | null {
  if (!trustProxy()) return null;
  const forwarded = header(headers, "x-forwarded-for")?.split(",")[0]?.trim();
  const ip = forwarded || header(headers, "x-real-ip")?.trim() || null;
  return ip && ip.length <= 64 ? ip : null;
}

function json(value: unknown): PrismaNs.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  return JSON.parse(JSON.stringify(value, (_k, v) => (typeof v === "bigint" ? v.toString() : v)));
}

/** Records an administrative change; call it inside the transaction that makes the change. */
export async function writeAudit(tx: Tx, actor: Actor, entry: AuditEntry, ctx: RequestContext = {}): Promise<void> {
  await tx.auditLog.create({
    data: {
      actorId: actorAccountId(actor),
      actorLabel: actorLabel(actor),
      orgId: entry.orgId ?? null,
      action: entry.action,
      targetType: entry.targetType,
      targetId: entry.targetId ?? null,
      before: json(entry.before),
      after: json(entry.after),
      ip: ctx.ip ?? null,
    },
  });
}
