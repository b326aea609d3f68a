import { describe, expect, it } from "vitest";
import type { SpanMapping, SpanUsageEvent } from "./map-spans";
import { recordSpans, type RecordedEvent } from "./record-spans";

const event = (n: number): SpanUsageEvent => ({ event_id: `otel-${n}`, timestamp: "2026-11-27T00:00:00.000Z", success: true });

describe("recordSpans", () => {
  it("records in batches and answers no partialSuccess when nothing was rejected (duplicates included)", async () => {
    const batches: number[] = [];
    const mapping: SpanMapping = { events: [1, 2, 3, 4, 5].map(event), rejected: [], skipped: 2 };
    const outcome = await recordSpans(
      mapping,
      async (events) => {
        batches.push(events.length);
        return events.map((e, i): RecordedEvent => ({ event_id: e.event_id, status: i === 0 ? "duplicate" : "created" }));
      },
      2,
    );
    expect(batches).toEqual([2, 2, 1]);
    expect(outcome).toEqual({ created: 2, duplicates: 3, partialSuccess: null });
  });

  it("counts unmappable spans and ingest rejections as rejected spans, with their messages", async () => {
    const mapping: SpanMapping = { events: [event(1), event(2)], rejected: [{ eventId: "otel-x", message: "span has no end time." }], skipped: 0 };
    const outcome = await recordSpans(mapping, async (events) => [
      { event_id: events[0].event_id, status: "created" },
      { event_id: events[1].event_id, status: "rejected", error: { message: "An event with this event_id and a different body was already recorded." } },
    ]);
    expect(outcome.partialSuccess).toEqual({
      rejectedSpans: 2,
      errorMessage: "2 spans rejected: otel-x: span has no end time.; otel-2: An event with this event_id and a different body was already recorded.",
    });
  });

  it("keeps the error message short when many spans are rejected", async () => {
    const mapping: SpanMapping = { events: [], rejected: Array.from({ length: 50 }, (_, i) => ({ eventId: `otel-${i}`, message: "x".repeat(1000) })), skipped: 0 };
    const outcome = await recordSpans(mapping, async () => []);
    expect(outcome.partialSuccess!.rejectedSpans).toBe(50);
    expect(outcome.partialSuccess!.errorMessage.length).toBeLessThan(2000);
    expect(outcome.partialSuccess!.errorMessage).toMatch(/and 45 more/);
  });
});
