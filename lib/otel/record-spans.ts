// Hands the mapped span events to the usage ingest in batches of at most MAX_EVENTS_PER_BATCH and
// sums the outcome up as OTLP's partial success: rejected spans are those that could not be mapped
// and those the ingest rejected (invalid fields, an event_id replayed with another body).
// Duplicates are accepted: an exporter retrying a request is not told that spans were rejected.
import { MAX_EVENTS_PER_BATCH } from "@/lib/usage/event-schema";
import type { PartialSuccess } from "./decode";
import type { SpanMapping, SpanUsageEvent } from "./map-spans";

/** What the ingest answers per event (the fields of an IngestResult this module reads). */
export interface RecordedEvent {
  event_id: string | null;
  status: "created" | "duplicate" | "rejected";
  error?: { message: string };
}

export type RecordBatch = (events: SpanUsageEvent[]) => Promise<RecordedEvent[]>;

export interface SpansOutcome {
  created: number;
  duplicates: number;
  partialSuccess: PartialSuccess | null;
}

const MAX_MESSAGES = 5;
const MAX_MESSAGE_LENGTH = 300;

const clip = (s: string) => (s.length > MAX_MESSAGE_LENGTH ? `${s.slice(0, MAX_MESSAGE_LENGTH)}…` : s);

export async function recordSpans(mapping: SpanMapping, record: RecordBatch, batchSize = MAX_EVENTS_PER_BATCH): Promise<SpansOutcome> {
  const problems = mapping.rejected.map((r) => (r.eventId ? `${r.eventId}: ${r.message}` : r.message));
  let created = 0;
  let duplicates = 0;
  for (let i = 0; i < mapping.events.length; i += batchSize) {
    // The embedded database runs each statement on the event loop's thread: between batches, let
    // other requests (health checks, other keys) in, so one large export does not starve them.
    if (i > 0) await new Promise((resolve) => setImmediate(resolve));
    for (const result of await record(mapping.events.slice(i, i + batchSize))) {
      if (result.status === "created") created++;
      else if (result.status === "duplicate") duplicates++;
      else problems.push(`${result.event_id ?? "span"}: ${result.error?.message ?? "rejected."}`);
    }
  }
  if (problems.length === 0) return { created, duplicates, partialSuccess: null };
  const shown = [...new Set(problems)].slice(0, MAX_MESSAGES).map(clip);
  const more = problems.length > shown.length ? ` (and ${problems.length - shown.length} more)` : "";
  const errorMessage = `${problems.length} span${problems.length === 1 ? "" : "s"} rejected: ${shown.join("; ")}${more}`;
  return { created, duplicates, partialSuccess: { rejectedSpans: problems.length, errorMessage } };
}
