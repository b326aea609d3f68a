// SPEC §5: every span carrying OpenTelemetry GenAI usage becomes one usage event, in the same raw
// shape that POST /api/v1/usage accepts, so it is validated, priced, budgeted, redacted and rolled
// up by the same ingest. The mapping is a pure function of the span: re-exporting a span yields the
// same event (same event_id, same body), which the ingest counts once.
import Decimal from "decimal.js";
import type { AttributeValue, Attributes, DecodedSpan, DecodedTraceRequest } from "./decode";
import { STATUS_CODE_ERROR } from "./decode";
import { normalizeProvider } from "@/lib/providers";

/** A raw usage event (POST /api/v1/usage fields) made from one span. */
export interface SpanUsageEvent {
  event_id: string;
  timestamp: string;
  duration_ms?: number;
  provider?: string;
  model?: string;
  input_tokens?: number;
  cache_read_tokens?: number;
  cache_write_tokens?: number;
  output_tokens?: number;
  reasoning_tokens?: number;
  success: boolean;
  error?: string;
  user?: string;
  project?: string;
  category?: string;
  document?: string;
  cost_usd?: string;
  prompt?: string;
  response?: string;
  metadata?: Record<string, string>;
}

export interface RejectedSpan {
  /** The event id the span would have had, when its ids are valid. */
  eventId: string | null;
  message: string;
}

export interface SpanMapping {
  events: SpanUsageEvent[];
  rejected: RejectedSpan[];
  /** Spans without GenAI usage: not usage events, and not errors either. */
  skipped: number;
}

// Current GenAI semantic-convention names first, then the older (or OpenLLMetry) spellings.
const INPUT = ["gen_ai.usage.input_tokens", "gen_ai.usage.prompt_tokens"];
const OUTPUT = ["gen_ai.usage.output_tokens", "gen_ai.usage.completion_tokens"];
const CACHE_READ = ["gen_ai.usage.cache_read.input_tokens", "gen_ai.usage.cache_read_input_tokens"];
const CACHE_WRITE = ["gen_ai.usage.cache_creation.input_tokens", "gen_ai.usage.cache_creation_input_tokens"];
const REASONING = ["gen_ai.usage.reasoning.output_tokens", "gen_ai.usage.reasoning_tokens"];
const PROVIDER = ["gen_ai.provider.name", "gen_ai.system"];
const MODEL = ["gen_ai.response.model", "gen_ai.request.model"];
const COST = "gen_ai.usage.cost";
const USER = ["spendline.user", "user.id", "enduser.id"];
const PROJECT = "spendline.project";
const CATEGORY = "spendline.category";
const DOCUMENT = "spendline.document";
const INPUT_MESSAGES = "gen_ai.input.messages";
const OUTPUT_MESSAGES = "gen_ai.output.messages";

/** Every attribute the mapping reads; none of them is repeated in metadata. */
const MAPPED = new Set([...INPUT, ...OUTPUT, ...CACHE_READ, ...CACHE_WRITE, ...REASONING, ...PROVIDER, ...MODEL, COST, ...USER, PROJECT, CATEGORY, DOCUMENT]);

/** Resource attributes worth keeping beside the span's own (the rest describe the SDK and host). */
const RESOURCE_METADATA = ["service.name", "service.namespace", "service.version", "deployment.environment.name", "deployment.environment"];

// Message content goes to prompt / response, where the organisation's "store content" switch
// applies, never to metadata.
const isPromptContent = (key: string) => key === INPUT_MESSAGES || key === "gen_ai.system_instructions" || key === "gen_ai.prompt" || key.startsWith("gen_ai.prompt.");
const isResponseContent = (key: string) => key === OUTPUT_MESSAGES || key === "gen_ai.completion" || key.startsWith("gen_ai.completion.");

const NS_PER_MS = BigInt(1_000_000);
const MAX_DATE_MS = 8.64e15;
const TRACE_ID = /^[0-9a-f]{32}$/;
const SPAN_ID = /^[0-9a-f]{16}$/;
const ALL_ZERO = /^0+$/;

class InvalidSpan extends Error {}

function first(attrs: Attributes, keys: string[]): { key: string; value: AttributeValue } | undefined {
  for (const key of keys) if (attrs.has(key)) return { key, value: attrs.get(key)! };
  return undefined;
}

/** A token count: a non-negative integer, sent as an int, an integral double or a digit string. */
function tokens(attrs: Attributes, keys: string[]): number | undefined {
  const hit = first(attrs, keys);
  if (!hit) return undefined;
  const v = hit.value;
  const n = typeof v === "bigint" ? Number(v) : typeof v === "number" ? v : typeof v === "string" && /^\d{1,16}$/.test(v.trim()) ? Number(v.trim()) : NaN;
  if (!Number.isSafeInteger(n) || n < 0) throw new InvalidSpan(`${hit.key} must be a non-negative integer.`);
  return n;
}

/** Text of a string attribute; ids sent as integers are text too. */
function text(v: AttributeValue | undefined): string | undefined {
  if (typeof v === "string") return v.trim() === "" ? undefined : v;
  if (typeof v === "bigint" || (typeof v === "number" && Number.isInteger(v))) return String(v);
  return undefined;
}

