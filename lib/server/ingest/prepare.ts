// Ingest, validate and price (SPEC §5): each raw event is parsed (zod schema, canonical body
// hash) and priced with the catalog. Invalid events and repeats inside the batch with another
// body get their answer here; repeats with the same body are answered from the first copy.
import { toCostString } from "@/lib/money";
import { priceEvent } from "@/lib/pricing/calculate";
import { matchPrice, type PriceIndex } from "@/lib/pricing/match";
import { parseUsageEvent, type EventValidationError, type ParsedUsageEvent } from "@/lib/usage/event-schema";
import type { ApiKeyPrincipal } from "../api-keys";
import type { CatalogPrice } from "../pricing";

export type IngestStatus = "created" | "duplicate" | "rejected";

/** One event's answer, exactly as SPEC §5 puts it on the wire. */
export interface IngestResult {
  event_id: string | null;
  status: IngestStatus;
  cost_usd: string | null;
  priced: boolean;
  budget_override: boolean;
  over_budget: boolean;
  error?: { code: string; message: string; details?: unknown };
}

export interface PreparedEvent {
  index: number;
  event: ParsedUsageEvent;
  occurredAt: Date;
  projectKey: string | null;
  costUsd: string | null;
  priceId: string | null;
}

export const CONFLICT_MESSAGE = "An event with this event_id and a different body was already recorded.";

export function rejected(eventId: string | null, error: IngestResult["error"]): IngestResult {
  return { event_id: eventId, status: "rejected", cost_usd: null, priced: false, budget_override: false, over_budget: false, error };
}

/**
 * Validates and prices `rawEvents`; writes the answers of invalid and conflicting events into
 * `results`. Returns the events to store (first copies) and the same-body repeats.
 */
export function prepareEvents(principal: ApiKeyPrincipal, rawEvents: unknown[], now: Date, index: PriceIndex<CatalogPrice>, results: (IngestResult | null)[]) {
  const firstOf = new Map<string, PreparedEvent>();
  const repeats: { index: number; of: number }[] = [];
  const prepared: PreparedEvent[] = [];
  rawEvents.forEach((raw, i) => {
    const parsed = parseUsageEvent(raw, now);
    if (!parsed.ok) {
      results[i] = rejected(parsed.eventId, parsed.error satisfies EventValidationError);
      return;
    }
    const e = parsed.event;
    const first = firstOf.get(e.event_id);
    if (first !== undefined) {
      if (first.event.bodyHash === e.bodyHash) repeats.push({ index: i, of: first.index });
      else results[i] = rejected(e.event_id, { code: "conflict", message: CONFLICT_MESSAGE });
      return;
    }
    const occurredAt = e.timestamp ?? now;
    const match = matchPrice(index, { provider: e.provider, model: e.model, at: occurredAt });
    const p: PreparedEvent = {
      index: i,
      event: e,
      occurredAt,
      // A key bound to a project records every event under it; the body's `project` is ignored (SPEC §5).
      projectKey: principal.projectKey ?? e.project ?? null,
      costUsd: match.price ? toCostString(priceEvent(e.tokens, match.price, e.service_tier)) : null,
      priceId: match.price?.id ?? null,
    };
    firstOf.set(e.event_id, p);
    prepared.push(p);
  });

  return { prepared, repeats };
}
