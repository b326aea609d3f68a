// The ingest event of SPEC §5, validated with zod. Unknown fields are dropped (an `organization`
// field never reaches the data layer); every message names its field. The body hash is taken over
// the parsed event, so key order and ignored fields do not make a replay look like a conflict.
// A null member means the same as an absent one; nulls are dropped before the schema runs, so each
// optional field is a plain `.optional()` that costs nothing when absent (a batch of 1,000 events
// with a few fields each ran ~30 transforms per event for the fields it did not send).
//
// Every event is first read by `parseCommonShape`: plain checks, field by field, for the scalar
// fields, and each object-valued field's own zod schema. It gives the schema's output or gives up,
// and only then does the whole schema run, for its messages. The scalar fields' limits come from
// one table that builds both. (In `next start` the schema cost 11 µs of each event's ~140.)
import { z } from "zod";
import { normalizeProviderOrNull } from "@/lib/providers";
import { PROJECT_KEY_MAX, PROJECT_KEY_PATTERN, projectKeySchema } from "@/lib/schemas";
import { MAX_TOKEN_COUNT, normalizeTokens, TokenCountError, type TokenCounts, type UsageFormat } from "./normalize";
import { jsonDeeperThan, MAX_METADATA_DEPTH } from "./json-depth";
import { sha256Hex } from "@/lib/sha256";

export const MAX_EVENTS_PER_BATCH = 1000;
export const MAX_BODY_BYTES = 5 * 1024 * 1024;
export const TIMESTAMP_MAX_AGE_MS = 35 * 24 * 60 * 60 * 1000;
export const TIMESTAMP_MAX_AHEAD_MS = 5 * 60 * 1000;

const MAX_DURATION_MS = 2_147_483_647;

const ISO_TIMESTAMP = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}(?::?\d{2})?)?)?$/i;

// PostgreSQL text and jsonb cannot hold NUL characters.
const NO_NUL = (s: string) => !s.includes("\u0000");

function text(field: string, max: number) {
  return z
    .string({ message: `${field} must be a string.` })
    .max(max, `${field} must be at most ${max} characters.`)
    .refine(NO_NUL, `${field} must not contain NUL characters.`);
}

/** Trimmed; empty means absent. `map` turns the trimmed text into what is kept. */
function optionalText(field: string, max: number, map: (s: string) => string | undefined = (s) => s) {
  return text(field, max)
    .transform((s) => {
      const trimmed = s.trim();
      return trimmed === "" ? undefined : map(trimmed);
    })
    .optional();
}

function tokenCount(field: string) {
  return z
    .number({ message: `${field} must be a number.` })
    .int(`${field} must be an integer.`)
    .min(0, `${field} must not be negative.`)
    .max(MAX_TOKEN_COUNT, `${field} must be at most 10^12.`)
    .optional();
}

/** Prompt and response may be sent as text or as the provider's message array; stored as text. */
function content(field: string) {
  return z
    .union([z.string(), z.array(z.unknown()), z.record(z.string(), z.unknown())], { message: `${field} must be a string, an array or an object.` })
    .transform((v) => (typeof v === "string" ? v : JSON.stringify(v)))
    .refine(NO_NUL, `${field} must not contain NUL characters.`)
    .optional();
}

/** An ISO 8601 date or date-time (UTC when it names no zone); undefined when it is none. */
function parseTimestamp(s: string): Date | undefined {
  const m = ISO_TIMESTAMP.exec(s);
  if (m === null) return undefined;
  const withZone = m[4] === undefined ? `${s}T00:00:00Z` : m[7] === undefined ? `${s.replace(" ", "T")}Z` : s.replace(" ", "T");
  const ms = Date.parse(withZone);
  return Number.isNaN(ms) ? undefined : new Date(ms);
}

const timestampSchema = z
  .string({ message: "timestamp must be an ISO 8601 string." })
  .regex(ISO_TIMESTAMP, "timestamp must be an ISO 8601 date-time.")
  .transform((s, ctx) => {
    const date = parseTimestamp(s);
    if (date === undefined) {
      ctx.addIssue({ code: "custom", message: "timestamp is not a valid date-time." });
      return z.NEVER;
    }
    return date;
  });

