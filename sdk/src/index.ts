export { Spendline, retryAfterMs } from "./client.js";
export { BudgetConfirmationRequired, BudgetExceededError, SpendlineError, budgetErrorOf, type CallEstimate } from "./errors.js";
export { wrapOpenAI } from "./openai.js";
export { wrapAnthropic } from "./anthropic.js";
export type {
  BudgetCheckRequest,
  BudgetCheckResult,
  BudgetDecision,
  BudgetFigures,
  CallAttributes,
  ErrorContext,
  SpendlineOptions,
  UsageEvent,
  UsageResult,
} from "./types.js";
