import { describe, expect, it } from "vitest";
import { completeSpan, otlpJson, type TestResourceSpans } from "@/test/otlp";
import { decodeTraceRequest } from "./decode";
import { mapSpansToUsageEvents } from "./map-spans";

const map = (resourceSpans: TestResourceSpans[]) => mapSpansToUsageEvents(decodeTraceRequest(new TextEncoder().encode(JSON.stringify(otlpJson(resourceSpans))), "json"));

const END = Date.parse("2026-11-27T10:00:00.250Z");

describe("mapSpansToUsageEvents", () => {
  it("maps every SPEC §5 attribute of a GenAI span", () => {
    const span = completeSpan({
      startMs: END - 1500.25,
      endMs: END,
      attributes: {
        "gen_ai.provider.name": "gcp.gemini",
        "gen_ai.system": "ignored",
        "gen_ai.request.model": "gemini-req",
        "gen_ai.response.model": "gemini-2.5-pro-001",
        "gen_ai.usage.input_tokens": 1000,
        "gen_ai.usage.cache_read.input_tokens": 300,
        "gen_ai.usage.cache_creation.input_tokens": 200,
        "gen_ai.usage.output_tokens": 500,
        "gen_ai.usage.reasoning.output_tokens": 120,
        "gen_ai.usage.cost": { double: 0.1 + 0.2 },
        "spendline.user": "user-42",
        "user.id": "not-this-one",
        "spendline.category": "document_analysis",
        "gen_ai.operation.name": "chat",
        "server.port": 443,
        "gen_ai.input.messages": '[{"role":"user"}]',
        "gen_ai.output.messages": '[{"role":"assistant"}]',
      },
    });
    const { events, rejected, skipped } = map([{ resource: { "spendline.project": "billing", "spendline.document": "doc-7", "service.name": "api", "telemetry.sdk.language": "nodejs" }, spans: [span] }]);
    expect(rejected).toEqual([]);
    expect(skipped).toBe(0);
    expect(events).toEqual([
      {
        event_id: `otel-${span.traceId}-${span.spanId}`,
        timestamp: "2026-11-27T10:00:00.250Z",
        duration_ms: 1500.25,
        success: true,
        provider: "google",
        model: "gemini-2.5-pro-001",
        input_tokens: 1000,
        cache_read_tokens: 300,
        cache_write_tokens: 200,
        output_tokens: 500,
        reasoning_tokens: 120,
        user: "user-42",
        project: "billing",
        category: "document_analysis",
        document: "doc-7",
        cost_usd: "0.3",
        prompt: '[{"role":"user"}]',
        response: '[{"role":"assistant"}]',
        metadata: { "service.name": "api", "gen_ai.operation.name": "chat" },
      },
    ]);
  });

  it("falls back to the older attribute names: gen_ai.system, request model, prompt/completion tokens", () => {
    const { events } = map([{ spans: [{ attributes: { "gen_ai.system": "AWS.Bedrock", "gen_ai.request.model": "m", "gen_ai.usage.prompt_tokens": 11, "gen_ai.usage.completion_tokens": 22 } }] }]);
    expect(events[0]).toMatchObject({ provider: "bedrock", model: "m", input_tokens: 11, output_tokens: 22 });
  });

  it("takes the user from spendline.user, else user.id, else enduser.id, each from the span before the resource", () => {
    const spanUser = map([{ resource: { "user.id": "res" }, spans: [{ attributes: { "gen_ai.usage.input_tokens": 1, "enduser.id": "span-end" } }] }]);
    expect(spanUser.events[0].user).toBe("res");
    const spanFirst = map([{ resource: { "spendline.user": "res" }, spans: [{ attributes: { "gen_ai.usage.input_tokens": 1, "spendline.user": "span" } }] }]);
    expect(spanFirst.events[0].user).toBe("span");
    const endUser = map([{ spans: [{ attributes: { "gen_ai.usage.output_tokens": 1, "enduser.id": 12345 } }] }]);
    expect(endUser.events[0].user).toBe("12345");
  });

  it("an ERROR status is a failed call with the status message as error", () => {
    const { events } = map([
      { spans: [{ status: { code: 2, message: "rate limited" }, attributes: { "gen_ai.usage.input_tokens": 5 } }, { status: { code: 2 }, attributes: { "gen_ai.usage.input_tokens": 5, "error.type": "timeout" } }, { status: { code: 1 }, attributes: { "gen_ai.usage.input_tokens": 5 } }] },
    ]);
    expect(events.map((e) => [e.success, e.error])).toEqual([[false, "rate limited"], [false, "timeout"], [true, undefined]]);
  });

  it("skips spans without GenAI usage and does not count them as rejected", () => {
    const result = map([{ spans: [{ attributes: { "http.method": "GET" } }, { attributes: { "gen_ai.request.model": "m" } }, { attributes: { "gen_ai.usage.output_tokens": 0 } }] }]);
    expect(result.skipped).toBe(2);
    expect(result.events).toHaveLength(1);
    expect(result.rejected).toEqual([]);
  });

  it("rejects usage spans with bad ids, no end time, negative duration or bad counts, naming the problem", () => {
    const good = { "gen_ai.usage.input_tokens": 1 };
    const result = map([
      {
        spans: [
          { traceId: "00".repeat(16), attributes: good },
          { spanId: "abcd", attributes: good },
          { endTimeUnixNano: "0", startTimeUnixNano: "0", attributes: good },
          { startMs: END, endMs: END - 1, attributes: good },
          { attributes: { "gen_ai.usage.input_tokens": { double: 1.5 } } },
          { attributes: { "gen_ai.usage.input_tokens": 1, "gen_ai.usage.cache_read.input_tokens": -1 } },
          { attributes: { "gen_ai.usage.input_tokens": 1, "gen_ai.usage.cost": "free" } },
          { attributes: good },
        ],
      },
    ]);
    expect(result.events).toHaveLength(1);
    expect(result.rejected.map((r) => r.message)).toEqual([
      expect.stringMatching(/trace id or span id/),
      expect.stringMatching(/trace id or span id/),
      "span has no end time.",
      "span ends before it starts.",
      "gen_ai.usage.input_tokens must be a non-negative integer.",
      "gen_ai.usage.cache_read.input_tokens must be a non-negative integer.",
      "gen_ai.usage.cost must be a non-negative number of US dollars.",
    ]);
    expect(result.rejected[0].eventId).toBeNull();
    expect(result.rejected[2].eventId).toMatch(/^otel-[0-9a-f]{32}-[0-9a-f]{16}$/);
  });

  it("maps a span to the same event every time (replays look identical to the ingest)", () => {
    const request: TestResourceSpans[] = [{ resource: { "service.name": "x" }, spans: [completeSpan({ attributes: { "gen_ai.usage.input_tokens": 3, "gen_ai.usage.cost": { double: 0.000001 } } })] }];
    expect(map(request)).toEqual(map(request));
    expect(map(request).events[0].cost_usd).toBe("0.000001");
  });

  it("keeps legacy prompt/completion attributes as content, not metadata", () => {
    const { events } = map([{ spans: [{ attributes: { "gen_ai.usage.input_tokens": 1, "gen_ai.prompt.0.content": "hi", "gen_ai.prompt.0.role": "user", "gen_ai.completion.0.content": "hello", other: "kept" } }] }]);
    expect(JSON.parse(events[0].prompt!)).toEqual({ "gen_ai.prompt.0.content": "hi", "gen_ai.prompt.0.role": "user" });
    expect(JSON.parse(events[0].response!)).toEqual({ "gen_ai.completion.0.content": "hello" });
    expect(events[0].metadata).toEqual({ other: "kept" });
  });
});
