import { describe, expect, it } from "vitest";
import { completeSpan, otlpJson, otlpProtobuf } from "@/test/otlp";
import { decodeTraceRequest, decodeTraceResponse, encodeTraceResponse, OtlpDecodeError } from "./decode";

const utf8 = (v: unknown) => new TextEncoder().encode(typeof v === "string" ? v : JSON.stringify(v));

const span = completeSpan({
  startTimeUnixNano: "1764201600123456789",
  endTimeUnixNano: "1764201601987654321",
  status: { code: 2, message: "boom" },
  attributes: { "gen_ai.request.model": "m", "gen_ai.usage.input_tokens": 12, "gen_ai.usage.cost": { double: 0.25 }, flag: true, list: ["a", "b"], big: BigInt("9007199254740993") },
});
const request = otlpJson([{ resource: { "service.name": "svc" }, spans: [span] }]);

describe("decodeTraceRequest", () => {
  it("decodes the same request identically from protobuf and from OTLP/JSON", () => {
    const fromJson = decodeTraceRequest(utf8(request), "json");
    const fromProtobuf = decodeTraceRequest(otlpProtobuf(request), "protobuf");
    expect(fromProtobuf).toEqual(fromJson);
    const s = fromJson.resourceSpans[0].spans[0];
    expect(s).toMatchObject({ traceId: span.traceId, spanId: span.spanId, statusCode: 2, statusMessage: "boom", name: "chat test" });
    expect(s.startTimeUnixNano).toBe(BigInt("1764201600123456789"));
    expect(s.endTimeUnixNano).toBe(BigInt("1764201601987654321"));
    expect(s.attributes.get("gen_ai.usage.input_tokens")).toBe(BigInt(12));
    expect(s.attributes.get("gen_ai.usage.cost")).toBe(0.25);
    expect(s.attributes.get("flag")).toBe(true);
    expect(s.attributes.get("list")).toBeNull();
    expect(s.attributes.get("big")).toBe(BigInt("9007199254740993"));
    expect(fromJson.resourceSpans[0].resource.get("service.name")).toBe("svc");
  });

  it("reads OTLP/JSON int64 as numbers or strings, upper-case hex ids, enum names and proto field names", () => {
    const body = {
      resource_spans: [
        {
          scope_spans: [
            {
              spans: [
                {
                  trace_id: span.traceId.toUpperCase(),
                  span_id: span.spanId.toUpperCase(),
                  start_time_unix_nano: 1000,
                  endTimeUnixNano: "2000",
                  status: { code: "STATUS_CODE_ERROR" },
                  attributes: [{ key: "n", value: { int_value: 7 } }, { key: "unknown", value: { somethingElse: 1 } }],
                  unknownField: { ignored: true },
                },
              ],
            },
          ],
        },
      ],
    };
    const s = decodeTraceRequest(utf8(body), "json").resourceSpans[0].spans[0];
    expect(s).toMatchObject({ traceId: span.traceId, spanId: span.spanId, statusCode: 2, startTimeUnixNano: BigInt(1000), endTimeUnixNano: BigInt(2000) });
    expect(s.attributes.get("n")).toBe(BigInt(7));
    expect(s.attributes.get("unknown")).toBeNull();
  });

  it("an empty request decodes to no spans in both encodings", () => {
    expect(decodeTraceRequest(utf8({}), "json")).toEqual({ resourceSpans: [] });
    expect(decodeTraceRequest(new Uint8Array(0), "protobuf")).toEqual({ resourceSpans: [] });
  });

  it("keeps an id that is not hex as an empty id (the mapper rejects the span, not the request)", () => {
    const body = otlpJson([{ spans: [{ ...span, traceId: "not-hex!" }] }]);
    expect(decodeTraceRequest(utf8(body), "json").resourceSpans[0].spans[0].traceId).toBe("");
  });

  it.each([
    ["not JSON", "{", "invalid_json"],
    ["an array", "[]", "bad_request"],
    ["resourceSpans not an array", { resourceSpans: {} }, "bad_request"],
    ["a span that is not an object", { resourceSpans: [{ scopeSpans: [{ spans: [1] }] }] }, "bad_request"],
    ["a time that is not an integer", { resourceSpans: [{ scopeSpans: [{ spans: [{ endTimeUnixNano: "1.5" }] }] }] }, "bad_request"],
    ["an attribute key that is not a string", { resourceSpans: [{ scopeSpans: [{ spans: [{ attributes: [{ key: 1 }] }] }] }] }, "bad_request"],
  ])("rejects JSON that does not decode: %s", (_name, body, code) => {
    let error: unknown;
    try {
      decodeTraceRequest(utf8(body), "json");
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(OtlpDecodeError);
    expect((error as OtlpDecodeError).code).toBe(code);
  });

  it("rejects bytes that are not a protobuf ExportTraceServiceRequest", () => {
    expect(() => decodeTraceRequest(new TextEncoder().encode('{"resourceSpans": []}'), "protobuf")).toThrow(OtlpDecodeError);
    expect(() => decodeTraceRequest(new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f]), "protobuf")).toThrow(OtlpDecodeError);
  });

  it("refuses protobuf nested past the recursion limit instead of overflowing the stack", () => {
    // AnyValue → ArrayValue → AnyValue … 1,000 levels deep inside one attribute.
    let value = Buffer.from([0x0a, 0x01, 0x78]);
    for (let i = 0; i < 1000; i++) {
      const array = Buffer.concat([Buffer.from([0x0a]), varint(value.length), value]);
      value = Buffer.concat([Buffer.from([0x2a]), varint(array.length), array]);
    }
    const kv = Buffer.concat([Buffer.from([0x0a, 0x01, 0x6b, 0x12]), varint(value.length), value]);
    const spanBytes = Buffer.concat([Buffer.from([0x4a]), varint(kv.length), kv]);
    const scope = Buffer.concat([Buffer.from([0x12]), varint(spanBytes.length), spanBytes]);
    const rs = Buffer.concat([Buffer.from([0x12]), varint(scope.length), scope]);
    const body = Buffer.concat([Buffer.from([0x0a]), varint(rs.length), rs]);
    expect(() => decodeTraceRequest(body, "protobuf")).toThrow(OtlpDecodeError);
  });
});

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n >>>= 7;
  }
  out.push(n);
  return Buffer.from(out);
}

describe("encodeTraceResponse", () => {
  it("answers an empty response when every span was accepted", () => {
    expect(new TextDecoder().decode(encodeTraceResponse(null, "json"))).toBe("{}");
    expect(encodeTraceResponse(null, "protobuf")).toHaveLength(0);
  });

  it("carries partialSuccess in either encoding", () => {
    const partial = { rejectedSpans: 2, errorMessage: "2 spans rejected" };
    expect(JSON.parse(new TextDecoder().decode(encodeTraceResponse(partial, "json")))).toEqual({ partialSuccess: partial });
    expect(decodeTraceResponse(encodeTraceResponse(partial, "protobuf"))).toEqual({ partialSuccess: partial });
  });
});
