import { describe, expect, it } from "vitest";
import { canonicalJson, parseUsageEvent } from "./event-schema";

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
