// The per-key rate limit is one bucket for all instances (lib/server/rate-limit.ts): instances
// draw tokens from the database row, so two of them together never allow more than the limit.
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/database";
import { SharedRateLimiter } from "./rate-limit";

await useTestDatabase();

// One token a minute: the bucket cannot refill noticeably during the test.
const config = { burst: 40, perMinute: 1 };

async function allowed(limiter: SharedRateLimiter, key: string, tries: number): Promise<number> {
  let n = 0;
  for (let i = 0; i < tries; i++) if ((await limiter.take(key)) === 0) n += 1;
  return n;
}

describe("shared rate limit", () => {
  it("one instance gets the whole burst, then waits", async () => {
    const limiter = new SharedRateLimiter(config);
    expect(await allowed(limiter, "rl-one", 60)).toBe(40);
    expect(await limiter.take("rl-one")).toBeGreaterThanOrEqual(1);
  });

  it("two instances together allow no more than one burst, in turns or at once", async () => {
    const a = new SharedRateLimiter(config);
    const b = new SharedRateLimiter(config);
    let total = 0;
    for (let i = 0; i < 60; i++) total += (await (i % 2 === 0 ? a : b).take("rl-two")) === 0 ? 1 : 0;
    expect(total).toBeLessThanOrEqual(40);
    expect(total).toBeGreaterThanOrEqual(30);

    const c = new SharedRateLimiter(config);
    const d = new SharedRateLimiter(config);
    const results = await Promise.all(Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? c : d).take("rl-parallel")));
    const granted = results.filter((w) => w === 0).length;
    expect(granted).toBeLessThanOrEqual(40);
    expect(granted).toBeGreaterThan(0);
  });
});
