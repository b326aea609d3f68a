import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg } from "@/test/fixtures";
import { deleteBudget, listBudgetsInScope, setBudget } from "./manage";
import { recordTestEvent } from "./spend-fixture";

await useTestDatabase();

describe("budget delete and the all-organisations list", () => {
  it("deletes only with the typed word, only for admins of the organisation; audited", async () => {
    const org = await makeOrg();
    const owner = await makeMember(org.id, "owner");
    const viewer = await makeMember(org.id, "viewer");
    const { budget } = await setBudget(owner, org.id, { scope: "organization", limitUsd: "1" });
    await recordTestEvent(org.id, { costUsd: "0.3" });
    await expect(deleteBudget(viewer, budget.id, "delete")).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteBudget(await makeMember((await makeOrg()).id, "owner"), budget.id, "delete")).rejects.toMatchObject({ code: "not_found" });
    await expect(deleteBudget(owner, budget.id, "yes")).rejects.toMatchObject({ code: "validation_failed", details: { field: "confirm" } });
    await deleteBudget(owner, budget.id, " Delete ");
    const db = await prisma();
    expect(await db.budget.findUnique({ where: { id: budget.id } })).toBeNull();
    expect(await db.budgetPeriodSpend.count({ where: { budgetId: budget.id } })).toBe(0);
    expect((await db.auditLog.findFirst({ where: { action: "budget.delete", targetId: budget.id } }))?.before).toMatchObject({ limitUsd: "1" });
  });

  it("lists every organisation's budgets for super admins, each named; members see their own", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    await setBudget(await makeMember(a.id, "owner"), a.id, { scope: "organization", limitUsd: "5" });
    await setBudget(await makeMember(b.id, "owner"), b.id, { scope: "project", scopeKey: "web", limitUsd: "7" });
    const admin = await makeMember(null, null, { superAdmin: true });
    const all = await listBudgetsInScope(admin, null);
    expect(all.filter((x) => x.orgId === a.id || x.orgId === b.id).map((x) => [x.orgSlug, x.orgName, x.limitUsd]).sort()).toEqual([
      [a.slug, a.name, "5"],
      [b.slug, b.name, "7"],
    ].sort());
    const member = await makeMember(a.id, "viewer");
    expect((await listBudgetsInScope(member, null)).map((x) => x.orgId)).toEqual([a.id]);
    await expect(listBudgetsInScope(member, b.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
