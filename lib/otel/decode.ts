// Decodes an OTLP/HTTP ExportTraceServiceRequest (SPEC §5) into the few span fields the receiver
// maps. Protobuf is decoded by protobufjs with the descriptor built from the official
// opentelemetry-proto files (lib/otel/proto); JSON follows the OTLP/JSON rules: lowerCamelCase
// field names (the proto names are accepted too), trace and span ids as hex, 64-bit integers as
// decimal strings or numbers, enums as integers (names accepted too), unknown fields ignored.
// Both paths end in the same plain shape, so one mapper serves both encodings.
import protobuf from "protobufjs/light.js";
import descriptor from "./proto/trace-service.json";

/** A scalar attribute value; `null` stands for arrays, key-value lists, bytes and empty values. */
export type AttributeValue = string | number | bigint | boolean | null;
export type Attributes = Map<string, AttributeValue>;

export interface DecodedSpan {
  /** Lower-case hex of the id bytes as received ("" when JSON sent something that is not hex). */
  traceId: string;
  spanId: string;
  name: string;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  /** 0 unset, 1 ok, 2 error. */
  statusCode: number;
  statusMessage: string;
  attributes: Attributes;
}

export interface DecodedResourceSpans {
  resource: Attributes;
  spans: DecodedSpan[];
}

export interface DecodedTraceRequest {
  resourceSpans: DecodedResourceSpans[];
}

export type OtlpEncoding = "protobuf" | "json";

/** The body is not an ExportTraceServiceRequest in the declared encoding (answered with 400). */
export class OtlpDecodeError extends Error {
  constructor(
    message: string,
    /** `invalid_json` when a JSON body is not JSON at all. */
    readonly code: "bad_request" | "invalid_json" = "bad_request",
  ) {
    super(message);
    this.name = "OtlpDecodeError";
  }
}

const root = protobuf.Root.fromJSON(descriptor as protobuf.INamespace);
const REQUEST = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
const RESPONSE = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse");

export const STATUS_CODE_ERROR = 2;
const STATUS_CODES: Record<string, number> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

// ---- protobuf ----------------------------------------------------------------------------------

/** protobufjs gives 64-bit integers as long.js objects (or numbers when long.js is absent). */
type Int64 = number | { toString(): string };

interface PbAnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: Int64;
  doubleValue?: number;
}
interface PbKeyValue {
  key: string;
  value?: PbAnyValue | null;
}
interface PbSpan {
  traceId: Uint8Array;
  spanId: Uint8Array;
  name: string;
  startTimeUnixNano: Int64;
  endTimeUnixNano: Int64;
  attributes: PbKeyValue[];
  status?: { code: number; message: string } | null;
}
interface PbRequest {
  resourceSpans: { resource?: { attributes: PbKeyValue[] } | null; scopeSpans: { spans: PbSpan[] }[] }[];
}

const own = (o: object, key: string) => Object.prototype.hasOwnProperty.call(o, key);

function pbValue(v: PbAnyValue | null | undefined): AttributeValue {
  // Only the member of the `value` oneof that was sent is an own property of the decoded message.
  if (!v) return null;
  if (own(v, "stringValue")) return v.stringValue!;
  if (own(v, "intValue")) return BigInt(v.intValue!.toString());
  if (own(v, "doubleValue")) return v.doubleValue!;
  if (own(v, "boolValue")) return v.boolValue!;
  return null;
}

function pbAttributes(list: PbKeyValue[] | undefined): Attributes {
  const out: Attributes = new Map();
  for (const kv of list ?? []) out.set(kv.key, pbValue(kv.value));
  return out;
}

const hex = (bytes: Uint8Array) => Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");

function decodeProtobuf(body: Uint8Array): DecodedTraceRequest {
  let message: PbRequest;
  try {
    message = REQUEST.decode(body) as unknown as PbRequest;
  } catch (err) {
    throw new OtlpDecodeError(`Request body is not a protobuf ExportTraceServiceRequest: ${err instanceof Error ? err.message : String(err)}.`);
  }
  return {
    resourceSpans: message.resourceSpans.map((rs) => ({
      resource: pbAttributes(rs.resource?.attributes),
      spans: rs.scopeSpans.flatMap((ss) =>
        ss.spans.map((s) => ({
          traceId: hex(s.traceId),
          spanId: hex(s.spanId),
          name: s.name,
          startTimeUnixNano: BigInt(s.startTimeUnixNano.toString()),
          endTimeUnixNano: BigInt(s.endTimeUnixNano.toString()),
          statusCode: s.status?.code ?? 0,
          statusMessage: s.status?.message ?? "",
          attributes: pbAttributes(s.attributes),
        })),
      ),
    })),
  };
}

