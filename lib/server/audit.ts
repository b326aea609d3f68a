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
