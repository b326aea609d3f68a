import { describe, expect, it } from "vitest";
import { sha256Hex } from "@/lib/sha256";
import { canonicalJson, hashUsageEvent, parseCommonShape, parseUsageEvent, usageEventSchema } from "./event-schema";

const now = new Date("2026-03-15T12:00:00Z");

function ok(raw: unknown) {
  const r = parseUsageEvent(raw, now);
  if (!r.ok) throw new Error(r.error.message);
  return r.event;
}

function fail(raw: unknown) {
  const r = parseUsageEvent(raw, now);
  if (r.ok) throw new Error("expected a validation error");
  return r.error;
}

describe("parseUsageEvent", () => {
  it("accepts a minimal event, ignores unknown fields and the organization field", () => {
    const e = ok({ event_id: "e1", organization: "other-org", surprise: 1, model: "gpt-4o", input_tokens: 10 });
    expect(e.event_id).toBe("e1");
    expect("organization" in e).toBe(false);
    expect(e.tokens).toEqual({ inputUncached: 10, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 0, reasoning: 0 });
  });

  it("treats null members as absent, with the same body hash, and never takes a field from __proto__", () => {
    const plain = ok({ event_id: "e1", model: "gpt-4o", input_tokens: 10 });
    const nulls = ok({ event_id: "e1", model: "gpt-4o", input_tokens: 10, user: null, timestamp: null, cost_usd: null, prompt: null, metadata: null, success: null });
    expect(nulls).toEqual(plain);
    expect(fail({ event_id: null }).details.field).toBe("event_id");
    const sneaky = JSON.parse('{"event_id":"e2","__proto__":{"user":"mallory","input_tokens":5}}') as unknown;
    const e = ok(sneaky);
    expect(e.user).toBeUndefined();
    expect(e.tokens.inputUncached).toBe(0);
  });

  it("requires event_id of at most 128 characters", () => {
    expect(fail({ model: "x" }).details.field).toBe("event_id");
    expect(fail({ event_id: "x".repeat(129) }).message).toMatch(/event_id must be at most 128/);
  });

  it("hashes a canonical form that stays the same across versions (stored body hashes must keep matching replays)", () => {
    const value = { b: 1, a: [1, undefined, { z: undefined, y: "é", "10": 2, "9": 3, A: null }], d: new Date(0), "": "" };
    expect(canonicalJson(value)).toBe('{"":"","a":[1,null,{"10":2,"9":3,"A":null,"y":"é"}],"b":1,"d":"1970-01-01T00:00:00.000Z"}');
    // The hash the previous implementation gave this event.
    expect(ok({ event_id: "e1", model: "gpt-4o", input_tokens: 10, user: "u" }).bodyHash).toBe("b6e9381777065403e2a45cbf11b8a3578aa0cb3226fde197737eae86bcbfbc43");
  });

  it("accepts timestamps from 35 days ago to 5 minutes ahead", () => {
    expect(ok({ event_id: "a", timestamp: "2026-02-09T12:00:01Z" }).timestamp?.toISOString()).toBe("2026-02-09T12:00:01.000Z");
    expect(ok({ event_id: "a", timestamp: "2026-03-15T12:04:00+00:00" }).timestamp).toBeInstanceOf(Date);
    expect(ok({ event_id: "a", timestamp: "2026-03-15T10:00:00" }).timestamp?.toISOString()).toBe("2026-03-15T10:00:00.000Z");
    expect(fail({ event_id: "a", timestamp: "2026-02-08T11:59:59Z" }).details.field).toBe("timestamp");
    expect(fail({ event_id: "a", timestamp: "2026-03-15T12:06:00Z" }).message).toMatch(/future/);
    expect(fail({ event_id: "a", timestamp: "yesterday" }).details.field).toBe("timestamp");
  });

  it("names the field in every message", () => {
    expect(fail({ event_id: "a", input_tokens: -1 }).message).toMatch(/^input_tokens/);
    expect(fail({ event_id: "a", output_tokens: 1.5 }).message).toMatch(/^output_tokens/);
    expect(fail({ event_id: "a", input_tokens: 5, cache_read_tokens: 6 }).details.field).toBe("cache_read_tokens");
    expect(fail({ event_id: "a", output_tokens: 5, reasoning_tokens: 6 }).details.field).toBe("reasoning_tokens");
    expect(fail({ event_id: "a", cost_usd: "abc" }).message).toMatch(/^cost_usd/);
    expect(fail({ event_id: "a", metadata: [1] }).message).toMatch(/^metadata/);
    expect(fail({ event_id: "a", reservation_id: "nope" }).message).toMatch(/^reservation_id/);
    expect(fail({ event_id: "a", success: "yes" }).message).toMatch(/^success/);
    expect(fail({ event_id: "a", prompt: "a\u0000b" }).message).toMatch(/^prompt/);
    expect(fail("not an object").details.field).toBe("event");
  });

  it("hashes the parsed event: key order and ignored fields do not matter, values do", () => {
    const a = ok({ event_id: "h", model: "m", input_tokens: 3, metadata: { x: 1, y: [1, 2] } });
    const b = ok({ metadata: { y: [1, 2], x: 1 }, input_tokens: 3, organization: "zzz", model: "m", event_id: "h", extra: true });
    const c = ok({ event_id: "h", model: "m", input_tokens: 4, metadata: { x: 1, y: [1, 2] } });
    expect(a.bodyHash).toBe(b.bodyHash);
    expect(a.bodyHash).not.toBe(c.bodyHash);
  });

  it("keeps a client-reported cost as an exact decimal string", () => {
    expect(ok({ event_id: "c", cost_usd: "0.000001250000" }).cost_usd).toBe("0.000001250000");
    expect(ok({ event_id: "c", cost_usd: 0.1 }).cost_usd).toBe("0.1");
  });

  it("stores message arrays sent as prompt as JSON text", () => {
    expect(ok({ event_id: "p", prompt: [{ role: "user", content: "hi" }] }).prompt).toBe('[{"role":"user","content":"hi"}]');
  });

  it("normalises the provider to its canonical id and keeps service_tier and cache_write_1h_tokens", () => {
    const e = ok({ event_id: "t", provider: "GCP.Gemini", service_tier: "Batch", input_tokens: 10, cache_write_tokens: 4, cache_write_1h_tokens: 3 });
    expect(e).toMatchObject({ provider: "google", service_tier: "batch", cache_write_1h_tokens: 3 });
    expect(e.tokens).toMatchObject({ cacheWrite: 4, cacheWrite1h: 3 });
    expect(ok({ event_id: "x", provider: "x-ai" }).provider).toBe("xai");
    expect(ok({ event_id: "a", provider: "Azure_OpenAI" }).provider).toBe("azure");
  });

  it("accepts token counts up to 10^12", () => {
    expect(ok({ event_id: "big", input_tokens: 1e12, output_tokens: 3e9 }).tokens).toMatchObject({ inputUncached: 1e12, output: 3e9 });
    const r = parseUsageEvent({ event_id: "too-big", output_tokens: 1e12 + 1 });
    expect(r.ok).toBe(false);
  });
});