const decimalSchema = z
  .union([z.string(), z.number()], { message: "cost_usd must be a decimal string or a number." })
  .transform((v) => (typeof v === "number" ? String(v) : v.trim()))
  .refine((s) => /^\d{1,12}(\.\d{1,12})?$/.test(s), "cost_usd must be a non-negative decimal with at most 12 decimal places.")
  .optional();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const EVENT_ID_MAX = 128;

/** The optional text fields: their limit, and what is kept of the trimmed text (empty is absent). */
const TEXT_FIELDS: Record<"provider" | "model" | "service_tier" | "user" | "user_email" | "user_name" | "document" | "category" | "purpose_detail" | "override_token", { max: number; keep?: (trimmed: string) => string | undefined }> = {
  provider: { max: 100, keep: (s) => normalizeProviderOrNull(s) ?? undefined },
  model: { max: 200 },
  // batch / flex / priority; default, auto, standard or absent mean standard prices.
  service_tier: { max: 50, keep: (s) => s.toLowerCase() },
  user: { max: 256 },
  user_email: { max: 320 },
  user_name: { max: 200 },
  document: { max: 512 },
  category: { max: 100 },
  purpose_detail: { max: 10_000 },
  override_token: { max: 4096 },
};
type TextField = keyof typeof TEXT_FIELDS;

const TOKEN_FIELDS = ["input_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens", "output_tokens", "reasoning_tokens"] as const;

/** The prompt, response and error: text, or a message array or object stored as its JSON. */
const CONTENT_FIELDS = ["prompt", "response", "error"] as const;

/** `make` applied to each field name, as an object keyed by those names. */
function fieldsOf<F extends string, S>(fields: readonly F[], make: (field: F) => S): Record<F, S> {
  return Object.fromEntries(fields.map((f) => [f, make(f)])) as Record<F, S>;
}

export const usageEventSchema = z.object(
  {
    event_id: z
      .string({ message: "event_id is required and must be a string." })
      .min(1, "event_id must not be empty.")
      .max(EVENT_ID_MAX, `event_id must be at most ${EVENT_ID_MAX} characters.`)
      .refine(NO_NUL, "event_id must not contain NUL characters."),
    timestamp: timestampSchema.optional(),
    ...fieldsOf(Object.keys(TEXT_FIELDS) as TextField[], (f) => optionalText(f, TEXT_FIELDS[f].max, TEXT_FIELDS[f].keep)),
    ...fieldsOf(TOKEN_FIELDS, tokenCount),
    duration_ms: z
      .number({ message: "duration_ms must be a number." })
      .min(0, "duration_ms must not be negative.")
      .max(MAX_DURATION_MS, `duration_ms must be at most ${MAX_DURATION_MS}.`)
      .transform((n) => Math.round(n))
      .optional(),
    success: z.boolean({ message: "success must be true or false." }).optional(),
    ...fieldsOf(CONTENT_FIELDS, content),
    project: z
      .string({ message: "project must be a string." })
      .pipe(projectKeySchema)
      .optional(),
    metadata: z
      .record(z.string(), z.unknown(), { message: "metadata must be an object." })
      .refine((m) => !jsonDeeperThan(m, MAX_METADATA_DEPTH), { message: `metadata may nest at most ${MAX_METADATA_DEPTH} levels.`, abort: true })
      .refine((m) => NO_NUL(JSON.stringify(m)), "metadata must not contain NUL characters.")
      .optional(),
    cost_usd: decimalSchema,
    reservation_id: z
      .string({ message: "reservation_id must be a string." })
      .regex(UUID, "reservation_id must be a UUID.")
      .transform((s) => s.toLowerCase())
      .optional(),
    usage: z
      .record(z.string(), z.unknown(), { message: "usage must be an object." })
      .refine((u) => !jsonDeeperThan(u, MAX_METADATA_DEPTH), { message: `usage may nest at most ${MAX_METADATA_DEPTH} levels.`, abort: true })
      .optional(),
  },
  { message: "Each event must be a JSON object." },
);

