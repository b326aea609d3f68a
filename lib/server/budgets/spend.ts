// Contract between ingest and budgets. Ingest calls applySpendInTransaction inside the
// transaction that inserted a NEW usage event (never for duplicates), then, after commit,
// afterSpendCommitted with the outcomes (alerts, webhooks: outside the ingest transaction).
// The budgets issue (#4) fills these in; until then no budget is applied.
import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";
import type { Decimal } from "@/lib/money";

export interface SpendInput {
  orgId: string;
  eventRowId: bigint;
  eventId: string;
  projectId: string | null;
  endUserId: string | null;
  occurredAt: Date;
  /** Computed cost; null when the model is unpriced. */
  costUsd: Decimal | null;
  reservationId: string | null;
  overrideToken: string | null;
}

export interface SpendOutcome {
  overBudget: boolean;
  budgetOverride: boolean;
  overrideBy: string | null;
  overrideTokenId: string | null;
}

export const NO_BUDGET_EFFECT: SpendOutcome = { overBudget: false, budgetOverride: false, overrideBy: null, overrideTokenId: null };

export async function applySpendInTransaction(_tx: PrismaNs.TransactionClient, _input: SpendInput): Promise<SpendOutcome> {
  return NO_BUDGET_EFFECT;
}

export async function afterSpendCommitted(_items: { input: SpendInput; outcome: SpendOutcome }[]): Promise<void> {}
