import { describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/server/api-keys";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { POST } from "./route";

// The limiter reads its configuration from the environment when it is first built.
process.env.SPENDLINE_RATE_LIMIT_BURST = "3";
// One token a minute: a slow machine cannot refill the bucket during the test.
process.env.SPENDLINE_RATE_LIMIT_PER_MINUTE = "1";
delete (globalThis as Record<symbol, unknown>)[Symbol.for("spendline.rateLimiter")];

await useTestDatabase();

const post = (key: string, eventId: string) =>
  POST(new Request("http://localhost/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ event_id: eventId }) }), undefined);

describe("POST /api/v1/usage rate limit", () => {
  it("answers 429 with Retry-After once a key's burst is spent, per key", async () => {
    const org = await makeOrg();
    const a = (await createApiKey(SYSTEM, { orgId: org.id })).key;
    const b = (await createApiKey(SYSTEM, { orgId: org.id })).key;
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await post(a, `rl-${i}`)).status);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await post(a, "rl-x");
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await limited.json()).error.code).toBe("rate_limited");
    expect((await post(b, "rl-b")).status).toBe(200);
  });
});
