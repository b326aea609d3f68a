// The budgets data layer: management and listing, checks with reservations, the ingest
// contract and counter verification.
export * from "./manage";
export { checkBudget, sweepExpiredReservations, reservationTtlSeconds, type BudgetCheckInput, type BudgetCheckResult, type BudgetCheckFigures } from "./check";
export { applySpendBatchInTransaction, applySpendInTransaction, afterSpendCommitted, NO_BUDGET_EFFECT, type SpendInput, type SpendOutcome, type BudgetCrossing } from "./spend";
export { verifyBudgetCounters } from "./verify";
export { backgroundWorkSettled } from "./background";
