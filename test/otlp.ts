// Builds OTLP ExportTraceServiceRequest bodies for tests: the OTLP/JSON object, and the same
// request as protobuf (encoded by protobufjs from the official .proto descriptor).
import { randomBytes } from "node:crypto";
import protobuf from "protobufjs/light.js";
import descriptor from "@/lib/otel/proto/trace-service.json";

export type TestAttribute = string | number | boolean | bigint | { double: number } | string[];

export interface TestSpan {
  traceId?: string;
  spanId?: string;
  name?: string;
  /** Start and end as milliseconds since the epoch (default: ends now, lasted 1234.5 ms). */
  startMs?: number;
  endMs?: number;
  /** Nanosecond times, overriding startMs / endMs (JSON int64 strings). */
  startTimeUnixNano?: string;
  endTimeUnixNano?: string;
  status?: { code: number; message?: string };
  attributes?: Record<string, TestAttribute>;
}

export interface TestResourceSpans {
  resource?: Record<string, TestAttribute>;
  spans: TestSpan[];
}

export const newTraceId = () => randomBytes(16).toString("hex");
export const newSpanId = () => randomBytes(8).toString("hex");

function anyValue(v: TestAttribute): Record<string, unknown> {
  if (typeof v === "string") return { stringValue: v };
  if (typeof v === "boolean") return { boolValue: v };
  if (typeof v === "bigint") return { intValue: v.toString() };
  if (typeof v === "number") return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
  if (Array.isArray(v)) return { arrayValue: { values: v.map((s) => ({ stringValue: s })) } };
  return { doubleValue: v.double };
}

const attributes = (attrs: Record<string, TestAttribute> = {}) => Object.entries(attrs).map(([key, v]) => ({ key, value: anyValue(v) }));

const nanos = (ms: number) => (BigInt(Math.round(ms * 1000)) * BigInt(1000)).toString();

/** A span's ids and times filled in, so the JSON and protobuf forms of one span agree. */
export function completeSpan(span: TestSpan): Required<Pick<TestSpan, "traceId" | "spanId">> & TestSpan {
  const endMs = span.endMs ?? Date.now();
  return { ...span, traceId: span.traceId ?? newTraceId(), spanId: span.spanId ?? newSpanId(), endMs, startMs: span.startMs ?? endMs - 1234.5 };
}

/** The OTLP/JSON form of a request. */
export function otlpJson(resourceSpans: TestResourceSpans[]): Record<string, unknown> {
  return {
    resourceSpans: resourceSpans.map((rs) => ({
      resource: { attributes: attributes(rs.resource) },
      scopeSpans: [
        {
          scope: { name: "spendline-test", version: "1.0.0" },
          spans: rs.spans.map(completeSpan).map((s) => ({
            traceId: s.traceId,
            spanId: s.spanId,
            name: s.name ?? "chat test",
            kind: 3,
            startTimeUnixNano: s.startTimeUnixNano ?? nanos(s.startMs!),
            endTimeUnixNano: s.endTimeUnixNano ?? nanos(s.endMs!),
            attributes: attributes(s.attributes),
            ...(s.status ? { status: s.status } : {}),
          })),
        },
      ],
    })),
  };
}

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const REQUEST = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");

/** The protobuf form of an OTLP/JSON request built by otlpJson (hex ids become bytes). */
export function otlpProtobuf(json: Record<string, unknown>): Uint8Array<ArrayBuffer> {
  const withBytes = JSON.parse(JSON.stringify(json), (key, value) => ((key === "traceId" || key === "spanId") && typeof value === "string" ? Buffer.from(value, "hex") : value));
  const bytes = REQUEST.encode(REQUEST.fromObject(withBytes)).finish();
  return new Uint8Array(bytes);
}
