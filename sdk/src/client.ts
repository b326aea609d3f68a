// The Spendline client (SPEC §8): queues usage events and sends them in batches, retrying with the
// same event ids, so a retry is a duplicate on the server and never a double count. Reporting
// never throws into the app: failures go to `onError`.
import { wrapAnthropic } from "./anthropic.js";
import { SpendlineError } from "./errors.js";
import { wrapOpenAI } from "./openai.js";
import type { BudgetCheckRequest, BudgetCheckResult, BudgetFigures, CallAttributes, ErrorContext, SpendlineOptions, UsageEvent, UsageResult } from "./types.js";

const DEFAULT_BASE_URL = "http://localhost:3000";
/** The server takes at most 1,000 events and 5 MiB per request; stay below the byte limit. */
const MAX_EVENTS_PER_REQUEST = 1000;
const MAX_BATCH_BYTES = 4.5 * 1024 * 1024;
const RETRYABLE = new Set([408, 429, 500, 502, 503, 504]);

interface Queued {
  event: UsageEvent;
  json: string;
  bytes: number;
}

type Timer = ReturnType<typeof setTimeout>;

function env(name: string): string | undefined {
  const value = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env?.[name];
  return value === "" ? undefined : value;
}

function unref(timer: Timer): void {
  (timer as { unref?: () => void }).unref?.();
}

function ref(timer: Timer): void {
  (timer as { ref?: () => void }).ref?.();
}

const encoder = new TextEncoder();

