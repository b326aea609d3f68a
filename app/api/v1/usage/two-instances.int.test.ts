import { spawnSync, type ChildProcess } from "node:child_process";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { Decimal } from "@/lib/money";
import { createApiKey } from "@/lib/server/api-keys";
import { importPrices } from "@/lib/server/pricing";
import { verifyRollups } from "@/lib/server/rollups";
import { repoRoot as root, startAppInstance } from "@/test/app-instance";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";

// PGlite is one process's database: two app instances need PostgreSQL, on every run.
const testDb = await useTestDatabase({ postgres: true });

/** One app instance (its own Node process and connection pool) on a free port. */
const startInstance = (url: string) => startAppInstance(url, { DATABASE_POOL_SIZE: "8", SPENDLINE_RATE_LIMIT_BURST: "100000", SPENDLINE_RATE_LIMIT_PER_MINUTE: "1000000" });

describe("two app instances on one PostgreSQL", () => {
  const children: ChildProcess[] = [];
  afterAll(() => {
    for (const c of children) c.kill("SIGTERM");
  });

  it("1,000 events from 50 concurrent clients leave roll-ups exactly equal to the raw events", { timeout: 180_000 }, async () => {
    await importPrices(
      SYSTEM,
      [{ provider: "openai", model: "tst-conc", aliases: [], inputPerMtok: "0.15", cachedInputPerMtok: "0.075", cacheWritePerMtok: null, outputPerMtok: "0.6", perRequest: "0.000001", effectiveFrom: new Date("2024-01-01T00:00:00Z") }],
      { source: "test" },
    );
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id, projectKey: "conc" });
    const instances = await Promise.all([startInstance(testDb.url!), startInstance(testDb.url!)]);
    children.push(...instances.map((i) => i.child));

    const event = (client: number, n: number) => ({
      event_id: `c${client}-e${n}`,
      provider: "openai",
      model: "tst-conc",
      // Few distinct users and categories: most requests add to the same roll-up rows at once.
      user: `user-${n % 3}`,
      category: n % 2 ? "chat" : "search",
      input_tokens: 1000 + client * 7 + n,
      cache_read_tokens: 100 + n,
      output_tokens: 50 + client,
      duration_ms: 100 + n,
    });
    const send = async (base: string, body: unknown) => {
      const res = await fetch(`${base}/api/v1/usage`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) });
      expect(res.status).toBe(200);
      return (await res.json()) as { results: { status: string; cost_usd: string }[] };
    };

    let expectedCost = new Decimal(0);
    const clients = Array.from({ length: 50 }, async (_, client) => {
      const base = instances[client % 2].base;
      const other = instances[(client + 1) % 2].base;
      for (let n = 0; n < 10; n++) {
        const { results } = await send(n % 2 ? base : other, event(client, n));
        expect(results[0].status).toBe("created");
        expectedCost = expectedCost.plus(results[0].cost_usd);
      }
      const { results } = await send(base, { events: Array.from({ length: 10 }, (_, i) => event(client, 10 + i)) });
      for (const r of results) {
        expect(r.status).toBe("created");
        expectedCost = expectedCost.plus(r.cost_usd);
      }
      // A replay through the other instance counts once.
      const replay = await send(other, event(client, 0));
      expect(replay.results[0].status).toBe("duplicate");
    });
    await Promise.all(clients);

    expect(await testDb.prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(1000);
    expect((await verifyRollups()).drift).toEqual([]);
    const [sums] = await testDb.sql.query<{ events: string; daily: string; monthly: string; requests: string }>(
      `SELECT (SELECT sum(cost_usd)::text FROM usage_events WHERE org_id = $1) AS events,
              (SELECT sum(cost_usd)::text FROM daily_rollups WHERE org_id = $1) AS daily,
              (SELECT sum(cost_usd)::text FROM monthly_rollups WHERE org_id = $1) AS monthly,
              (SELECT sum(requests)::text FROM monthly_rollups WHERE org_id = $1) AS requests`,
      [org.id],
    );
    expect(new Decimal(sums.events).equals(expectedCost)).toBe(true);
    expect(new Decimal(sums.daily).equals(expectedCost)).toBe(true);
    expect(new Decimal(sums.monthly).equals(expectedCost)).toBe(true);
    expect(sums.requests).toBe("1000");
    const cli = spawnSync(process.execPath, [path.join(root, "bin/spendline.mjs"), "aggregates:verify"], { cwd: root, env: { ...process.env, DATABASE_URL: testDb.url }, encoding: "utf8" });
    expect(cli.stdout).toMatch(/^OK: roll-ups and budget counters match the raw events/);
    expect(cli.status).toBe(0);
  });
});
