import { describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/server/api-keys";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { POST } from "./route";

// The limiter reads its configuration from the environment when it is first built.
process.env.SPENDLINE_RATE_LIMIT_BURST = "2";
process.env.SPENDLINE_RATE_LIMIT_PER_MINUTE = "1";
delete (globalThis as Record<symbol, unknown>)[Symbol.for("spendline.rateLimiter")];

await useTestDatabase();

const post = (key: string) =>
  POST(new Request("http://localhost/api/v1/otel/v1/traces", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: "{}" }), undefined);

describe("POST /api/v1/otel/v1/traces rate limit", () => {
  it("answers 429 with Retry-After once a key's burst is spent, per key (the usage API's limiter)", async () => {
    const org = await makeOrg();
    const a = (await createApiKey(SYSTEM, { orgId: org.id })).key;
    const b = (await createApiKey(SYSTEM, { orgId: org.id })).key;
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await post(a)).status);
    expect(statuses).toEqual([200, 200, 429]);
    const limited = await post(a);
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect((await limited.json()).error.code).toBe("rate_limited");
    expect((await post(b)).status).toBe(200);
  });
});
