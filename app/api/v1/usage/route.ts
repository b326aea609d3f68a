import { AppError } from "@/lib/server/errors";
import { jsonError, jsonResponse, readJsonBody, withApiKey } from "@/lib/server/http";
import { recordUsage, recordUsageBatch } from "@/lib/server/usage-ingest";
import { MAX_BODY_BYTES, MAX_EVENTS_PER_BATCH } from "@/lib/usage/event-schema";

export const dynamic = "force-dynamic";

function isBatch(body: unknown): body is { events: unknown } {
  return typeof body === "object" && body !== null && !Array.isArray(body) && "events" in body;
}

export const POST = withApiKey(async (req, principal) => {
  const body = await readJsonBody(req, MAX_BODY_BYTES);
  if (isBatch(body)) {
    if (!Array.isArray(body.events)) throw new AppError("validation_failed", "events must be an array of events.", { field: "events" });
    if (body.events.length > MAX_EVENTS_PER_BATCH) throw new AppError("payload_too_large", `A batch may hold at most ${MAX_EVENTS_PER_BATCH} events.`);
    if (body.events.length === 0) throw new AppError("validation_failed", "events must hold at least one event.", { field: "events" });
    const results = await recordUsageBatch(principal, body.events);
    return jsonResponse({ results }, results.some((r) => r.status === "rejected") ? 207 : 200);
  }
  const result = await recordUsage(principal, body);
  if (result.status === "rejected" && result.error) {
    const status = result.error.code === "conflict" ? 409 : 422;
    return jsonError(result.error.code, result.error.message, status, result.error.details);
  }
  return jsonResponse({ results: [result] });
});