/** `Retry-After` as milliseconds (delta-seconds or an HTTP date), or undefined. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (!header) return undefined;
  const trimmed = header.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

function errorFromBody(status: number, body: unknown, fallback: string): SpendlineError {
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  const code = typeof error?.code === "string" ? error.code : undefined;
  const message = typeof error?.message === "string" ? error.message : fallback;
  return new SpendlineError(`Spendline answered ${status}: ${message}`, { status, code, details: error?.details });
}

async function readJson(res: Response): Promise<unknown> {
  try {
    return await res.json();
  } catch {
    return null;
  }
}

// One `beforeExit` listener for all clients, so queued events are sent when the app ends by itself.
const exitFlushers = new Set<Spendline>();
let exitHookInstalled = false;
function installExitHook(): void {
  const proc = (globalThis as { process?: { once?: unknown; on?: (event: string, fn: () => void) => void } }).process;
  if (exitHookInstalled || typeof proc?.on !== "function") return;
  exitHookInstalled = true;
  proc.on("beforeExit", () => {
    for (const client of exitFlushers) {
      if (client.pending > 0) void client.flush();
    }
  });
}

export class Spendline {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly options: Required<Omit<SpendlineOptions, "apiKey" | "baseUrl" | "onError" | "onResults" | "fetch">>;
  private readonly onError: NonNullable<SpendlineOptions["onError"]>;
  private readonly onResults: SpendlineOptions["onResults"];
  private readonly fetchImpl: typeof fetch;
  private queue: Queued[] = [];
  private timer: Timer | undefined;
  private readonly inflight = new Set<Promise<void>>();
  private readonly sleeping = new Set<Timer>();
  private draining = 0;
  private closed = false;

  constructor(options: SpendlineOptions = {}) {
    this.apiKey = options.apiKey ?? env("SPENDLINE_API_KEY");
    this.baseUrl = (options.baseUrl ?? env("SPENDLINE_BASE_URL") ?? DEFAULT_BASE_URL).replace(/\/+$/, "");
    this.options = {
      flushIntervalMs: options.flushIntervalMs ?? 1000,
      flushAt: Math.max(1, options.flushAt ?? 100),
      maxBatchSize: Math.min(MAX_EVENTS_PER_REQUEST, Math.max(1, options.maxBatchSize ?? MAX_EVENTS_PER_REQUEST)),
      maxRetries: Math.max(0, options.maxRetries ?? 5),
      maxRetryDelayMs: options.maxRetryDelayMs ?? 30_000,
      timeoutMs: options.timeoutMs ?? 10_000,
      maxQueueSize: options.maxQueueSize ?? 100_000,
      flushOnExit: options.flushOnExit ?? true,
    };
    this.onError =
      options.onError ??
      ((error) => {
        console.warn(`[spendline] ${error.message}`);
      });
    this.onResults = options.onResults;
    this.fetchImpl = options.fetch ?? ((...args) => globalThis.fetch(...args));
    if (this.options.flushOnExit) {
      installExitHook();
      exitFlushers.add(this);
    }
  }

  /** Events queued or being sent. */
  get pending(): number {
    return this.queue.length + this.inflight.size;
  }

  /**
   * Queues one usage event (SPEC §5 fields). An `event_id` and a `timestamp` are added when absent;
   * the event id is returned. Never throws.
   */
  record(event: UsageEvent): string | undefined {
    try {
      if (this.closed) throw new SpendlineError("record() after shutdown(): the event was not recorded.");
      if (!event || typeof event !== "object" || Array.isArray(event)) throw new SpendlineError("record() takes one usage event object.");
      const prepared: UsageEvent = { ...event, event_id: event.event_id ?? crypto.randomUUID(), timestamp: event.timestamp ?? new Date().toISOString() };
      if (this.queue.length >= this.options.maxQueueSize) {
        this.report(new SpendlineError(`The queue is full (${this.options.maxQueueSize} events); the event was dropped.`), { operation: "record", events: [prepared] });
        return undefined;
      }
      const json = JSON.stringify(prepared);
      this.queue.push({ event: prepared, json, bytes: encoder.encode(json).length });
      if (this.queue.length >= this.options.flushAt) this.sendQueued();
      else this.scheduleFlush();
      return prepared.event_id;
    } catch (err) {
      const error = err instanceof Error ? err : new SpendlineError(String(err));
      this.report(error instanceof SpendlineError ? error : new SpendlineError(`The event could not be queued: ${error.message}`, { cause: error }), {
        operation: "record",
        events: event && typeof event === "object" ? [event] : [],
      });
      return undefined;
    }
  }

  /** Sends everything queued and waits for all sends (retries included) to finish. Never throws. */
  async flush(): Promise<void> {
    this.draining += 1;
    for (const timer of this.sleeping) ref(timer);
    try {
      this.sendQueued();
      while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
    } finally {
      this.draining -= 1;
    }
  }

  /** Sends what is queued and stops: later `record()` calls are reported through `onError`. */
  async shutdown(): Promise<void> {
    this.closed = true;
    exitFlushers.delete(this);
    await this.flush();
  }

  /** Asks `/api/v1/budgets/check` whether a call may spend (SPEC §5); throws `SpendlineError` when it cannot tell. */
  async check(request: BudgetCheckRequest = {}): Promise<BudgetCheckResult> {
    const body: Record<string, unknown> = {
      user: request.user,
      project: request.project,
      provider: request.provider,
      model: request.model,
      // A number becomes a plain decimal string (never "1e-7", which the API refuses).
      estimated_cost_usd: typeof request.estimatedCostUsd === "number" ? request.estimatedCostUsd.toFixed(12).replace(/\.?0+$/, "") : request.estimatedCostUsd,
      estimated_input_tokens: request.estimatedInputTokens,
      estimated_output_tokens: request.estimatedOutputTokens,
    };
    for (const key of Object.keys(body)) if (body[key] === undefined) delete body[key];
    const json = JSON.stringify(body);
    // A check reserves budget, so only answers that reserved nothing (429, 503) are retried.
    const attempts = Math.min(this.options.maxRetries, 3);
    for (let attempt = 0; ; attempt++) {
      const res = await this.post("/api/v1/budgets/check", json);
      if (res.ok) return toCheckResult(await readJson(res));
      const payload = await readJson(res);
      if ((res.status === 429 || res.status === 503) && attempt < attempts) {
        await this.sleep(retryAfterMs(res.headers.get("retry-after")) ?? this.backoff(attempt));
        continue;
      }
      throw errorFromBody(res.status, payload, res.statusText || "budget check failed");
    }
  }

  /** Makes an OpenAI client report its calls through this Spendline client; returns the same client. */
  wrapOpenAI<T extends object>(client: T, attrs?: CallAttributes): T {
    return wrapOpenAI(client, attrs, this);
  }

  /** Makes an Anthropic client report its calls through this Spendline client; returns the same client. */
  wrapAnthropic<T extends object>(client: T, attrs?: CallAttributes): T {
    return wrapAnthropic(client, attrs, this);
  }

  /** Hands a failure to `onError` (used by the wrappers for checks that fail open). */
  reportError(error: Error, context: ErrorContext): void {
    this.report(error, context);
  }

  private report(error: Error, context: ErrorContext): void {
    try {
      this.onError(error, context);
    } catch {
      // An onError that throws must not break the app either.
    }
  }

  private scheduleFlush(): void {
    if (this.timer !== undefined) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.sendQueued();
    }, this.options.flushIntervalMs);
    unref(this.timer);
  }

  /** Moves the queue into batches of ≤ maxBatchSize events and ≤ 4.5 MiB, each sent on its own. */
  private sendQueued(): void {
    if (this.timer !== undefined) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    const queued = this.queue;
    this.queue = [];
    let batch: Queued[] = [];
    let bytes = 0;
    for (const item of queued) {
      if (batch.length > 0 && (batch.length >= this.options.maxBatchSize || bytes + item.bytes > MAX_BATCH_BYTES)) {
        this.track(this.sendBatch(batch));
        batch = [];
        bytes = 0;
      }
      batch.push(item);
      bytes += item.bytes + 1;
    }
    if (batch.length > 0) this.track(this.sendBatch(batch));
  }

  private track(promise: Promise<void>): void {
    const tracked = promise.catch((err) => this.report(err instanceof Error ? err : new SpendlineError(String(err)), { operation: "record" }));
    this.inflight.add(tracked);
    void tracked.finally(() => this.inflight.delete(tracked));
  }

  private async sendBatch(batch: Queued[]): Promise<void> {
    const events = batch.map((q) => q.event);
    if (!this.apiKey) {
      this.report(new SpendlineError("No Spendline API key: pass apiKey or set SPENDLINE_API_KEY. The events were not recorded."), { operation: "record", events });
      return;
    }
    const body = `{"events":[${batch.map((q) => q.json).join(",")}]}`;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.post("/api/v1/usage", body);
      } catch (err) {
        if (attempt < this.options.maxRetries) {
          await this.sleep(this.backoff(attempt));
          continue;
        }
        this.report(err as Error, { operation: "record", events });
        return;
      }
      if (res.status === 200 || res.status === 207) {
        const payload = (await readJson(res)) as { results?: UsageResult[] } | null;
        const results = Array.isArray(payload?.results) ? payload.results : [];
        const rejected = results.filter((r) => r.status === "rejected");
        if (rejected.length > 0) {
          const ids = new Set(rejected.map((r) => r.event_id));
          const first = rejected[0].error;
          this.report(
            new SpendlineError(`Spendline rejected ${rejected.length} of ${events.length} events${first ? ` (${first.code}: ${first.message})` : ""}.`, {
              status: res.status,
              code: first?.code,
              details: rejected,
            }),
            { operation: "record", events: events.filter((e) => ids.has(e.event_id as string)), results: rejected },
          );
        }
        if (this.onResults) {
          try {
            this.onResults(results);
          } catch {
            // The app's callback must not break reporting.
          }
        }
        return;
      }
      const payload = await readJson(res);
      if (res.status === 413 && batch.length > 1) {
        // Too large after all: halve it (the ids stay the same, so nothing counts twice).
        const half = Math.ceil(batch.length / 2);
        await Promise.all([this.sendBatch(batch.slice(0, half)), this.sendBatch(batch.slice(half))]);
        return;
      }
      if (RETRYABLE.has(res.status) && attempt < this.options.maxRetries) {
        await this.sleep(retryAfterMs(res.headers.get("retry-after")) ?? this.backoff(attempt));
        continue;
      }
      this.report(errorFromBody(res.status, payload, res.statusText || "request failed"), { operation: "record", events });
      return;
    }
  }

  private async post(path: string, body: string): Promise<Response> {
    if (!this.apiKey) throw new SpendlineError("No Spendline API key: pass apiKey or set SPENDLINE_API_KEY.");
    try {
      return await this.fetchImpl(`${this.baseUrl}${path}`, {
        method: "POST",
        headers: { authorization: `Bearer ${this.apiKey}`, "content-type": "application/json" },
        body,
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (err) {
      const reason = err instanceof Error ? (err.cause instanceof Error ? err.cause.message : err.message) : String(err);
      throw new SpendlineError(`Spendline could not be reached at ${this.baseUrl}: ${reason}`, { cause: err });
    }
  }

  private backoff(attempt: number): number {
    const base = Math.min(this.options.maxRetryDelayMs, 500 * 2 ** attempt);
    return Math.round(base * (0.8 + Math.random() * 0.4));
  }

  /** A pause that keeps the process alive only while someone awaits flush() or shutdown(). */
  private sleep(ms: number): Promise<void> {
    const delay = Math.min(Math.max(0, ms), this.options.maxRetryDelayMs);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.sleeping.delete(timer);
        resolve();
      }, delay);
      if (this.draining === 0) unref(timer);
      this.sleeping.add(timer);
    });
  }
}

function toCheckResult(body: unknown): BudgetCheckResult {
  const raw = (body ?? {}) as { decision?: unknown; reservation_id?: unknown; override_token?: unknown; budgets?: unknown };
  if (raw.decision !== "allow" && raw.decision !== "warn" && raw.decision !== "confirm" && raw.decision !== "block") {
    throw new SpendlineError("Spendline's budget check answer has no decision.");
  }
  const budgets: BudgetFigures[] = (Array.isArray(raw.budgets) ? raw.budgets : []).map((b: Record<string, unknown>) => ({
    scope: b.scope as BudgetFigures["scope"],
    limitUsd: String(b.limit_usd),
    spentUsd: String(b.spent_usd),
    reservedUsd: String(b.reserved_usd),
    remainingUsd: String(b.remaining_usd),
    periodEnd: String(b.period_end),
    mode: b.mode as BudgetFigures["mode"],
  }));
  return {
    decision: raw.decision,
    ...(typeof raw.reservation_id === "string" ? { reservationId: raw.reservation_id } : {}),
    budgets,
    ...(typeof raw.override_token === "string" ? { overrideToken: raw.override_token } : {}),
  };
}
