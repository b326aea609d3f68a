/** A usage event as `POST /api/v1/usage` takes it (SPEC §5); `event_id` is generated when absent. */
export interface UsageEvent {
  event_id?: string;
  /** ISO 8601; set to the time of `record()` when absent, so a retried batch stays the same body. */
  timestamp?: string;
  provider?: string;
  model?: string;
  /** ALL input tokens, cached ones included. */
  input_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  cache_write_1h_tokens?: number;
  output_tokens?: number;
  reasoning_tokens?: number;
  /** A provider's `usage` object as the provider returned it (OpenAI, Anthropic, Gemini); Spendline normalises it. */
  usage?: Record<string, unknown>;
  service_tier?: string;
  duration_ms?: number;
  success?: boolean;
  error?: string;
  user?: string;
  user_email?: string;
  user_name?: string;
  project?: string;
  document?: string;
  category?: string;
  purpose_detail?: string;
  prompt?: unknown;
  response?: unknown;
  metadata?: Record<string, unknown>;
  cost_usd?: string | number;
  reservation_id?: string;
  override_token?: string;
  [field: string]: unknown;
}

/** One entry of the ingest answer. */
export interface UsageResult {
  event_id: string;
  status: "created" | "duplicate" | "rejected";
  cost_usd: string | null;
  priced: boolean;
  budget_override: boolean;
  over_budget: boolean;
  error?: { code: string; message: string; details?: unknown };
}

export type BudgetDecision = "allow" | "warn" | "confirm" | "block";

export interface BudgetCheckRequest {
  user?: string;
  project?: string;
  provider?: string;
  model?: string;
  estimatedCostUsd?: string | number;
  estimatedInputTokens?: number;
  estimatedOutputTokens?: number;
}

export interface BudgetFigures {
  scope: "organization" | "project" | "user";
  limitUsd: string;
  spentUsd: string;
  reservedUsd: string;
  remainingUsd: string;
  periodEnd: string;
  mode: "soft" | "hard";
}

/** The `/api/v1/budgets/check` answer in camelCase. */
export interface BudgetCheckResult {
  decision: BudgetDecision;
  reservationId?: string;
  budgets: BudgetFigures[];
  overrideToken?: string;
}

/** Where a reporting failure happened, handed to `onError`. */
export interface ErrorContext {
  operation: "record" | "check";
  /** The events that were not recorded (reporting failures only). */
  events?: UsageEvent[];
  /** Per-event answers of a batch that Spendline rejected in part. */
  results?: UsageResult[];
}

export interface SpendlineOptions {
  /** Defaults to `SPENDLINE_API_KEY`. */
  apiKey?: string;
  /** Defaults to `SPENDLINE_BASE_URL`, else `http://localhost:3000`. */
  baseUrl?: string;
  /** Called for every reporting failure; the SDK never throws them into the app. Default: one console warning. */
  onError?: (error: Error, context: ErrorContext) => void;
  /** Called with Spendline's answer for every batch it accepted. */
  onResults?: (results: UsageResult[]) => void;
  /** How long queued events wait before they are sent (ms). Default 1000. */
  flushIntervalMs?: number;
  /** Queued events that trigger an immediate send. Default 100. */
  flushAt?: number;
  /** Events per request, at most 1000. Default 1000. */
  maxBatchSize?: number;
  /** Attempts after the first for 429 / 5xx / network errors (pauses of 0.5, 1, 2, 4, 8 s unless Retry-After says otherwise). Default 5. */
  maxRetries?: number;
  /** Longest pause between attempts (ms), also the cap on `Retry-After`. Default 30000. */
  maxRetryDelayMs?: number;
  /** Per-request timeout (ms). Default 10000. */
  timeoutMs?: number;
  /** Events queued beyond this are dropped (reported through `onError`). Default 100000. */
  maxQueueSize?: number;
  /** Send what is still queued when the process is about to exit (`beforeExit`). Default true. */
  flushOnExit?: boolean;
  /** A `fetch` implementation; defaults to the global one. */
  fetch?: typeof fetch;
}

/** Attributes a wrapped client adds to every event (and to its budget check). */
export interface CallAttributes {
  user?: string;
  project?: string;
  category?: string;
  document?: string;
  purposeDetail?: string;
  metadata?: Record<string, unknown>;
  /** Ask `/budgets/check` before each call. */
  checkBudget?: boolean;
  /** The token of a `confirm` answer the end user accepted: the next call proceeds without a check and is recorded as an authorised override. */
  overrideToken?: string;
  /** Check with this cost instead of the token estimate. */
  estimatedCostUsd?: string | number;
  /** Output tokens to assume when the request sets no `max_tokens` / `max_output_tokens`. Default 4096. */
  defaultMaxOutputTokens?: number;
  /** When the budget check itself fails (Spendline unreachable, unknown model…): `"open"` proceeds (default), `"closed"` throws. */
  checkFailure?: "open" | "closed";
}