describe("parseCommonShape (the schema's output without running the whole schema)", () => {
  // Values for each field: valid ones, each limit's edge on both sides, wrong types, NUL, padding.
  const texts = (max: number) => ["x", " padded ", "", "   ", "Batch", "GCP.Gemini", "x".repeat(max), "x".repeat(max + 1), "a\u0000b", 5, true, ["x"], { a: 1 }];
  const tokens = [0, 1, 10, 1e12, 1e12 + 1, -1, 1.5, -0, "10", Number.NaN, Number.POSITIVE_INFINITY];
  const contents = ["hello", "", "a\u0000b", [{ role: "user", content: "hi" }], { role: "user" }, 7, false, ["\u0000"]];
  const VALUES: Record<string, unknown[]> = {
    event_id: ["e1", "", "x".repeat(128), "x".repeat(129), "a\u0000b", 42, " spaced "],
    timestamp: ["2026-03-15T11:00:00Z", "2026-03-15", "2026-03-15 10:00", "2026-03-15T10:00:00.123456+02:00", "2026-02-30T10:00:00Z", "2026-13-01", "yesterday", 1_700_000_000_000],
    provider: texts(100),
    model: texts(200),
    service_tier: texts(50),
    user: texts(256),
    user_email: texts(320),
    user_name: texts(200),
    document: texts(512),
    category: texts(100),
    purpose_detail: texts(10_000),
    override_token: texts(4096),
    input_tokens: tokens,
    cache_read_tokens: tokens,
    cache_write_tokens: tokens,
    cache_write_1h_tokens: tokens,
    output_tokens: tokens,
    reasoning_tokens: tokens,
    duration_ms: [0, 812, 812.5, 2_147_483_647, 2_147_483_648, -1, Number.NaN, "5"],
    success: [true, false, "yes", 1],
    prompt: contents,
    response: contents,
    error: contents,
    project: ["proj-a", " proj-a ", "", "x".repeat(64), "x".repeat(65), "-lead", "a b", 3],
    metadata: [{ route: "/chat", attempt: 1 }, {}, [1], "x", { deep: { a: { b: 1 } } }, { nul: "a\u0000" }],
    cost_usd: ["0.01", 0.1, "abc", " 1.5 ", -1],
    reservation_id: ["0b9f4c1e-8d2a-4f6b-9c3d-1a2b3c4d5e6f", "0B9F4C1E-8D2A-4F6B-9C3D-1A2B3C4D5E6F", "nope"],
    usage: [{ prompt_tokens: 10 }, {}, [1], "x"],
    organization: ["other"],
    __proto__: [{ user: "mallory" }],
  };
  const fields = Object.keys(VALUES);

  it("gives exactly the schema's output (and body hash) whenever it answers, and answers for valid events", () => {
    let seed = 7;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    let answered = 0;
    for (let i = 0; i < 5000; i++) {
      const raw: Record<string, unknown> = {};
      // Mostly valid values (the first two of each list) so that whole events pass; sometimes any value, sometimes null.
      for (const field of fields) {
        if (next(3) === 0) continue;
        const values = VALUES[field];
        const value = next(10) === 0 ? null : next(30) === 0 ? values[next(values.length)] : values[next(Math.min(2, values.length))];
        Object.defineProperty(raw, field, { value, enumerable: true, writable: true, configurable: true });
      }
      if (next(4) !== 0) raw.event_id = `e${i}`;
      const fast = parseCommonShape(raw);
      const schema = usageEventSchema.safeParse(Object.fromEntries(Object.entries(raw).filter(([k, v]) => v !== null && k !== "__proto__")));
      if (!schema.success) {
        expect(fast, JSON.stringify(raw)).toBeUndefined();
        continue;
      }
      if (fast === undefined) continue;
      answered++;
      expect(fast, JSON.stringify(raw)).toEqual(schema.data);
      expect(hashUsageEvent(fast)).toBe(sha256Hex(canonicalJson(schema.data)));
    }
    // The plain path is the common one, not a dead branch.
    expect(answered).toBeGreaterThan(500);
  });

  it("answers a typical event, and gives up on anything the schema must word", () => {
    expect(parseCommonShape({ event_id: "e", model: "gpt-4o", input_tokens: 10, project: " p1 ", prompt: "hi", metadata: { a: 1 } })).toEqual({ event_id: "e", model: "gpt-4o", input_tokens: 10, project: "p1", prompt: "hi", metadata: { a: 1 } });
    expect(parseCommonShape({ model: "gpt-4o" })).toBeUndefined();
    expect(parseCommonShape({ event_id: "e", input_tokens: -1 })).toBeUndefined();
    expect(parseCommonShape([{ event_id: "e" }])).toBeUndefined();
    expect(parseCommonShape("e")).toBeUndefined();
  });
});
