import { describe, expect, it } from "vitest";
import { chunkSize, CHUNK_TTL_MS, LocalAllowance, rateLimitConfigFromEnv, retryAfterSeconds } from "./rate-limit";

describe("rate limit (pure part)", () => {
  it("defaults to 6,000 a minute with bursts of 1,000 and ignores nonsense", () => {
    expect(rateLimitConfigFromEnv({} as NodeJS.ProcessEnv)).toEqual({ perMinute: 6000, burst: 1000 });
    expect(rateLimitConfigFromEnv({ SPENDLINE_RATE_LIMIT_PER_MINUTE: "-3", SPENDLINE_RATE_LIMIT_BURST: "x" } as unknown as NodeJS.ProcessEnv)).toEqual({ perMinute: 6000, burst: 1000 });
  });

  it("takes small chunks from the shared bucket: a twentieth of the burst, between 1 and 100", () => {
    expect(chunkSize({ perMinute: 6000, burst: 1000 })).toBe(50);
    expect(chunkSize({ perMinute: 1, burst: 3 })).toBe(1);
    expect(chunkSize({ perMinute: 1e8, burst: 1e8 })).toBe(100);
  });

  it("spends local tokens only while they are fresh", () => {
    const a = new LocalAllowance();
    expect(a.take(0)).toBe(false);
    a.refill(2, 0);
    expect([a.take(1), a.take(2), a.take(3)]).toEqual([true, true, false]);
    a.refill(5, 10);
    expect(a.take(10 + CHUNK_TTL_MS)).toBe(false);
  });

  it("rounds Retry-After up to whole seconds, at least 1", () => {
    expect(retryAfterSeconds(0.01)).toBe(1);
    expect(retryAfterSeconds(59.2)).toBe(60);
    expect(retryAfterSeconds(NaN)).toBe(1);
  });
});
