// The machinery both provider wrappers share: an optional budget check before the call, then one
// usage event per call, streamed or not, failed or not. The provider client's own promise (with
// `withResponse()` / `asResponse()`) and stream objects are handed back, so the app sees the
// provider's API unchanged.
import { BudgetConfirmationRequired, BudgetExceededError, SpendlineError, type CallEstimate } from "./errors.js";
import type { CallAttributes, UsageEvent } from "./types.js";
import type { Spendline } from "./client.js";

/** What the wrapper learns from a finished call (or a stream's events). */
export interface CallOutcome {
  id?: string;
  model?: string;
  usage?: Record<string, unknown>;
  serviceTier?: unknown;
  success: boolean;
  error?: string;
}

/** Gathers a streamed call's id, model and usage from its events. */
export interface StreamObserver {
  /** Looks at one event; true hides it from the app (an event the app did not ask for). */
  observe(event: unknown): boolean;
  outcome(): CallOutcome;
}

export interface EndpointSpec {
  provider: "openai" | "anthropic";
  /** The request body to send (e.g. with `stream_options.include_usage`), and a stream observer factory when it streams. */
  prepare(body: Record<string, unknown>): { body: Record<string, unknown>; observer?: () => StreamObserver };
  /** What a non-streamed answer says. */
  fromResult(data: unknown): CallOutcome;
  /** Tokens to reserve for: prompt size and the request's output cap. */
  estimate(body: Record<string, unknown>, defaultMaxOutputTokens: number): { inputTokens: number; outputTokens: number };
}

export interface WrapState {
  spendline: Spendline;
  attrs: CallAttributes;
}

const SERVICE_TIERS = new Set(["batch", "flex", "priority", "default", "auto", "standard"]);
const MAX_ERROR_LENGTH = 2000;

