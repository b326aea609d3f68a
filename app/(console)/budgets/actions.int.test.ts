import { beforeEach, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/server/authz";
import { getBudget, setBudget } from "@/lib/server/budgets";
import { recordTestEvent } from "@/lib/server/budgets/spend-fixture";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";

// The actions run as whoever the session says; here the test says who.
let signedIn: Actor;
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("@/lib/server/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/server/session")>()),
  actionContext: async () => ({ actor: signedIn, ctx: { ip: "203.0.113.9" } }),
}));

const { createBudgetAction, grantExtensionAction, setBudgetActiveAction, updateBudgetAction } = await import("./actions");

const { prisma: db } = await useTestDatabase();

const formOf = (fields: Record<string, string>) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
};

describe("budget server actions", () => {
  let orgA: { id: string };
  let ownerA: Actor;
  beforeEach(async () => {
    orgA = await makeOrg();
    ownerA = await makeMember(orgA.id, "owner");
  });

  it("create a budget from the form, and show invalid input on its field", async () => {
    signedIn = ownerA;
    const ok = await createBudgetAction({}, formOf({ orgId: orgA.id, scope: "project", scopeKey: "chatbot", limitUsd: "25.50", period: "weekly", mode: "hard", warnPercent: "90" }));
    expect(ok).toMatchObject({ ok: true, message: "Created a weekly budget for project chatbot." });
    const [budget] = await db.budget.findMany({ where: { orgId: orgA.id } });
    expect(budget).toMatchObject({ scope: "project", scopeKey: "chatbot", period: "weekly", mode: "hard", warnPercent: 90 });
    expect(budget.limitUsd.toString()).toBe("25.5");

    const again = await createBudgetAction({}, formOf({ orgId: orgA.id, scope: "project", scopeKey: "chatbot", limitUsd: "30", period: "weekly", mode: "hard", warnPercent: "90" }));
    expect(again.message).toBe("A budget for project chatbot already existed; it was updated.");

    const bad = await createBudgetAction({}, formOf({ orgId: orgA.id, scope: "user", scopeKey: "", limitUsd: "-3", period: "monthly", mode: "soft", warnPercent: "120" }));
    expect(bad.ok).toBe(false);
    expect(Object.keys(bad.errors ?? {}).sort()).toEqual(["limitUsd", "scopeKey", "warnPercent"]);
    expect(bad.data).toMatchObject({ limitUsd: "-3", scope: "user" });
  });

  it("answer not found to an owner of another organisation and to a viewer, changing nothing", async () => {
    const { budget } = await setBudget(SYSTEM, orgA.id, { scope: "organization", limitUsd: "10" });
    const orgB = await makeOrg();
    for (const outsider of [await makeMember(orgB.id, "owner"), await makeMember(orgA.id, "viewer")]) {
      signedIn = outsider;
      const results = [
        await createBudgetAction({}, formOf({ orgId: orgA.id, scope: "organization", limitUsd: "99", period: "monthly", mode: "soft", warnPercent: "80" })),
        await updateBudgetAction({}, formOf({ budgetId: budget.id, limitUsd: "99" })),
        await setBudgetActiveAction({}, formOf({ budgetId: budget.id, active: "false" })),
        await grantExtensionAction({}, formOf({ budgetId: budget.id, amountUsd: "5", until: "", reason: "sneaky" })),
      ];
      for (const r of results) expect(r).toMatchObject({ ok: false, message: "Not found." });
    }
    const after = await getBudget(SYSTEM, budget.id);
    expect(after.budget).toMatchObject({ limitUsd: "10", active: true, extensionUsd: "0" });
    expect(after.overrides).toEqual([]);
  });

  it("edit, deactivate and activate a budget", async () => {
    signedIn = ownerA;
    const { budget } = await setBudget(SYSTEM, orgA.id, { scope: "organization", limitUsd: "10" });
    expect(await updateBudgetAction({}, formOf({ budgetId: budget.id, limitUsd: "12.5", period: "daily", mode: "hard", warnPercent: "50" }))).toMatchObject({ ok: true });
    expect((await getBudget(SYSTEM, budget.id)).budget).toMatchObject({ limitUsd: "12.5", period: "daily", mode: "hard", warnPercent: 50 });
    const invalid = await updateBudgetAction({}, formOf({ budgetId: budget.id, limitUsd: "abc", period: "monthly", mode: "soft", warnPercent: "50" }));
    expect(invalid.errors?.limitUsd).toMatch(/decimal/);
    expect(await setBudgetActiveAction({}, formOf({ budgetId: budget.id, active: "false" }))).toMatchObject({ ok: true });
    expect((await getBudget(SYSTEM, budget.id)).budget.active).toBe(false);
    expect(await setBudgetActiveAction({}, formOf({ budgetId: budget.id, active: "true" }))).toMatchObject({ ok: true });
    expect((await getBudget(SYSTEM, budget.id)).budget.active).toBe(true);
  });

  it("grant an extension: the expiry is read as UTC, a reason is required, and the figures grow", async () => {
    signedIn = ownerA;
    const { budget } = await setBudget(SYSTEM, orgA.id, { scope: "organization", limitUsd: "1" });
    await recordTestEvent(orgA.id, { costUsd: "0.6" });

    const noReason = await grantExtensionAction({}, formOf({ budgetId: budget.id, amountUsd: "2", until: "", reason: "  " }));
    expect(noReason).toMatchObject({ ok: false, errors: { reason: "Give a reason for the extension." } });
    const past = await grantExtensionAction({}, formOf({ budgetId: budget.id, amountUsd: "2", until: "2020-01-01T00:00", reason: "late" }));
    expect(past.errors?.until).toMatch(/future/);
    const badAmount = await grantExtensionAction({}, formOf({ budgetId: budget.id, amountUsd: "0", until: "", reason: "x" }));
    expect(badAmount.errors?.amountUsd).toMatch(/greater than zero/);
    expect((await getBudget(SYSTEM, budget.id)).overrides).toEqual([]);

    const until = `${new Date().getUTCFullYear() + 1}-01-15T08:30`;
    const granted = await grantExtensionAction({}, formOf({ budgetId: budget.id, amountUsd: "2", until, reason: "Quarter-end run" }));
    expect(granted).toMatchObject({ ok: true, message: `Granted an extension of $2.00 until ${until.replace("T", " ")} UTC.` });
    const detail = await getBudget(SYSTEM, budget.id);
    expect(detail.budget).toMatchObject({ extensionUsd: "2", spentUsd: "0.6", remainingUsd: "2.4" });
    expect(detail.overrides[0]).toMatchObject({ kind: "extension", amountUsd: "2", validUntil: `${until}:00.000Z`, reason: "Quarter-end run", active: true });
    const audit = await db.auditLog.findFirst({ where: { orgId: orgA.id, action: "budget.extension.grant" } });
    expect(audit?.ip).toBe("203.0.113.9");

    const defaulted = await grantExtensionAction({}, formOf({ budgetId: budget.id, amountUsd: "1", until: "", reason: "to period end" }));
    expect(defaulted.ok).toBe(true);
    expect((await getBudget(SYSTEM, budget.id)).overrides[0].validUntil).toBe(detail.budget.periodEnd);
  });
});