// ---- JSON --------------------------------------------------------------------------------------

type JsonObject = Record<string, unknown>;
const isObject = (v: unknown): v is JsonObject => typeof v === "object" && v !== null && !Array.isArray(v);

/** A field by its JSON name, else its proto name; null counts as absent. */
function field(o: JsonObject, jsonName: string, protoName: string): unknown {
  const v = own(o, jsonName) ? o[jsonName] : own(o, protoName) ? o[protoName] : undefined;
  return v === null ? undefined : v;
}

function objectAt(v: unknown, path: string): JsonObject | undefined {
  if (v === undefined) return undefined;
  if (!isObject(v)) throw new OtlpDecodeError(`${path} must be an object.`);
  return v;
}

function arrayAt(v: unknown, path: string): unknown[] {
  if (v === undefined) return [];
  if (!Array.isArray(v)) throw new OtlpDecodeError(`${path} must be an array.`);
  return v;
}

function stringAt(v: unknown, path: string): string {
  if (v === undefined) return "";
  if (typeof v !== "string") throw new OtlpDecodeError(`${path} must be a string.`);
  return v;
}

const INTEGER = /^-?\d{1,20}$/;

function int64At(v: unknown, path: string): bigint {
  if (v === undefined) return BigInt(0);
  if (typeof v === "number" && Number.isSafeInteger(v)) return BigInt(v);
  if (typeof v === "string" && INTEGER.test(v)) return BigInt(v);
  throw new OtlpDecodeError(`${path} must be an integer (a number or a decimal string).`);
}

function enumAt(v: unknown, names: Record<string, number>, path: string): number {
  if (v === undefined) return 0;
  if (typeof v === "number" && Number.isInteger(v)) return v;
  if (typeof v === "string" && own(names, v)) return names[v];
  throw new OtlpDecodeError(`${path} must be an enum value.`);
}

const HEX_ID = /^(?:[0-9a-fA-F]{2})*$/;

/** Hex ids as OTLP/JSON sends them; anything else becomes "" and is rejected with its span. */
function idAt(v: unknown, path: string): string {
  const s = stringAt(v, path);
  return HEX_ID.test(s) ? s.toLowerCase() : "";
}

function jsonValue(v: unknown, path: string): AttributeValue {
  const value = objectAt(v, path);
  if (!value) return null;
  const s = field(value, "stringValue", "string_value");
  if (s !== undefined) return stringAt(s, `${path}.stringValue`);
  const i = field(value, "intValue", "int_value");
  if (i !== undefined) return int64At(i, `${path}.intValue`);
  const d = field(value, "doubleValue", "double_value");
  if (d !== undefined) {
    if (typeof d === "number") return d;
    if (d === "NaN" || d === "Infinity" || d === "-Infinity") return Number(d);
    throw new OtlpDecodeError(`${path}.doubleValue must be a number.`);
  }
  const b = field(value, "boolValue", "bool_value");
  if (b !== undefined) {
    if (typeof b !== "boolean") throw new OtlpDecodeError(`${path}.boolValue must be true or false.`);
    return b;
  }
  return null;
}

function jsonAttributes(v: unknown, path: string): Attributes {
  const out: Attributes = new Map();
  arrayAt(v, path).forEach((item, i) => {
    const kv = objectAt(item, `${path}[${i}]`);
    if (!kv) throw new OtlpDecodeError(`${path}[${i}] must be an object.`);
    out.set(stringAt(field(kv, "key", "key"), `${path}[${i}].key`), jsonValue(field(kv, "value", "value"), `${path}[${i}].value`));
  });
  return out;
}

