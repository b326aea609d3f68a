import { afterEach, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM, uniq } from "@/test/fixtures";
import { run as budgetsSet } from "@/lib/cli/commands/budgets-set";
import { checkBudget } from "./check";
import { getBudget, grantExtension, listBudgets, listOverrides, setBudget, setBudgetActive, updateBudget } from "./manage";
import { recordTestEvent } from "./spend-fixture";

await useTestDatabase();

afterEach(() => vi.restoreAllMocks());

describe("budget management", () => {
  it("creates a scope's budget with defaults, then updates it keeping what was not given; audited", async () => {
    const org = await makeOrg();
    const owner = await makeMember(org.id, "owner");
    const created = await setBudget(owner, org.id, { scope: "project", scopeKey: "chatbot", limitUsd: "250.5" });
    expect(created.created).toBe(true);
    expect(created.budget).toMatchObject({ scope: "project", scopeKey: "chatbot", period: "monthly", mode: "soft", warnPercent: 80, limitUsd: "250.5", active: true });
    const db = await prisma();
    expect(await db.project.findUnique({ where: { orgId_key: { orgId: org.id, key: "chatbot" } } })).not.toBeNull();
    const updated = await setBudget(owner, org.id, { scope: "project", scopeKey: "chatbot", limitUsd: "300", mode: "hard" });
    expect(updated).toMatchObject({ created: false, budget: { id: created.budget.id, limitUsd: "300", mode: "hard", period: "monthly", warnPercent: 80 } });
    const user = await setBudget(owner, org.id, { scope: "user", scopeKey: "ext-42", limitUsd: "5", period: "daily", warnPercent: 90 });
    expect(await db.endUser.findUnique({ where: { orgId_externalId: { orgId: org.id, externalId: "ext-42" } } })).not.toBeNull();
    expect(user.budget).toMatchObject({ scope: "user", scopeKey: "ext-42", period: "daily" });
    const audit = await db.auditLog.findMany({ where: { orgId: org.id, targetType: "budget" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["budget.create", "budget.update", "budget.create"]);
    expect(audit[1].before).toMatchObject({ limitUsd: "250.5", mode: "soft" });
  });

  it("counts the spend already made this period when a budget is created or its period changes", async () => {
    const org = await makeOrg();
    await recordTestEvent(org.id, { costUsd: "0.25", user: "alice" });
    await recordTestEvent(org.id, { costUsd: "0.5", user: "bob" });
    const { budget } = await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "1" });
    expect(budget.spentUsd).toBe("0.25");
    const org2 = (await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "10", period: "weekly" })).budget;
    expect(org2.spentUsd).toBe("0.75");
    expect((await updateBudget(SYSTEM, org2.id, { period: "daily" })).spentUsd).toBe("0.75");
  });

  it("rejects invalid budgets", async () => {
    const org = await makeOrg();
    await expect(setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "-5" })).rejects.toThrow(/non-negative decimal/);
    await expect(setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "0" })).rejects.toThrow(/greater than zero/);
    await expect(setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", warnPercent: 120 })).rejects.toThrow(/between 1 and 100/);
    await expect(setBudget(SYSTEM, org.id, { scope: "project", limitUsd: "1" })).rejects.toThrow(/needs its key/);
  });

  it("grants an extension that later checks apply, with projection figures for the modal", async () => {
    const org = await makeOrg();
    const admin = await makeMember(org.id, "admin");
    const { budget } = await setBudget(admin, org.id, { scope: "organization", limitUsd: "1", mode: "hard" });
    await recordTestEvent(org.id, { costUsd: "0.9" });
    expect((await checkBudget(org.id, { estimated_cost_usd: "0.5" })).decision).toBe("block");
    await expect(grantExtension(admin, budget.id, { amountUsd: "1", reason: "" })).rejects.toThrow(/reason/);
    await expect(grantExtension(admin, budget.id, { amountUsd: "1", reason: "x", until: new Date(Date.now() - 1000) })).rejects.toMatchObject({ code: "validation_failed" });
    const override = await grantExtension(admin, budget.id, { amountUsd: "1", reason: "quarter close" });
    expect(override).toMatchObject({ kind: "extension", amountUsd: "1", active: true, reason: "quarter close", grantedBy: expect.stringContaining("@") });
    expect(override.validUntil).toBe((await listBudgets(admin, org.id))[0].periodEnd);
    expect((await checkBudget(org.id, { estimated_cost_usd: "0.5" })).decision).toBe("warn");
    const detail = await getBudget(admin, budget.id);
    expect(detail.budget).toMatchObject({ extensionUsd: "1", spentUsd: "0.9", reservedUsd: "0.5", remainingUsd: "0.6" });
    expect(detail.budget.projectedSpendUsd).toMatch(/^\d/);
    expect(detail.overrides.map((o) => o.kind)).toEqual(["extension"]);
    expect(await listOverrides(admin, org.id)).toHaveLength(1);
    const db = await prisma();
    expect(await db.auditLog.count({ where: { orgId: org.id, action: "budget.extension.grant" } })).toBe(1);
  });

  it("keeps owners out of other organisations' budgets and overrides, and viewers read-only", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const ownerA = await makeMember(a.id, "owner");
    const viewerB = await makeMember(b.id, "viewer");
    const { budget } = await setBudget(SYSTEM, b.id, { scope: "organization", limitUsd: "1" });
    await expect(listBudgets(ownerA, b.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(getBudget(ownerA, budget.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(setBudget(ownerA, b.id, { scope: "organization", limitUsd: "100" })).rejects.toMatchObject({ code: "not_found" });
    await expect(updateBudget(ownerA, budget.id, { limitUsd: "100" })).rejects.toMatchObject({ code: "not_found" });
    await expect(setBudgetActive(ownerA, budget.id, false)).rejects.toMatchObject({ code: "not_found" });
    await expect(grantExtension(ownerA, budget.id, { amountUsd: "100", reason: "x" })).rejects.toMatchObject({ code: "not_found" });
    await expect(listOverrides(ownerA, b.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(getBudget(ownerA, "not-a-uuid")).rejects.toMatchObject({ code: "not_found" });
    expect(await listBudgets(viewerB, b.id)).toHaveLength(1);
    await expect(grantExtension(viewerB, budget.id, { amountUsd: "1", reason: "x" })).rejects.toMatchObject({ code: "not_found" });
    await expect(setBudget(viewerB, b.id, { scope: "organization", limitUsd: "100" })).rejects.toMatchObject({ code: "not_found" });
    expect((await getBudget(SYSTEM, budget.id)).budget.limitUsd).toBe("1");
  });
});

describe("budgets:set", () => {
  function captureOutput() {
    const lines: string[] = [];
    vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
    return lines;
  }

  it("creates and updates budgets of an organisation, a project and an end user", async () => {
    const org = await makeOrg();
    const out = captureOutput();
    await budgetsSet(["--org", org.slug, "--limit", "100"]);
    await budgetsSet(["--org", org.slug, "--project", "chatbot", "--limit", "20.5", "--period", "weekly", "--mode", "hard", "--warn", "90"]);
    await budgetsSet(["--org", org.slug, "--user", "ext-7", "--limit", "2", "--period", "daily"]);
    await budgetsSet(["--org", org.slug, "--limit", "150"]);
    expect(out[0]).toMatch(/^Created monthly soft budget for organisation .*: limit \$100\.00, warn at 80%\.$/);
    expect(out.some((l) => /^Updated monthly soft budget for organisation/.test(l) && l.includes("$150.00"))).toBe(true);
    const budgets = await listBudgets(SYSTEM, org.id);
    expect(budgets.map((b) => [b.scope, b.scopeKey, b.limitUsd, b.period, b.mode, b.warnPercent])).toEqual([
      ["organization", null, "150", "monthly", "soft", 80],
      ["project", "chatbot", "20.5", "weekly", "hard", 90],
      ["user", "ext-7", "2", "daily", "soft", 80],
    ]);
  });

  it("fails with one clear line on bad input", async () => {
    const org = await makeOrg();
    const cases: [string[], RegExp][] = [
      [["--limit", "1"], /missing required option --org/],
      [["--org", org.slug], /missing required option --limit/],
      [["--org", uniq("nope"), "--limit", "1"], /unknown organisation/],
      [["--org", org.slug, "--limit", "ten"], /Limit must be a non-negative decimal/],
      [["--org", org.slug, "--limit", "1", "--period", "yearly"], /Period must be monthly, weekly or daily/],
      [["--org", org.slug, "--limit", "1", "--mode", "strict"], /Mode must be soft or hard/],
      [["--org", org.slug, "--limit", "1", "--warn", "abc"], /whole percentage/],
      [["--org", org.slug, "--limit", "1", "--project", "p", "--user", "u"], /either --project or --user/],
      [["--org", org.slug, "--limit", "1", "--bogus"], /Unknown option/i],
    ];
    for (const [argv, message] of cases) {
      const err = await budgetsSet(argv).then(() => null, (e: Error) => e);
      expect(err?.constructor.name, argv.join(" ")).toBe("CliError");
      expect(err?.message).toMatch(message);
      expect(err?.message).not.toContain("\n");
    }
  });
});
