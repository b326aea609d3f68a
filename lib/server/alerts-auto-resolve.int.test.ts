import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg } from "@/test/fixtures";
import { listAlerts } from "./alerts";
import { alertPeriodDay, autoResolveBudgetAlerts } from "./alerts-auto-resolve";
import { backgroundWorkSettled } from "./budgets/background";
import { getBudget, grantExtension, setBudget, updateBudget } from "./budgets/manage";
import { recordTestEvent } from "./budgets/spend-fixture";

await useTestDatabase();

describe("budget alerts resolve themselves", () => {
  it("reads the period of a budget alert from its key", () => {
    expect(alertPeriodDay("budget_reached:3f0c:2026-11-01")).toBe("2026-11-01");
    expect(alertPeriodDay("daily_spike")).toBeNull();
  });

  it("cap_increased when an extension or a higher limit lifts the budget back under; auto_resolved when a new period starts", async () => {
    const org = await makeOrg();
    const owner = await makeMember(org.id, "owner");
    const { budget } = await setBudget(owner, org.id, { scope: "organization", limitUsd: "1", warnPercent: 50 });
    await recordTestEvent(org.id, { costUsd: "1.2" });
    await backgroundWorkSettled();
    const raised = await listAlerts(owner, { orgId: org.id, status: "unresolved" });
    expect(raised.map((a) => a.type).sort()).toEqual(["budget_reached", "budget_warning"]);

    // An extension of $1: the cap is $2, spend $1.20 is under it (but over 50 % of it).
    await grantExtension(owner, budget.id, { amountUsd: "1", reason: "launch week" });
    let alerts = await listAlerts(owner, { orgId: org.id });
    const reached = alerts.find((a) => a.type === "budget_reached")!;
    expect(reached).toMatchObject({ status: "resolved", resolution: "cap_increased", resolvedBy: "spendline" });
    expect(alerts.find((a) => a.type === "budget_warning")!.status).not.toBe("resolved");

    // A limit of $5: $1.20 is under 50 % of $6, the warning goes too.
    await updateBudget(owner, budget.id, { limitUsd: "5" });
    alerts = await listAlerts(owner, { orgId: org.id });
    expect(alerts.find((a) => a.type === "budget_warning")).toMatchObject({ status: "resolved", resolution: "cap_increased" });

    // A new alert this period, then the next month: auto_resolved.
    await updateBudget(owner, budget.id, { limitUsd: "1" });
    await recordTestEvent(org.id, { costUsd: "5" });
    await backgroundWorkSettled();
    const db = await prisma();
    // The dedupe key keeps one alert per period: raise a fresh one by clearing the old ones.
    const open = await listAlerts(owner, { orgId: org.id, status: "unresolved" });
    if (open.length === 0) {
      await db.alert.updateMany({ where: { orgId: org.id }, data: { status: "open", resolution: null, resolvedAt: null, resolvedBy: null } });
    }
    const nextMonth = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth() + 1, 2));
    const counts = await autoResolveBudgetAlerts([org.id], { now: nextMonth });
    expect(counts.auto_resolved).toBeGreaterThan(0);
    alerts = await listAlerts(owner, { orgId: org.id });
    expect(alerts.every((a) => a.status === "resolved")).toBe(true);
    expect(alerts.some((a) => a.resolution === "auto_resolved")).toBe(true);
    const audit = await db.auditLog.findMany({ where: { orgId: org.id, action: "alert.auto_resolve" } });
    expect(audit.length).toBeGreaterThanOrEqual(3);
  });

  it("keeps a budget's past periods with the limit in force then when its period kind changes", async () => {
    const org = await makeOrg();
    const owner = await makeMember(org.id, "owner");
    const { budget } = await setBudget(owner, org.id, { scope: "organization", limitUsd: "2" });
    await recordTestEvent(org.id, { costUsd: "0.75" });
    await updateBudget(owner, budget.id, { limitUsd: "3" });
    await updateBudget(owner, budget.id, { period: "daily" });
    const { history } = await getBudget(owner, budget.id);
    const monthly = history.find((h) => h.archived)!;
    expect(monthly).toMatchObject({ period: "monthly", spentUsd: "0.75", limitUsd: "3", archived: true });
    const daily = history.find((h) => !h.archived)!;
    expect(daily).toMatchObject({ period: "daily", spentUsd: "0.75", limitUsd: "3" });
    // A later limit change does not rewrite what was in force for the archived period.
    await updateBudget(owner, budget.id, { limitUsd: "9" });
    const again = await getBudget(owner, budget.id);
    expect(again.history.find((h) => h.archived)!.limitUsd).toBe("3");
  });
});
