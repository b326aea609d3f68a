import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { listAlerts } from "../alerts";
import { backgroundWorkSettled } from "./background";
import { checkBudget } from "./check";
import { getBudget, grantExtension, listBudgets, setBudget } from "./manage";
import { recordTestEvent } from "./spend-fixture";
import { verifyBudgetCounters } from "./verify";

await useTestDatabase();

async function eventRow(rowId: bigint) {
  return (await prisma()).usageEvent.findUniqueOrThrow({ where: { id: rowId } });
}

describe("recording spend against budgets", () => {
  it("adds each event's cost to every active budget in its scope, for the period of the event", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "100" });
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "chatbot", limitUsd: "100" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "100", period: "daily" });
    await recordTestEvent(org.id, { costUsd: "0.000001", project: "chatbot", user: "alice" });
    await recordTestEvent(org.id, { costUsd: "0.1", project: "other", user: "bob" });
    await recordTestEvent(org.id, { costUsd: "0.2", project: "chatbot" });
    await recordTestEvent(org.id, { costUsd: null, project: "chatbot", user: "alice" });
    // An event of last month counts in last month's counter, not this one.
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 0, 12));
    await recordTestEvent(org.id, { costUsd: "5", project: "chatbot", occurredAt: lastMonth });
    const byScope = Object.fromEntries((await listBudgets(SYSTEM, org.id)).map((b) => [b.scope, b.spentUsd]));
    expect(byScope).toEqual({ organization: "0.300001", project: "0.200001", user: "0.000001" });
    const project = (await listBudgets(SYSTEM, org.id)).find((b) => b.scope === "project")!;
    const detail = await getBudget(SYSTEM, project.id);
    expect(detail.history.map((h) => h.spentUsd)).toEqual(["0.200001", "5"]);
    expect(await verifyBudgetCounters()).toEqual([]);
  });

  it("always records usage, flags the event that takes spend over the limit, and counts extensions", async () => {
    const org = await makeOrg();
    const { budget } = await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", mode: "hard" });
    expect((await recordTestEvent(org.id, { costUsd: "1" })).outcome.overBudget).toBe(false);
    const over = await recordTestEvent(org.id, { costUsd: "0.5" });
    expect(over.outcome.overBudget).toBe(true);
    expect((await eventRow(over.rowId)).overBudget).toBe(true);
    expect((await listBudgets(SYSTEM, org.id))[0].spentUsd).toBe("1.5");
    await grantExtension(SYSTEM, budget.id, { amountUsd: "2", reason: "launch week" });
    expect((await recordTestEvent(org.id, { costUsd: "0.5" })).outcome.overBudget).toBe(false);
    expect((await checkBudget(org.id, { estimated_cost_usd: "1" })).decision).toBe("warn");
    expect((await checkBudget(org.id, { estimated_cost_usd: "0.5" })).decision).toBe("block");
  });

  it("records an event with a confirm token as an authorised override, once", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "1", mode: "soft" });
    await recordTestEvent(org.id, { costUsd: "1", user: "alice", project: "chatbot" });
    const check = await checkBudget(org.id, { user: "alice", project: "chatbot", estimated_cost_usd: "0.2" }, { apiKeyPrefix: "abcd1234" });
    expect(check.decision).toBe("confirm");
    const token = check.overrideToken!;

    // Bound to the user and project it was issued for.
    const otherUser = await recordTestEvent(org.id, { costUsd: "0.2", user: "bob", project: "chatbot", overrideToken: token });
    expect(otherUser.outcome.budgetOverride).toBe(false);
    const otherOrg = await makeOrg();
    expect((await recordTestEvent(otherOrg.id, { costUsd: "0.2", user: "alice", project: "chatbot", overrideToken: token, apiKeyPrefix: "abcd1234" })).outcome.budgetOverride).toBe(false);
    // Bound to the key that asked.
    const otherKey = await recordTestEvent(org.id, { costUsd: "0.2", user: "alice", project: "chatbot", overrideToken: token, apiKeyPrefix: "zzzz9999" });
    expect(otherKey.outcome.budgetOverride).toBe(false);

    const first = await recordTestEvent(org.id, { costUsd: "0.2", user: "alice", project: "chatbot", overrideToken: token, apiKeyPrefix: "abcd1234" });
    expect(first.outcome).toMatchObject({ budgetOverride: true, overBudget: true, overrideBy: "user:alice" });
    expect(await eventRow(first.rowId)).toMatchObject({ budgetOverride: true, overBudget: true, overrideBy: "user:alice", overrideTokenId: first.outcome.overrideTokenId });

    const second = await recordTestEvent(org.id, { costUsd: "0.2", user: "alice", project: "chatbot", overrideToken: token, apiKeyPrefix: "abcd1234" });
    expect(second.outcome.budgetOverride).toBe(false);
    expect(await eventRow(second.rowId)).toMatchObject({ budgetOverride: false, overBudget: true, overrideTokenId: null });

    const db = await prisma();
    const overrides = await db.budgetOverride.findMany({ where: { orgId: org.id } });
    expect(overrides).toHaveLength(1);
    expect(overrides[0]).toMatchObject({ kind: "confirmation", grantedBy: "user:alice", eventId: first.rowId.toString() });
    expect(await db.auditLog.count({ where: { orgId: org.id, action: "budget.override.confirm" } })).toBe(1);
    // Spend counted for all of them.
    expect((await listBudgets(SYSTEM, org.id))[0].spentUsd).toBe("1.6");
  });

  it("lets only one of two concurrent events redeem the same token", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "0.5", mode: "soft" });
    await recordTestEvent(org.id, { costUsd: "0.5" });
    const { overrideToken } = await checkBudget(org.id, { estimated_cost_usd: "0.1" }, { apiKeyPrefix: "abcd1234" });
    const results = await Promise.all(Array.from({ length: 5 }, () => recordTestEvent(org.id, { costUsd: "0.1", overrideToken: overrideToken!, apiKeyPrefix: "abcd1234" })));
    expect(results.filter((r) => r.outcome.budgetOverride)).toHaveLength(1);
    expect(results.find((r) => r.outcome.budgetOverride)!.outcome.overrideBy).toBe("api_key:abcd1234");
  });

  it("raises the warning and the reached alert once per budget and period", async () => {
    const org = await makeOrg();
    const { budget } = await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", warnPercent: 50, mode: "hard" });
    await recordTestEvent(org.id, { costUsd: "0.4" });
    await backgroundWorkSettled();
    expect(await listAlerts(SYSTEM, { orgId: org.id })).toEqual([]);
    for (const cost of ["0.2", "0.1", "0.3", "0.5", "0.5"]) await recordTestEvent(org.id, { costUsd: cost });
    await backgroundWorkSettled();
    const alerts = await listAlerts(SYSTEM, { orgId: org.id });
    expect(alerts.map((a) => [a.type, a.severity]).sort()).toEqual([["budget_reached", "critical"], ["budget_warning", "medium"]]);
    expect(alerts.every((a) => a.budgetId === budget.id && a.status === "open")).toBe(true);
    const reached = alerts.find((a) => a.type === "budget_reached")!;
    expect(reached).toMatchObject({ thresholdValue: "1", actualValue: "1" });
    // Last month's period is another period: its own alert.
    const lastMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 0, 12));
    await recordTestEvent(org.id, { costUsd: "2", occurredAt: lastMonth });
    await backgroundWorkSettled();
    expect((await listAlerts(SYSTEM, { orgId: org.id, type: "budget_reached" })).length).toBe(2);
  });

  it("stops counting a deactivated budget and catches up from the events when it is reactivated", async () => {
    const { setBudgetActive } = await import("./manage");
    const org = await makeOrg();
    const { budget } = await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", mode: "hard" });
    await setBudgetActive(SYSTEM, budget.id, false);
    await recordTestEvent(org.id, { costUsd: "0.7" });
    expect((await checkBudget(org.id, { estimated_cost_usd: "5" })).decision).toBe("allow");
    const reactivated = await setBudgetActive(SYSTEM, budget.id, true);
    expect(reactivated.spentUsd).toBe("0.7");
    expect((await checkBudget(org.id, { estimated_cost_usd: "0.5" })).decision).toBe("block");
  });
});
