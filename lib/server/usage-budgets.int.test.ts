// Batched ingest against budgets (SPEC §5 "recording over budget", §6): one batch is applied to
// its budgets in event order, with reservations, override tokens and several periods, and the
// counters always equal the raw events.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { periodContaining } from "@/lib/budgets/periods";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "./api-keys";
import { checkBudget } from "./budgets/check";
import { getBudget, listBudgets, setBudget } from "./budgets/manage";
import { rawSpend, toScopedBudget } from "./budgets/store";
import { verifyBudgetCounters } from "./budgets/verify";
import { importPrices } from "./pricing";
import { verifyRollups } from "./rollups";
import { recordUsageBatch } from "./usage-ingest";

const testDb = await useTestDatabase();

// $1,000 per million input tokens: an event of N input tokens costs exactly N / 1,000 dollars.
await importPrices(
  SYSTEM,
  [{ provider: "test", model: "tst-milli", aliases: [], inputPerMtok: "1000", cachedInputPerMtok: null, cacheWritePerMtok: null, outputPerMtok: "0", perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z") }],
  { source: "test" },
);

async function principalFor() {
  const org = await makeOrg();
  const { key } = await createApiKey(SYSTEM, { orgId: org.id });
  return { org, principal: (await authenticateApiKey(key))! };
}

/** An event costing `dollars` (exactly; see the price above). */
function spend(eventId: string, dollars: number, extra: Record<string, unknown> = {}) {
  return { event_id: eventId, provider: "test", model: "tst-milli", input_tokens: Math.round(dollars * 1000), ...extra };
}

async function flags(orgId: string) {
  const rows = await (await prisma()).usageEvent.findMany({ where: { orgId }, select: { eventId: true, overBudget: true, budgetOverride: true, overrideBy: true, overrideTokenId: true } });
  return Object.fromEntries(rows.map((r) => [r.eventId, r]));
}

describe("batched ingest against budgets", () => {
  it("flags exactly the priced events from the one that takes a budget over its limit on, in the order sent", async () => {
    // Event ids run backwards so that the order sent and the order of the ids differ.
    const { org, principal } = await principalFor();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "0.3", mode: "hard" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "0.15", mode: "soft" });
    const results = await recordUsageBatch(principal, [
      spend("e9", 0.1, { user: "alice" }),
      spend("e8", 0.1),
      spend("e7", 0.1, { user: "alice" }), // alice: 0.2 > 0.15
      spend("e6", 0.0), // organisation: 0.3, at the limit, not above it
      { event_id: "e5", provider: "test", model: "unknown-model", input_tokens: 10 }, // unpriced: costs nothing
      spend("e4", 0.1), // organisation: 0.4 > 0.3
      spend("e3", 0.1, { user: "bob" }),
      spend("e9", 0.1, { user: "alice" }), // repeated in the batch: a duplicate, counted once
    ]);
    expect(results.map((r) => [r.event_id, r.status, r.over_budget])).toEqual([
      ["e9", "created", false],
      ["e8", "created", false],
      ["e7", "created", true],
      ["e6", "created", false],
      ["e5", "created", false],
      ["e4", "created", true],
      ["e3", "created", true],
      ["e9", "duplicate", false],
    ]);
    const stored = await flags(org.id);
    expect(Object.entries(stored).filter(([, f]) => f.overBudget).map(([id]) => id).sort()).toEqual(["e3", "e4", "e7"]);
    expect(Object.fromEntries((await listBudgets(SYSTEM, org.id)).map((b) => [b.scope, b.spentUsd]))).toEqual({ organization: "0.5", user: "0.2" });

    // The next batch starts from the stored counters; a replayed event changes nothing.
    const next = await recordUsageBatch(principal, [spend("e2", 0.05, { user: "carol" }), spend("e8", 0.1)]);
    expect(next.map((r) => [r.status, r.over_budget])).toEqual([["created", true], ["duplicate", false]]);
    expect((await listBudgets(SYSTEM, org.id)).find((b) => b.scope === "organization")!.spentUsd).toBe("0.55");
    expect(await verifyBudgetCounters()).toEqual([]);
  });

  it("settles a reservation and redeems an override token inside one batch, each once", async () => {
    const { org, principal } = await principalFor();
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "1", mode: "soft" });
    const reserved = await checkBudget(org.id, { user: "alice", estimated_cost_usd: "0.5" });
    expect(reserved.decision).toBe("allow");
    const confirm = await checkBudget(org.id, { user: "alice", estimated_cost_usd: "0.6" }, { apiKeyPrefix: principal.prefix });
    expect(confirm.decision).toBe("confirm");
    const reservationId = reserved.reservationId!;
    const token = confirm.overrideToken!;

    const results = await recordUsageBatch(principal, [
      spend("r1", 0.3, { user: "alice", reservation_id: reservationId }),
      spend("t1", 0.8, { user: "alice", override_token: token }), // alice: 1.1 > 1, confirmed
      spend("t2", 0.1, { user: "alice", override_token: token }), // the token is used: over budget, no override
      spend("r2", 0.1, { user: "alice", reservation_id: reservationId }), // already settled by r1
      spend("t3", 0.1, { user: "bob", override_token: token }), // another user's event: the token does not apply
    ]);
    expect(results.map((r) => [r.event_id, r.over_budget, r.budget_override])).toEqual([
      ["r1", false, false],
      ["t1", true, true],
      ["t2", true, false],
      ["r2", true, false],
      ["t3", false, false],
    ]);

    const db = await prisma();
    const stored = await flags(org.id);
    expect(stored.t1).toMatchObject({ budgetOverride: true, overBudget: true, overrideBy: "user:alice" });
    expect(stored.t1.overrideTokenId).not.toBeNull();
    expect(stored.t2).toMatchObject({ budgetOverride: false, overBudget: true, overrideTokenId: null });
    const r1 = await db.usageEvent.findUniqueOrThrow({ where: { orgId_eventId: { orgId: org.id, eventId: "r1" } } });
    expect(await db.reservation.findUniqueOrThrow({ where: { id: reservationId } })).toMatchObject({ status: "settled", eventId: r1.id.toString() });
    const [budget] = await listBudgets(SYSTEM, org.id);
    // The actual cost replaced the estimate: nothing stays reserved.
    expect(budget).toMatchObject({ spentUsd: "1.3", reservedUsd: "0" });
    const t1 = await db.usageEvent.findUniqueOrThrow({ where: { orgId_eventId: { orgId: org.id, eventId: "t1" } } });
    const overrides = await db.budgetOverride.findMany({ where: { orgId: org.id } });
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ kind: "confirmation", budgetId: budget.id, grantedBy: "user:alice", eventId: t1.id.toString() });
    expect(await db.auditLog.count({ where: { orgId: org.id, action: "budget.override.confirm" } })).toBe(1);

    // A later batch cannot use the token again.
    const again = await recordUsageBatch(principal, [spend("t4", 0.1, { user: "alice", override_token: token })]);
    expect(again[0]).toMatchObject({ status: "created", budget_override: false, over_budget: true });
    expect(await verifyBudgetCounters()).toEqual([]);
  });

  it("counts each event in the period that contains it when a batch spans two periods", async () => {
    const { org, principal } = await principalFor();
    const { budget } = await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", mode: "hard", period: "daily" });
    const now = new Date();
    const yesterday = new Date(now.getTime() - 86_400_000).toISOString();
    const results = await recordUsageBatch(
      principal,
      [
        spend("y1", 0.6, { timestamp: yesterday }),
        spend("t1", 0.5),
        spend("y2", 0.6, { timestamp: yesterday }), // yesterday: 1.2 > 1
        spend("t2", 0.5), // today: 1.0, at the limit
      ],
      now,
    );
    expect(results.map((r) => [r.event_id, r.over_budget])).toEqual([
      ["y1", false],
      ["t1", false],
      ["y2", true],
      ["t2", false],
    ]);
    const history = (await getBudget(SYSTEM, budget.id)).history.map((h) => [h.periodStart.slice(0, 10), h.spentUsd]);
    expect(history).toEqual([
      [now.toISOString().slice(0, 10), "1"],
      [yesterday.slice(0, 10), "1.2"],
    ]);
    const db = await prisma();
    const scoped = toScopedBudget(await db.budget.findUniqueOrThrow({ where: { id: budget.id } }));
    for (const at of [now, new Date(yesterday)]) {
      const range = periodContaining("daily", at);
      const counter = await db.budgetPeriodSpend.findUniqueOrThrow({ where: { budgetId_periodStart: { budgetId: budget.id, periodStart: range.start } } });
      expect(counter.spentUsd.toString()).toBe((await rawSpend(db, scoped, range)).toFixed());
    }
    expect(await verifyBudgetCounters()).toEqual([]);
  });

  it("counts events in a budget that exists, also right after earlier events of the organisation met no budget", async () => {
    const { org, principal } = await principalFor();
    const db = await prisma();
    // No budget yet: nothing to count.
    await recordUsageBatch(principal, [spend("n1", 0.1, { user: "alice", project: "chat" })]);
    expect(await db.budgetPeriodSpend.count({ where: { budget: { orgId: org.id } } })).toBe(0);
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "0.25", mode: "hard" });
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "search", limitUsd: "5", mode: "hard" });
    // Budgets exist, but none counts these events (another user, another project, or no cost).
    await recordUsageBatch(principal, [spend("n2", 0.1, { user: "bob", project: "chat" }), { event_id: "n3", provider: "test", model: "unknown-model", user: "alice" }]);
    // Each of these does count: the user's budget, then the project's.
    const results = await recordUsageBatch(principal, [spend("n4", 0.2, { user: "alice" })]);
    expect(results[0]).toMatchObject({ status: "created", over_budget: true });
    await recordUsageBatch(principal, [spend("n5", 0.3, { user: "carol", project: "search" })]);
    expect(Object.fromEntries((await listBudgets(SYSTEM, org.id)).map((b) => [b.scope, b.spentUsd]))).toEqual({ user: "0.3", project: "0.3" });
    expect(await verifyBudgetCounters()).toEqual([]);
  });

  it(`keeps counters equal to the raw events when batches over shared budgets arrive at once (${testDb.kind})`, { timeout: 120_000 }, async () => {
    const { org, principal } = await principalFor();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", mode: "hard" });
    const users = ["u1", "u2", "u3", "u4", "u5"];
    for (const u of users) await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: u, limitUsd: "100", mode: "soft" });
    // 4 batches of 50 events of $0.01: $2 in all, spread over users in a different order per batch.
    const batches = Array.from({ length: 4 }, (_, b) => Array.from({ length: 50 }, (_, i) => spend(`b${b}-${i}`, 0.01, { user: users[(i * (b + 1)) % users.length] })));
    const results = (await Promise.all(batches.map((events) => recordUsageBatch(principal, events)))).flat();
    expect(results.every((r) => r.status === "created")).toBe(true);
    // The organisation budget sees every event once, in some order: exactly those after the first $1 are over.
    expect(results.filter((r) => r.over_budget)).toHaveLength(100);
    expect((await listBudgets(SYSTEM, org.id)).find((b) => b.scope === "organization")!.spentUsd).toBe("2");
    expect(await verifyBudgetCounters()).toEqual([]);
    expect((await verifyRollups()).drift).toEqual([]);
  });
});
