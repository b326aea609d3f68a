// SPEC §5: the per-key rate limit holds across instances — two app processes on one PostgreSQL
// together allow what one bucket holds, not twice that.
import type { ChildProcess } from "node:child_process";
import { afterAll, describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/server/api-keys";
import { startAppInstance } from "@/test/app-instance";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";

// PGlite is one process's database: two instances need PostgreSQL, on every run.
const testDb = await useTestDatabase({ postgres: true });
const BURST = 40;

// One token a minute: the bucket barely refills during the test.
const startInstance = (url: string) => startAppInstance(url, { DATABASE_POOL_SIZE: "4", SPENDLINE_RATE_LIMIT_BURST: String(BURST), SPENDLINE_RATE_LIMIT_PER_MINUTE: "1" });

describe("rate limit across two app instances on one PostgreSQL", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill("SIGTERM");
  });

  it("allows one burst in all, not one per instance, and answers 429 with Retry-After beyond it", { timeout: 120_000 }, async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const { key: other } = await createApiKey(SYSTEM, { orgId: org.id });
    const instances = await Promise.all([startInstance(testDb.url!), startInstance(testDb.url!)]);
    children.push(...instances.map((i) => i.child));

    const post = async (base: string, apiKey: string, eventId: string) => {
      const res = await fetch(`${base}/api/v1/usage`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ event_id: eventId }) });
      await res.arrayBuffer();
      return { status: res.status, retryAfter: res.headers.get("retry-after") };
    };
    // 60 requests to each instance, 6 at a time per instance, both instances at once.
    const perInstance = await Promise.all(
      instances.map(async ({ base }, i) => {
        const out: { status: number; retryAfter: string | null }[] = [];
        for (let n = 0; n < 60; n += 6) out.push(...(await Promise.all(Array.from({ length: 6 }, (_, k) => post(base, key, `i${i}-${n + k}`)))));
        return out;
      }),
    );
    const all = perInstance.flat();
    const allowed = all.filter((r) => r.status === 200).length;
    // One burst (plus at most a token or two refilled meanwhile); per-instance buckets would allow 80.
    expect(allowed).toBeLessThanOrEqual(BURST + 2);
    expect(allowed).toBeGreaterThanOrEqual(BURST - 10);
    expect(perInstance.every((list) => list.some((r) => r.status === 200))).toBe(true);
    const limited = all.filter((r) => r.status === 429);
    expect(limited.length + allowed).toBe(all.length);
    expect(limited.every((r) => Number(r.retryAfter) >= 1)).toBe(true);
    // Another key has its own bucket.
    expect((await post(instances[1].base, other, "other-1")).status).toBe(200);
  });
});
