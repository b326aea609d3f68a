import type { BudgetCheckResult, BudgetFigures, CallAttributes } from "./types.js";

/** Spendline answered with an error, or could not be reached. */
export class SpendlineError extends Error {
  override name = "SpendlineError";
  /** HTTP status; undefined for network errors and timeouts. */
  readonly status?: number;
  /** The API's error code (`validation_failed`, `unauthorized`, …) when it sent one. */
  readonly code?: string;
  readonly details?: unknown;

  constructor(message: string, init: { status?: number; code?: string; details?: unknown; cause?: unknown } = {}) {
    super(message, init.cause === undefined ? undefined : { cause: init.cause });
    this.status = init.status;
    this.code = init.code;
    this.details = init.details;
  }
}

/** What the blocked call was estimated at, as sent to `/budgets/check`. */
export interface CallEstimate {
  provider: string;
  model?: string;
  estimatedInputTokens: number;
  estimatedOutputTokens: number;
  estimatedCostUsd?: string;
}

/** A hard budget would be exceeded: the call was not made. */
export class BudgetExceededError extends Error {
  override name = "BudgetExceededError";
  readonly decision = "block" as const;
  readonly budgets: BudgetFigures[];
  readonly check: BudgetCheckResult;
  readonly estimate: CallEstimate;

  constructor(check: BudgetCheckResult, estimate: CallEstimate) {
    super("A hard budget would be exceeded by this call; it was not made.");
    this.check = check;
    this.budgets = check.budgets;
    this.estimate = estimate;
  }
}

/**
 * A soft budget would be exceeded: the call was not made. Show the end user a confirmation
 * (e.g. `<BudgetConfirmDialog>` from `@spendline/sdk/react`); if they accept, repeat the call
 * with `attrs.overrideToken = error.overrideToken` (its `attrs` are the blocked call's).
 */
export class BudgetConfirmationRequired extends Error {
  override name = "BudgetConfirmationRequired";
  readonly decision = "confirm" as const;
  readonly overrideToken: string;
  readonly budgets: BudgetFigures[];
  readonly check: BudgetCheckResult;
  readonly estimate: CallEstimate;
  /** The attributes of the blocked call, to repeat it with `{ ...error.attrs, overrideToken: error.overrideToken }`. */
  readonly attrs: CallAttributes;

  constructor(check: BudgetCheckResult, estimate: CallEstimate, attrs: CallAttributes) {
    super("A soft budget would be exceeded by this call; it needs the end user's confirmation.");
    this.check = check;
    this.budgets = check.budgets;
    this.overrideToken = check.overrideToken ?? "";
    this.estimate = estimate;
    this.attrs = attrs;
  }
}

/**
 * The budget error behind `error`, also when a provider's stream helper (`messages.stream()`,
 * `chat.completions.stream()`) wrapped it in its own error class (as `cause`).
 */
export function budgetErrorOf(error: unknown): BudgetExceededError | BudgetConfirmationRequired | undefined {
  for (let current = error, depth = 0; current && depth < 8; current = (current as { cause?: unknown }).cause, depth++) {
    if (current instanceof BudgetExceededError || current instanceof BudgetConfirmationRequired) return current;
  }
  return undefined;
}