function fromSpanOrResource(span: Attributes, resource: Attributes, keys: string[]): string | undefined {
  for (const key of keys) {
    const v = text(span.get(key)) ?? text(resource.get(key));
    if (v !== undefined) return v;
  }
  return undefined;
}

function cost(attrs: Attributes): string | undefined {
  if (!attrs.has(COST)) return undefined;
  const v = attrs.get(COST);
  const invalid = () => new InvalidSpan(`${COST} must be a non-negative number of US dollars.`);
  let d: Decimal;
  try {
    d = typeof v === "number" || typeof v === "bigint" || typeof v === "string" ? new Decimal(typeof v === "bigint" ? v.toString() : v) : new Decimal(NaN);
  } catch {
    throw invalid();
  }
  if (!d.isFinite() || d.isNegative()) throw invalid();
  // A double such as 0.1 + 0.2 carries binary noise past the 12 decimal places costs have.
  return d.toDecimalPlaces(12).toFixed();
}

function content(attrs: Attributes, isContent: (key: string) => boolean, whole: string): string | undefined {
  const parts = [...attrs].filter(([key, v]) => isContent(key) && typeof v === "string") as [string, string][];
  if (parts.length === 0) return undefined;
  if (parts.length === 1 && parts[0][0] === whole) return parts[0][1];
  return JSON.stringify(Object.fromEntries(parts));
}

function metadata(span: Attributes, resource: Attributes): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const key of RESOURCE_METADATA) {
    const v = resource.get(key);
    if (typeof v === "string") out[key] = v;
  }
  for (const [key, v] of span) {
    if (typeof v === "string" && !MAPPED.has(key) && !isPromptContent(key) && !isResponseContent(key)) out[key] = v;
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

function hasUsage(attrs: Attributes): boolean {
  return [...INPUT, ...OUTPUT].some((key) => attrs.has(key));
}

function spanEvent(span: DecodedSpan, resource: Attributes, eventId: string): SpanUsageEvent {
  const attrs = span.attributes;
  if (span.endTimeUnixNano <= BigInt(0)) throw new InvalidSpan("span has no end time.");
  const endMs = Number(span.endTimeUnixNano / NS_PER_MS);
  if (endMs > MAX_DATE_MS) throw new InvalidSpan("span end time is out of range.");
  if (span.startTimeUnixNano > span.endTimeUnixNano) throw new InvalidSpan("span ends before it starts.");

  const event: SpanUsageEvent = { event_id: eventId, timestamp: new Date(endMs).toISOString(), success: span.statusCode !== STATUS_CODE_ERROR };
  if (span.startTimeUnixNano > BigInt(0)) event.duration_ms = Number(span.endTimeUnixNano - span.startTimeUnixNano) / 1e6;
  const provider = text(first(attrs, PROVIDER)?.value);
  if (provider) event.provider = normalizeProvider(provider);
  event.model = text(attrs.get(MODEL[0])) ?? text(attrs.get(MODEL[1]));
  event.input_tokens = tokens(attrs, INPUT);
  event.cache_read_tokens = tokens(attrs, CACHE_READ);
  event.cache_write_tokens = tokens(attrs, CACHE_WRITE);
  event.output_tokens = tokens(attrs, OUTPUT);
  event.reasoning_tokens = tokens(attrs, REASONING);
  if (!event.success) event.error = span.statusMessage.trim() || text(attrs.get("error.type"));
  event.user = fromSpanOrResource(attrs, resource, USER);
  event.project = fromSpanOrResource(attrs, resource, [PROJECT]);
  event.category = fromSpanOrResource(attrs, resource, [CATEGORY]);
  event.document = fromSpanOrResource(attrs, resource, [DOCUMENT]);
  event.cost_usd = cost(attrs);
  event.prompt = content(attrs, isPromptContent, INPUT_MESSAGES);
  event.response = content(attrs, isResponseContent, OUTPUT_MESSAGES);
  event.metadata = metadata(attrs, resource);
  for (const key of Object.keys(event) as (keyof SpanUsageEvent)[]) if (event[key] === undefined) delete event[key];
  return event;
}

/** The usage events of a decoded request, in span order, and the spans that could not be mapped. */
export function mapSpansToUsageEvents(request: DecodedTraceRequest): SpanMapping {
  const mapping: SpanMapping = { events: [], rejected: [], skipped: 0 };
  for (const { resource, spans } of request.resourceSpans) {
    for (const span of spans) {
      if (!hasUsage(span.attributes)) {
        mapping.skipped++;
        continue;
      }
      if (!TRACE_ID.test(span.traceId) || ALL_ZERO.test(span.traceId) || !SPAN_ID.test(span.spanId) || ALL_ZERO.test(span.spanId)) {
        mapping.rejected.push({ eventId: null, message: "span has an invalid trace id or span id (16 and 8 bytes, not all zero)." });
        continue;
      }
      const eventId = `otel-${span.traceId}-${span.spanId}`;
      try {
        mapping.events.push(spanEvent(span, resource, eventId));
      } catch (err) {
        if (!(err instanceof InvalidSpan)) throw err;
        mapping.rejected.push({ eventId, message: err.message });
      }
    }
  }
  return mapping;
}
