import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { eventsPerDay, seedDemo, seededRandom, seedDemoIfEmpty } from "./demo";

await useTestDatabase();

const NOW = new Date("2026-11-19T15:30:00Z");

describe("eventsPerDay", () => {
  it("spreads exactly N events over the days, fewer at weekends, none after now", () => {
    const plan = eventsPerDay(10_000, 28, NOW, seededRandom(7));
    expect(plan).toHaveLength(28);
    expect(plan.reduce((n, d) => n + d.count, 0)).toBe(10_000);
    expect(plan.at(-1)).toMatchObject({ day: "2026-11-19", until: NOW.getTime() });
    const weekday = (d: string) => new Date(`${d}T00:00:00Z`).getUTCDay();
    const avg = (pred: (d: string) => boolean) => {
      const days = plan.slice(0, -1).filter((d) => pred(d.day));
      return days.reduce((n, d) => n + d.count, 0) / days.length;
    };
    expect(avg((d) => weekday(d) === 0 || weekday(d) === 6)).toBeLessThan(avg((d) => weekday(d) !== 0 && weekday(d) !== 6) * 0.6);
  });
});

describe("seedDemo", () => {
  it("builds a world through ingest, deterministic per seed, and refuses a non-empty database", async () => {
    const first = await seedDemo({ events: 600, days: 20, seed: 42, now: NOW, batchSize: 200 });
    expect(first).toMatchObject({ organizations: 5, events: 600, created: 600, from: "2026-10-31", to: "2026-11-19" });
    expect(first.endUsers).toBeGreaterThan(100);
    expect(first.budgets).toBeGreaterThan(0);
    const db = await prisma();
    // Roll-ups were written by ingest, event for event.
    const [{ events, rollup }] = await db.$queryRaw<{ events: string; rollup: string }[]>`
      SELECT (SELECT sum(cost_usd) FROM usage_events)::text AS events, (SELECT sum(cost_usd) FROM daily_rollups)::text AS rollup`;
    expect(events).toBe(rollup);
    expect(await db.budget.count()).toBe(first.budgets);
    expect(first.alerts).toBeGreaterThan(0);
    expect(await db.alert.count()).toBe(first.alerts);
    // An owner and a viewer of the first organisation, with passwords shown once.
    expect(first.logins.map((l) => [l.email, l.role])).toEqual([["owner@acme-health.example", "owner"], ["viewer@acme-health.example", "viewer"]]);
    const owner = await db.account.findUniqueOrThrow({ where: { email: "owner@acme-health.example" }, include: { memberships: true } });
    expect(owner.memberships.map((m) => m.role)).toEqual(["owner"]);
    expect(owner.passwordHash).not.toContain(first.logins[0].password);
    // Several models per provider.
    const models = await db.$queryRaw<{ provider: string; n: number }[]>`SELECT provider, count(DISTINCT model)::int AS n FROM usage_events GROUP BY provider`;
    expect(models.filter((m) => m.n >= 2).length).toBeGreaterThanOrEqual(2);

    await expect(seedDemo({ events: 10, days: 5, seed: 42, now: NOW })).rejects.toThrow(/not empty/);
    expect(await seedDemoIfEmpty({ now: NOW })).toBeNull();

    // The same seed again (forced, into new organisations) makes the same traffic.
    const second = await seedDemo({ events: 600, days: 20, seed: 42, now: NOW, batchSize: 200, force: true });
    expect(second.totalCostUsd).toBe(first.totalCostUsd);
    const slugs = (await db.organization.findMany({ select: { slug: true } })).map((o) => o.slug).sort();
    expect(slugs).toContain("acme-health");
    expect(slugs).toContain("acme-health-2");
  });
});