export type UsageEventInput = z.output<typeof usageEventSchema>;

export interface ParsedUsageEvent extends UsageEventInput {
  tokens: TokenCounts;
  usageFormat: UsageFormat;
  /** Hash of the parsed event: equal for replays, different for a changed body. */
  bodyHash: string;
}

export interface EventValidationError {
  code: "validation_failed";
  message: string;
  details: { field: string; issues: { field: string; message: string }[] };
}

export type EventParseResult = { ok: true; event: ParsedUsageEvent } | { ok: false; eventId: string | null; error: EventValidationError };

function fieldName(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join(".") : "event";
}

function invalid(eventId: string | null, issues: { field: string; message: string }[]): EventParseResult {
  const first = issues[0];
  return { ok: false, eventId, error: { code: "validation_failed", message: first.message, details: { field: first.field, issues } } };
}

/** The object without its null members (anything else as it is). */
function withoutNullMembers(raw: unknown): unknown {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return raw;
  const members: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(raw)) {
    // "__proto__" is no field of the schema; assigned here it would set the copy's prototype.
    if (value !== null && value !== undefined && key !== "__proto__") members[key] = value;
  }
  return members;
}

/** What a field parser answers when only the schema can judge the value (and word the message). */
const ASK_SCHEMA = Symbol("ask the schema");
type FieldParser = (value: unknown) => unknown;

/**
 * One parser per field of the schema, each giving exactly that field's output: plain checks for the
 * scalar fields (the same limits, from the same tables), the field's own zod schema for the rest.
 */
const FIELD_PARSERS: ReadonlyMap<string, FieldParser> = (() => {
  const parsers = new Map<string, FieldParser>();
  for (const [field, schema] of Object.entries(usageEventSchema.shape)) {
    parsers.set(field, (value) => {
      const parsed = schema.safeParse(value);
      return parsed.success ? parsed.data : ASK_SCHEMA;
    });
  }
  const isText = (v: unknown, max: number): v is string => typeof v === "string" && v.length <= max && !v.includes("\u0000");
  parsers.set("event_id", (v) => (isText(v, EVENT_ID_MAX) && v.length > 0 ? v : ASK_SCHEMA));
  parsers.set("timestamp", (v) => (typeof v === "string" ? (parseTimestamp(v) ?? ASK_SCHEMA) : ASK_SCHEMA));
  for (const [field, { max, keep }] of Object.entries(TEXT_FIELDS)) {
    parsers.set(field, (v) => {
      if (!isText(v, max)) return ASK_SCHEMA;
      const trimmed = v.trim();
      return trimmed === "" ? undefined : keep ? keep(trimmed) : trimmed;
    });
  }
  for (const field of TOKEN_FIELDS) parsers.set(field, (v) => (typeof v === "number" && Number.isInteger(v) && v >= 0 && v <= MAX_TOKEN_COUNT ? v : ASK_SCHEMA));
  parsers.set("duration_ms", (v) => (typeof v === "number" && v >= 0 && v <= MAX_DURATION_MS ? Math.round(v) : ASK_SCHEMA));
  parsers.set("success", (v) => (typeof v === "boolean" ? v : ASK_SCHEMA));
  parsers.set("project", (v) => {
    if (typeof v !== "string") return ASK_SCHEMA;
    const key = v.trim();
    return key.length <= PROJECT_KEY_MAX && PROJECT_KEY_PATTERN.test(key) ? key : ASK_SCHEMA;
  });
  for (const field of CONTENT_FIELDS) {
    const asStructure = parsers.get(field)!;
    parsers.set(field, (v) => (typeof v === "string" ? (v.includes("\u0000") ? ASK_SCHEMA : v) : asStructure(v)));
  }
  return parsers;
})();

/**
 * The schema's output for an event every field of which is valid, built field by field; undefined
 * when any field is not (or the event is no object), for the schema to say why. Null members are
 * absent, unknown ones dropped, and "__proto__" is no field.
 */