/** Rough token count of a request's prompt: about four characters per token of its JSON. */
export function promptTokens(...parts: unknown[]): number {
  let chars = 0;
  for (const part of parts) {
    if (part === undefined || part === null) continue;
    chars += typeof part === "string" ? part.length : (JSON.stringify(part)?.length ?? 0);
  }
  return Math.ceil(chars / 4);
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function errorMessage(err: unknown): string {
  const message = err instanceof Error ? `${err.name}: ${err.message}` : String(err);
  return message.length > MAX_ERROR_LENGTH ? `${message.slice(0, MAX_ERROR_LENGTH)}…` : message;
}

function requestIdOf(err: unknown): string | undefined {
  const id = (err as { requestID?: unknown } | null)?.requestID;
  return typeof id === "string" && id ? id : undefined;
}

interface CallContext {
  spec: EndpointSpec;
  state: WrapState;
  attrs: CallAttributes;
  body: Record<string, unknown>;
  started: number;
  reservationId?: string;
}

function now(): number {
  return typeof performance !== "undefined" ? performance.now() : Date.now();
}

/** Records the call; a reporting problem goes to onError, never into the app's call. */
function recordOutcome(ctx: CallContext, outcome: CallOutcome, failure?: unknown): void {
  try {
    ctx.state.spendline.record(eventFor(ctx, outcome, failure));
  } catch (err) {
    ctx.state.spendline.reportError(err instanceof Error ? err : new SpendlineError(String(err)), { operation: "record" });
  }
}

function eventFor(ctx: CallContext, outcome: CallOutcome, failure?: unknown): UsageEvent {
  const { spec, attrs } = ctx;
  const requestId = requestIdOf(failure);
  const eventId = outcome.id ? `${spec.provider}-${outcome.id}` : requestId ? `${spec.provider}-request-${requestId}` : `${spec.provider}-${crypto.randomUUID()}`;
  const event: UsageEvent = {
    event_id: eventId,
    provider: spec.provider,
    model: outcome.model ?? (typeof ctx.body.model === "string" ? ctx.body.model : undefined),
    duration_ms: Math.max(0, Math.round(now() - ctx.started)),
    success: outcome.success,
  };
  if (outcome.usage) event.usage = outcome.usage;
  if (typeof outcome.serviceTier === "string" && SERVICE_TIERS.has(outcome.serviceTier)) event.service_tier = outcome.serviceTier;
  if (!outcome.success) event.error = outcome.error ?? (failure === undefined ? "The call failed." : errorMessage(failure));
  if (attrs.user !== undefined) event.user = attrs.user;
  if (attrs.project !== undefined) event.project = attrs.project;
  if (attrs.category !== undefined) event.category = attrs.category;
  if (attrs.document !== undefined) event.document = attrs.document;
  if (attrs.purposeDetail !== undefined) event.purpose_detail = attrs.purposeDetail;
  if (attrs.metadata !== undefined) event.metadata = attrs.metadata;
  if (ctx.reservationId) event.reservation_id = ctx.reservationId;
  if (attrs.overrideToken) event.override_token = attrs.overrideToken;
  return event;
}

/** An observer that fails must not break the app's stream: the event is then simply passed on. */
function safeObserve(observer: StreamObserver, event: unknown): boolean {
  try {
    return observer.observe(event);
  } catch {
    return false;
  }
}

/** Replaces a stream's iterator so every consumer (for await, tee, toReadableStream) passes the observer. */
function observeStream(stream: unknown, ctx: CallContext, makeObserver: () => StreamObserver): unknown {
  if (stream === null || typeof stream !== "object") return stream;
  const target = stream as Record<PropertyKey, unknown>;
  const observer = makeObserver();
  let recorded = false;
  const finish = (outcome: CallOutcome, failure?: unknown) => {
    if (recorded) return;
    recorded = true;
    recordOutcome(ctx, outcome, failure);
  };
  const wrapIterator = (inner: AsyncIterator<unknown>): AsyncIterator<unknown> => {
    async function* observed() {
      let completed = false;
      try {
        for (;;) {
          const step = await inner.next();
          if (step.done) break;
          if (!safeObserve(observer, step.value)) yield step.value;
        }
        completed = true;
        finish(observer.outcome());
      } catch (err) {
        completed = true;
        finish({ ...observer.outcome(), success: false, error: errorMessage(err) }, err);
        throw err;
      } finally {
        if (!completed) {
          // The app stopped reading early: end the provider's request, record what was seen.
          await inner.return?.();
          finish(observer.outcome());
        }
      }
    }
    return observed();
  };
  if (typeof target.iterator === "function") {
    const original = target.iterator as (...args: unknown[]) => AsyncIterator<unknown>;
    target.iterator = function (this: unknown, ...args: unknown[]) {
      return wrapIterator(original.apply(this, args));
    };
  } else if (typeof target[Symbol.asyncIterator] === "function") {
    const original = target[Symbol.asyncIterator] as () => AsyncIterator<unknown>;
    target[Symbol.asyncIterator] = function (this: unknown) {
      return wrapIterator(original.call(this));
    };
  }
  return stream;
}

interface ProviderPromise<T = unknown> extends Promise<T> {
  _thenUnwrap?: (transform: (data: unknown, props: unknown) => unknown) => ProviderPromise;
  responsePromise?: Promise<unknown>;
  withResponse?: () => Promise<{ data: unknown; response: unknown }>;
  asResponse?: () => Promise<unknown>;
}

/** Observes one provider call: records it when its answer (or its stream) is complete, or when it fails. */
function observeCall(promise: ProviderPromise, ctx: CallContext, makeObserver: (() => StreamObserver) | undefined): ProviderPromise {
  let recorded = false;
  const fail = (err: unknown) => {
    if (recorded) return;
    recorded = true;
    recordOutcome(ctx, { success: false, error: errorMessage(err) }, err);
  };
  const transform = (data: unknown) => {
    if (makeObserver) return observeStream(data, ctx, makeObserver);
    if (!recorded) {
      recorded = true;
      let outcome: CallOutcome;
      try {
        outcome = ctx.spec.fromResult(data);
      } catch {
        outcome = { success: true };
      }
      recordOutcome(ctx, outcome);
    }
    return data;
  };
  if (promise && typeof promise._thenUnwrap === "function") {
    // The provider's own promise type, so `.withResponse()` and `.asResponse()` keep working.
    const wrapped = promise._thenUnwrap((data) => transform(data));
    if (promise.responsePromise && typeof promise.responsePromise.then === "function") promise.responsePromise.then(undefined, fail);
    return wrapped;
  }
  return Promise.resolve(promise).then(transform, (err) => {
    fail(err);
    throw err;
  });
}

async function checkBeforeCall(ctx: CallContext): Promise<void> {
  const { spec, attrs, body } = ctx;
  const tokens = spec.estimate(body, attrs.defaultMaxOutputTokens ?? 4096);
  const estimate: CallEstimate = {
    provider: spec.provider,
    model: typeof body.model === "string" ? body.model : undefined,
    estimatedInputTokens: tokens.inputTokens,
    estimatedOutputTokens: tokens.outputTokens,
    ...(attrs.estimatedCostUsd !== undefined ? { estimatedCostUsd: String(attrs.estimatedCostUsd) } : {}),
  };
  let answer;
  try {
    answer = await ctx.state.spendline.check({
      user: attrs.user,
      project: attrs.project,
      provider: spec.provider,
      model: estimate.model,
      ...(attrs.estimatedCostUsd !== undefined
        ? { estimatedCostUsd: attrs.estimatedCostUsd }
        : { estimatedInputTokens: tokens.inputTokens, estimatedOutputTokens: tokens.outputTokens }),
    });
  } catch (err) {
    if (attrs.checkFailure === "closed") throw err;
    ctx.state.spendline.reportError(
      err instanceof Error ? err : new SpendlineError(String(err)),
      { operation: "check" },
    );
    return;
  }
  if (answer.decision === "block") throw new BudgetExceededError(answer, estimate);
  if (answer.decision === "confirm") {
    const { overrideToken: _used, ...rest } = attrs;
    throw new BudgetConfirmationRequired(answer, estimate, rest);
  }
  ctx.reservationId = answer.reservationId;
}

type Create = (this: unknown, body: unknown, options?: unknown) => ProviderPromise;

/**
 * Replaces `resource[method]` (an own property, so the provider's class is untouched) with a
 * version that checks and records. `stateOf()` is read on every call, so re-wrapping the client
 * with new attributes takes effect at once.
 */
export function instrumentMethod(resource: unknown, method: string, spec: EndpointSpec, stateOf: () => WrapState): void {
  if (resource === null || typeof resource !== "object") return;
  const target = resource as Record<string, unknown>;
  const original = target[method];
  if (typeof original !== "function" || (original as { __spendline?: boolean }).__spendline) return;
  const wrapped = function (this: unknown, body: unknown, options?: unknown) {
    const state = stateOf();
    let callAttrs: CallAttributes = state.attrs;
    let providerOptions = options;
    if (isRecord(options) && isRecord(options.spendline)) {
      // Per-call attributes: `create(body, { spendline: { user: "u-1" } })`, not sent to the provider.
      const { spendline: perCall, ...rest } = options;
      callAttrs = { ...callAttrs, ...(perCall as CallAttributes) };
      providerOptions = rest;
    }
    if (state.attrs.overrideToken) {
      // An override token is good for one event: the next call checks again.
      const { overrideToken: _consumed, ...rest } = state.attrs;
      state.attrs = rest;
    }
    if (!isRecord(body)) return (original as Create).call(this, body, providerOptions);
    const prepared = spec.prepare(body);
    const ctx: CallContext = { spec, state, attrs: callAttrs, body: prepared.body, started: now() };
    const invoke = () => {
      ctx.started = now();
      return observeCall((original as Create).call(this, prepared.body, providerOptions), ctx, prepared.observer);
    };
    if (!callAttrs.checkBudget || callAttrs.overrideToken) return invoke();

    const started = checkBeforeCall(ctx).then(() => ({ call: invoke() }));
    const result = started.then(({ call }) => call) as ProviderPromise;
    // An app that uses only withResponse() handles the error there; this branch must not be "unhandled".
    result.catch(() => undefined);
    result.withResponse = () => started.then(({ call }) => (call.withResponse ? call.withResponse() : call.then((data) => ({ data, response: undefined }))));
    result.asResponse = () => started.then(({ call }) => (call.asResponse ? call.asResponse() : Promise.reject(new SpendlineError("asResponse() is not available on this client."))));
    return result;
  };
  Object.defineProperty(wrapped, "__spendline", { value: true });
  Object.defineProperty(target, method, { value: wrapped, writable: true, configurable: true, enumerable: false });
}
