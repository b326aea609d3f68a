// OTLP/HTTP trace receiver (SPEC §5): ExportTraceServiceRequest as protobuf or JSON, gzip or not,
// behind the same API-key auth, rate limit and 5 MiB limit (compressed and decompressed) as
// /api/v1/usage; GenAI spans become usage events through the same ingest.
import { DecompressedTooLargeError, gunzipCapped, isGzipEncoding, otlpEncodingOf } from "@/lib/otel/body";
import { decodeTraceRequest, encodeTraceResponse, OtlpDecodeError } from "@/lib/otel/decode";
import { mapSpansToUsageEvents } from "@/lib/otel/map-spans";
import { recordSpans } from "@/lib/otel/record-spans";
import { AppError } from "@/lib/server/errors";
import { mediaType, readBody, withApiKey } from "@/lib/server/http";
import { recordUsageBatch } from "@/lib/server/usage-ingest";
import { MAX_BODY_BYTES } from "@/lib/usage/event-schema";

export const dynamic = "force-dynamic";

const CONTENT_TYPES = { protobuf: "application/x-protobuf", json: "application/json" } as const;

export const POST = withApiKey(async (req, principal) => {
  const encoding = otlpEncodingOf(mediaType(req));
  if (!encoding) throw new AppError("unsupported_media_type", "Content-Type must be application/x-protobuf or application/json.");
  const gzip = isGzipEncoding(req.headers.get("content-encoding"));
  if (gzip === null) throw new AppError("unsupported_media_type", "Content-Encoding must be gzip or identity.");

  const raw = await readBody(req, MAX_BODY_BYTES);
  let request;
  try {
    request = decodeTraceRequest(gzip ? await gunzipCapped(raw, MAX_BODY_BYTES) : raw, encoding);
  } catch (err) {
    if (err instanceof DecompressedTooLargeError) throw new AppError("payload_too_large", err.message);
    if (err instanceof OtlpDecodeError) throw new AppError(err.code, err.message);
    throw err;
  }

  const outcome = await recordSpans(mapSpansToUsageEvents(request), (events) => recordUsageBatch(principal, events));
  const body = encodeTraceResponse(outcome.partialSuccess, encoding);
  return new Response(new Uint8Array(body), { status: 200, headers: { "content-type": CONTENT_TYPES[encoding], "cache-control": "no-store" } });
});
