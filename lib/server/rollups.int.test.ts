import { describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { run as verifyCommand } from "@/lib/cli/commands/aggregates-verify";
import { run as rebuildCommand } from "@/lib/cli/commands/aggregates-rebuild";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "./api-keys";
import { setSetting } from "./app-settings";
import { importPrices } from "./pricing";
import { rebuildRollups, RETENTION_WATERMARK_SETTING, verifyRollups } from "./rollups";
import { recordUsageBatch } from "./usage-ingest";

await useTestDatabase();

const DAY = 86_400_000;
const at = (daysAgo: number) => new Date(Date.now() - daysAgo * DAY).toISOString();

async function snapshot() {
  const db = await prisma();
  const strip = <T extends { id: bigint }>(rows: T[]) => rows.map(({ id: _id, ...rest }) => JSON.stringify(rest, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).sort();
  return { daily: strip(await db.dailyRollup.findMany()), monthly: strip(await db.monthlyRollup.findMany()) };
}

describe("roll-ups: verify and rebuild", () => {
  it("reports drift, rebuilds exactly what ingest maintained, and is idempotent", async () => {
    await importPrices(SYSTEM, [{ provider: "openai", model: "tst-roll", aliases: [], inputPerMtok: "1.1", cachedInputPerMtok: "0.55", cacheWritePerMtok: null, outputPerMtok: "4.4", perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z") }], { source: "test" });
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id, projectKey: "p1" });
    const principal = (await authenticateApiKey(key))!;
    const events = Array.from({ length: 60 }, (_, i) => ({
      event_id: `r-${i}`,
      timestamp: at(i % 30),
      provider: "openai",
      model: i % 4 ? "tst-roll" : "unpriced-model",
      user: i % 5 ? `u${i % 3}` : undefined,
      category: i % 2 ? "chat" : undefined,
      project: i % 7 ? undefined : "p2",
      input_tokens: 1000 + i,
      cache_read_tokens: i,
      output_tokens: 10 * i,
      reasoning_tokens: i,
      success: i % 9 !== 0,
      duration_ms: i * 3,
    }));
    await recordUsageBatch(principal, events);
    expect((await verifyRollups()).drift).toEqual([]);
    const maintained = await snapshot();

    const db = await prisma();
    await db.$executeRawUnsafe(`UPDATE daily_rollups SET requests = requests + 1, cost_usd = cost_usd + 0.5 WHERE id = (SELECT min(id) FROM daily_rollups)`);
    await db.$executeRawUnsafe(`DELETE FROM monthly_rollups WHERE id = (SELECT min(id) FROM monthly_rollups)`);
    const { drift } = await verifyRollups();
    expect(drift.map((d) => d.table).sort()).toEqual(["daily_rollups", "monthly_rollups"]);
    expect(drift.find((d) => d.table === "daily_rollups")!.differences).toMatchObject({ requests: expect.any(Object), cost_usd: expect.any(Object) });
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    expect(await verifyCommand([])).toBe(1);
    expect(log.mock.calls.flat().join("\n")).toMatch(/DRIFT: 2 roll-up rows/);

    await rebuildRollups();
    expect(await snapshot()).toEqual(maintained);
    expect(await verifyCommand([])).toBe(0);
    await rebuildCommand([]);
    await rebuildCommand(["--from", at(5).slice(0, 10), "--to", at(1).slice(0, 10)]);
    expect(await snapshot()).toEqual(maintained);
    log.mockRestore();
  });

  it("leaves periods before the retention watermark alone", async () => {
    const db = await prisma();
    const org = await makeOrg();
    const old = new Date(Date.UTC(2020, 0, 15));
    await db.dailyRollup.create({ data: { day: old, orgId: org.id, requests: 5n, costUsd: "1.5" } });
    await db.monthlyRollup.create({ data: { month: new Date(Date.UTC(2020, 0, 1)), orgId: org.id, requests: 5n, costUsd: "1.5" } });
    expect((await verifyRollups()).drift).toHaveLength(2);
    await setSetting(RETENTION_WATERMARK_SETTING, "2020-03-10T00:00:00.000Z");
    const result = await verifyRollups();
    expect(result.checkedFrom).toEqual({ day: "2020-03-10", month: "2020-04-01" });
    expect(result.drift).toEqual([]);
    await rebuildRollups();
    expect(await db.dailyRollup.count({ where: { orgId: org.id } })).toBe(1);
  });
});