export function parseCommonShape(raw: unknown): UsageEventInput | undefined {
  if (typeof raw !== "object" || raw === null || Array.isArray(raw)) return undefined;
  const event: Record<string, unknown> = {};
  for (const key of Object.keys(raw)) {
    const value = (raw as Record<string, unknown>)[key];
    const parse = FIELD_PARSERS.get(key);
    if (value === null || value === undefined || parse === undefined) continue;
    const parsed = parse(value);
    if (parsed === ASK_SCHEMA) return undefined;
    event[key] = parsed;
  }
  return event.event_id === undefined ? undefined : (event as UsageEventInput);
}

/** The schema's own verdict, with every message naming its field. */
function parseWithSchema(raw: unknown): { ok: true; data: UsageEventInput } | { ok: false; issues: { field: string; message: string }[] } {
  const parsed = usageEventSchema.safeParse(withoutNullMembers(raw));
  if (parsed.success) return { ok: true, data: parsed.data };
  return {
    ok: false,
    issues: parsed.error.issues.map((i) => ({ field: fieldName(i.path), message: i.path.length && !i.message.startsWith(fieldName(i.path)) ? `${fieldName(i.path)}: ${i.message}` : i.message })),
  };
}

/** Validates one event at `now`: fields, token arithmetic and the accepted timestamp window. */
export function parseUsageEvent(raw: unknown, now: Date = new Date()): EventParseResult {
  const eventId = typeof raw === "object" && raw !== null && typeof (raw as { event_id?: unknown }).event_id === "string" ? (raw as { event_id: string }).event_id : null;
  let data = parseCommonShape(raw);
  if (data === undefined) {
    const parsed = parseWithSchema(raw);
    if (!parsed.ok) return invalid(eventId, parsed.issues);
    data = parsed.data;
  }
  if (data.timestamp) {
    const t = data.timestamp.getTime();
    if (t < now.getTime() - TIMESTAMP_MAX_AGE_MS) return invalid(eventId, [{ field: "timestamp", message: "timestamp is more than 35 days in the past." }]);
    if (t > now.getTime() + TIMESTAMP_MAX_AHEAD_MS) return invalid(eventId, [{ field: "timestamp", message: "timestamp is more than 5 minutes in the future." }]);
  }
  let normalized: ReturnType<typeof normalizeTokens>;
  try {
    normalized = normalizeTokens(data);
  } catch (err) {
    if (err instanceof TokenCountError) return invalid(eventId, [{ field: err.field, message: err.message }]);
    throw err;
  }
  // `data` is this call's own object: completed in place rather than copied.
  const bodyHash = hashUsageEvent(data);
  return { ok: true, event: Object.assign(data, { tokens: normalized.tokens, usageFormat: normalized.format, bodyHash }) };
}

/**
 * JSON with object keys sorted at every depth and undefined members left out. Built by
 * concatenation (no intermediate entry arrays): it runs for every event ingested.
 */
export function canonicalJson(value: unknown): string {
  if (value === undefined) return "null";
  if (value === null || typeof value !== "object") return JSON.stringify(value);
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) {
    let out = "[";
    for (let i = 0; i < value.length; i++) out += (i ? "," : "") + canonicalJson(value[i]);
    return `${out}]`;
  }
  const object = value as Record<string, unknown>;
  // The default sort orders by UTF-16 code units, as `<` does.
  const keys = Object.keys(object).sort();
  let out = "{";
  for (const key of keys) {
    const member = object[key];
    if (member === undefined) continue;
    out += `${out.length > 1 ? "," : ""}${JSON.stringify(key)}:${canonicalJson(member)}`;
  }
  return `${out}}`;
}

/** The schema's fields in canonical (sorted) order, each with its JSON key. */
const SORTED_FIELDS = Object.keys(usageEventSchema.shape)
  .sort()
  .map((field) => [field, `${JSON.stringify(field)}:`] as const);

/** SHA-256 of the event's canonicalJson; its members are the schema's fields, so their order is known. */
export function hashUsageEvent(event: UsageEventInput): string {
  let out = "{";
  for (const [field, key] of SORTED_FIELDS) {
    const member = (event as Record<string, unknown>)[field];
    if (member !== undefined) out += (out.length > 1 ? "," : "") + key + canonicalJson(member);
  }
  return sha256Hex(`${out}}`);
}
