// The ingest event of SPEC §5, validated with zod. Unknown fields are dropped (an `organization`
// field never reaches the data layer); every message names its field. The body hash is taken over
// the parsed event, so key order and ignored fields do not make a replay look like a conflict.
// A null member means the same as an absent one; nulls are dropped before the schema runs, so each
// optional field is a plain `.optional()` that costs nothing when absent (a batch of 1,000 events
// with a few fields each ran ~30 transforms per event for the fields it did not send).
import { z } from "zod";
import { normalizeProviderOrNull } from "@/lib/providers";
import { projectKeySchema } from "@/lib/schemas";
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

const timestampSchema = z
  .string({ message: "timestamp must be an ISO 8601 string." })
  .regex(ISO_TIMESTAMP, "timestamp must be an ISO 8601 date-time.")
  .transform((s, ctx) => {
    const m = ISO_TIMESTAMP.exec(s)!;
    const withZone = m[4] === undefined ? `${s}T00:00:00Z` : m[7] === undefined ? `${s.replace(" ", "T")}Z` : s.replace(" ", "T");
    const ms = Date.parse(withZone);
    if (Number.isNaN(ms)) {
      ctx.addIssue({ code: "custom", message: "timestamp is not a valid date-time." });
      return z.NEVER;
    }
    return new Date(ms);
  });

const decimalSchema = z
  .union([z.string(), z.number()], { message: "cost_usd must be a decimal string or a number." })
  .transform((v) => (typeof v === "number" ? String(v) : v.trim()))
  .refine((s) => /^\d{1,12}(\.\d{1,12})?$/.test(s), "cost_usd must be a non-negative decimal with at most 12 decimal places.")
  .optional();

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const usageEventSchema = z.object(
  {
    event_id: z
      .string({ message: "event_id is required and must be a string." })
      .min(1, "event_id must not be empty.")
      .max(128, "event_id must be at most 128 characters.")
      .refine(NO_NUL, "event_id must not contain NUL characters."),
    timestamp: timestampSchema.optional(),
    provider: optionalText("provider", 100, (s) => normalizeProviderOrNull(s) ?? undefined),
    model: optionalText("model", 200),
    input_tokens: tokenCount("input_tokens"),
    cache_read_tokens: tokenCount("cache_read_tokens"),
    cache_write_tokens: tokenCount("cache_write_tokens"),
    cache_write_1h_tokens: tokenCount("cache_write_1h_tokens"),
    output_tokens: tokenCount("output_tokens"),
    reasoning_tokens: tokenCount("reasoning_tokens"),
    // batch / flex / priority; default, auto, standard or absent mean standard prices.
    service_tier: optionalText("service_tier", 50, (s) => s.toLowerCase()),
    duration_ms: z
      .number({ message: "duration_ms must be a number." })
      .min(0, "duration_ms must not be negative.")
      .max(MAX_DURATION_MS, `duration_ms must be at most ${MAX_DURATION_MS}.`)
      .transform((n) => Math.round(n))
      .optional(),
    success: z.boolean({ message: "success must be true or false." }).optional(),
    error: content("error"),
    user: optionalText("user", 256),
    user_email: optionalText("user_email", 320),
    user_name: optionalText("user_name", 200),
    project: z
      .string({ message: "project must be a string." })
      .pipe(projectKeySchema)
      .optional(),
    document: optionalText("document", 512),
    category: optionalText("category", 100),
    purpose_detail: optionalText("purpose_detail", 10_000),
    prompt: content("prompt"),
    response: content("response"),
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
    override_token: optionalText("override_token", 4096),
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

/** Validates one event at `now`: fields, token arithmetic and the accepted timestamp window. */
export function parseUsageEvent(raw: unknown, now: Date = new Date()): EventParseResult {
  const eventId = typeof raw === "object" && raw !== null && typeof (raw as { event_id?: unknown }).event_id === "string" ? (raw as { event_id: string }).event_id : null;
  const parsed = usageEventSchema.safeParse(withoutNullMembers(raw));
  if (!parsed.success) {
    return invalid(
      eventId,
      parsed.error.issues.map((i) => ({ field: fieldName(i.path), message: i.path.length && !i.message.startsWith(fieldName(i.path)) ? `${fieldName(i.path)}: ${i.message}` : i.message })),
    );
  }
  const data = parsed.data;
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
  return { ok: true, event: { ...data, tokens: normalized.tokens, usageFormat: normalized.format, bodyHash: hashUsageEvent(data) } };
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

export function hashUsageEvent(event: UsageEventInput): string {
  return sha256Hex(canonicalJson(event));
}