function jsonSpan(v: unknown, path: string): DecodedSpan {
  const s = objectAt(v, path);
  if (!s) throw new OtlpDecodeError(`${path} must be an object.`);
  const status = objectAt(field(s, "status", "status"), `${path}.status`);
  return {
    traceId: idAt(field(s, "traceId", "trace_id"), `${path}.traceId`),
    spanId: idAt(field(s, "spanId", "span_id"), `${path}.spanId`),
    name: stringAt(field(s, "name", "name"), `${path}.name`),
    startTimeUnixNano: int64At(field(s, "startTimeUnixNano", "start_time_unix_nano"), `${path}.startTimeUnixNano`),
    endTimeUnixNano: int64At(field(s, "endTimeUnixNano", "end_time_unix_nano"), `${path}.endTimeUnixNano`),
    statusCode: status ? enumAt(field(status, "code", "code"), STATUS_CODES, `${path}.status.code`) : 0,
    statusMessage: status ? stringAt(field(status, "message", "message"), `${path}.status.message`) : "",
    attributes: jsonAttributes(field(s, "attributes", "attributes"), `${path}.attributes`),
  };
}

function decodeJson(body: Uint8Array): DecodedTraceRequest {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(body.buffer, body.byteOffset, body.byteLength).toString("utf8"));
  } catch {
    throw new OtlpDecodeError("Request body is not valid JSON.", "invalid_json");
  }
  if (!isObject(parsed)) throw new OtlpDecodeError("Request body must be a JSON ExportTraceServiceRequest object.");
  return {
    resourceSpans: arrayAt(field(parsed, "resourceSpans", "resource_spans"), "resourceSpans").map((rsValue, r) => {
      const rsPath = `resourceSpans[${r}]`;
      const rs = objectAt(rsValue, rsPath);
      if (!rs) throw new OtlpDecodeError(`${rsPath} must be an object.`);
      const resource = objectAt(field(rs, "resource", "resource"), `${rsPath}.resource`);
      return {
        resource: resource ? jsonAttributes(field(resource, "attributes", "attributes"), `${rsPath}.resource.attributes`) : new Map(),
        spans: arrayAt(field(rs, "scopeSpans", "scope_spans"), `${rsPath}.scopeSpans`).flatMap((ssValue, i) => {
          const ssPath = `${rsPath}.scopeSpans[${i}]`;
          const ss = objectAt(ssValue, ssPath);
          if (!ss) throw new OtlpDecodeError(`${ssPath} must be an object.`);
          return arrayAt(field(ss, "spans", "spans"), `${ssPath}.spans`).map((span, j) => jsonSpan(span, `${ssPath}.spans[${j}]`));
        }),
      };
    }),
  };
}

// ---- entry points ------------------------------------------------------------------------------

/** Decodes a (decompressed) request body; throws OtlpDecodeError when it does not decode. */
export function decodeTraceRequest(body: Uint8Array, encoding: OtlpEncoding): DecodedTraceRequest {
  return encoding === "protobuf" ? decodeProtobuf(body) : decodeJson(body);
}

export interface PartialSuccess {
  rejectedSpans: number;
  errorMessage: string;
}

/**
 * An ExportTraceServiceResponse in the request's encoding. `partialSuccess` is left out when every
 * span was accepted, as OTLP asks; in JSON `rejectedSpans` is a number (OTLP/JSON accepts both).
 */
export function encodeTraceResponse(partialSuccess: PartialSuccess | null, encoding: OtlpEncoding): Uint8Array {
  if (encoding === "json") return new TextEncoder().encode(JSON.stringify(partialSuccess ? { partialSuccess } : {}));
  return RESPONSE.encode(RESPONSE.fromObject(partialSuccess ? { partialSuccess } : {})).finish();
}

/** Decodes a protobuf ExportTraceServiceResponse (for tests and clients of the receiver). */
export function decodeTraceResponse(body: Uint8Array): { partialSuccess?: PartialSuccess } {
  const message = RESPONSE.decode(body);
  const obj = RESPONSE.toObject(message, { longs: Number }) as { partialSuccess?: { rejectedSpans?: number; errorMessage?: string } };
  return obj.partialSuccess ? { partialSuccess: { rejectedSpans: obj.partialSuccess.rejectedSpans ?? 0, errorMessage: obj.partialSuccess.errorMessage ?? "" } } : {};
}
