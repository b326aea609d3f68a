// Test support: records a usage event the way ingest does (insert, apply spend in the same
// transaction, after-commit work), so budgets can be tested without the ingest route.
import { randomUUID } from "node:crypto";
import { prisma } from "@/lib/db/client";
import { dec } from "@/lib/money";
import { ensureEndUser, ensureProject } from "../projects";
import { afterSpendCommitted, applySpendInTransaction, type SpendInput, type SpendOutcome } from "./spend";

export async function recordTestEvent(
  orgId: string,
  event: { costUsd: string | null; project?: string; user?: string; occurredAt?: Date; reservationId?: string; overrideToken?: string; apiKeyPrefix?: string },
): Promise<{ rowId: bigint; outcome: SpendOutcome }> {
  const db = await prisma();
  const items: { input: SpendInput; outcome: SpendOutcome }[] = [];
  const result = await db.$transaction(async (tx) => {
    const project = event.project ? await ensureProject(tx, orgId, event.project) : null;
    const user = event.user ? await ensureEndUser(tx, orgId, event.user) : null;
    const eventId = randomUUID();
    const occurredAt = event.occurredAt ?? new Date();
    const row = await tx.usageEvent.create({
      data: {
        orgId,
        eventId,
        bodyHash: eventId,
        occurredAt,
        projectId: project?.id ?? null,
        endUserId: user?.id ?? null,
        costUsd: event.costUsd,
        priced: event.costUsd !== null,
        reservationId: event.reservationId ?? null,
      },
    });
    const input: SpendInput = {
      orgId,
      eventRowId: row.id,
      eventId,
      projectId: project?.id ?? null,
      endUserId: user?.id ?? null,
      occurredAt,
      costUsd: event.costUsd === null ? null : dec(event.costUsd),
      reservationId: event.reservationId ?? null,
      overrideToken: event.overrideToken ?? null,
      apiKeyPrefix: event.apiKeyPrefix ?? null,
    };
    const outcome = await applySpendInTransaction(tx, input);
    items.push({ input, outcome });
    return { rowId: row.id, outcome };
  });
  await afterSpendCommitted(items);
  return result;
}
