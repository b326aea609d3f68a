// Budgets for the console, the CLI and GET /api/v1/budgets: create or update a scope's budget,
// list them with their current period, detail with history and overrides, (de)activate,
// grant extensions. Owners and admins change; viewers read.
import type { Budget } from "@/lib/generated/prisma/client";
import { prisma } from "@/lib/db/client";
import { dec, toCostString, type Decimal } from "@/lib/money";
import { periodContaining, type BudgetPeriodKind, type PeriodRange } from "@/lib/budgets/periods";
import { projectPeriod } from "@/lib/budgets/projection";
import { budgetInputSchema, budgetUpdateSchema, extensionInputSchema, type BudgetInput, type BudgetUpdate, type ExtensionInput } from "@/lib/budgets/schemas";
import { AppError } from "../errors";
import { assertOrgRole, canAccessOrg, orgWhere, type Actor } from "../authz";
import { writeAudit, type RequestContext } from "../audit";
import { ensureEndUser, ensureProject } from "../projects";
import { autoResolveBudgetAlerts } from "../alerts-auto-resolve";
import { activeExtensions, counterKey, lockPeriodCounters, rawSpend, toScopedBudget, withRetry, type Tx } from "./store";
import { isUuid } from "@/lib/ids";

export interface BudgetSummary {
  id: string;
  orgId: string;
  scope: "organization" | "project" | "user";
  /** null for the organisation, else the project key or the end user's external id. */
  scopeKey: string | null;
  period: BudgetPeriodKind;
  mode: "soft" | "hard";
  active: boolean;
  warnPercent: number;
  limitUsd: string;
  extensionUsd: string;
  spentUsd: string;
  reservedUsd: string;
  /** What is left under limit + extensions after spend and reservations (never negative). */
  remainingUsd: string;
  periodStart: string;
  periodEnd: string;
  projectedSpendUsd: string;
  /** When the limit is reached at the current burn rate (now if already); null if not this period. */
  limitReachedAt: string | null;
  createdAt: string;
  updatedAt: string;
}

type BudgetRecord = Budget;

function summarise(b: BudgetRecord, figures: { range: PeriodRange; spent: Decimal; reserved: Decimal; extension: Decimal }, now: Date): BudgetSummary {
  const limit = dec(b.limitUsd);
  const cap = limit.plus(figures.extension);
  const remaining = cap.minus(figures.spent).minus(figures.reserved);
  const projection = projectPeriod({ spent: figures.spent, limit: cap, period: figures.range, now });
  return {
    id: b.id,
    orgId: b.orgId,
    scope: b.scope,
    scopeKey: b.scope === "organization" ? null : b.scopeKey,
    period: b.period,
    mode: b.mode,
    active: b.active,
    warnPercent: b.warnPercent,
    limitUsd: toCostString(limit),
    extensionUsd: toCostString(figures.extension),
    spentUsd: toCostString(figures.spent),
    reservedUsd: toCostString(figures.reserved),
    remainingUsd: toCostString(remaining.isNegative() ? 0 : remaining),
    periodStart: figures.range.start.toISOString(),
    periodEnd: figures.range.end.toISOString(),
    projectedSpendUsd: toCostString(projection.projectedSpend),
    limitReachedAt: projection.limitReachedAt?.toISOString() ?? null,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

/** Current-period figures of budgets, counting expired-but-unreleased reservations as released. */
async function currentFigures(db: Tx, budgets: BudgetRecord[], now: Date) {
  const ranges = new Map(budgets.map((b) => [b.id, periodContaining(b.period, now)]));
  const counters = budgets.length
    ? await db.budgetPeriodSpend.findMany({ where: { OR: budgets.map((b) => ({ budgetId: b.id, periodStart: ranges.get(b.id)!.start })) } })
    : [];
  const byKey = new Map(counters.map((c) => [counterKey(c.budgetId, c.periodStart), c]));
  const counterIds = counters.map((c) => c.id);
  const expired = counterIds.length
    ? await db.$queryRaw<{ period_id: string; amount: string }[]>`
        SELECT rb.budget_period_id AS period_id, sum(r.amount_usd)::text AS amount
        FROM reservation_budgets rb JOIN reservations r ON r.id = rb.reservation_id
        WHERE rb.budget_period_id = ANY(${counterIds}::uuid[]) AND r.expires_at <= ${now.toISOString()}::timestamptz
        GROUP BY rb.budget_period_id`
    : [];
  const expiredById = new Map(expired.map((e) => [e.period_id, dec(e.amount)]));
  const extensions = await activeExtensions(db, budgets.map((b) => b.id), now);
  return new Map(
    budgets.map((b) => {
      const range = ranges.get(b.id)!;
      const c = byKey.get(counterKey(b.id, range.start));
      const reserved = c ? dec(c.reservedUsd).minus(expiredById.get(c.id) ?? 0) : dec(0);
      return [b.id, { range, spent: dec(c?.spentUsd), reserved, extension: extensions.get(b.id) ?? dec(0) }];
    }),
  );
}

/** Current-period summaries of budgets by id (no access check: for the data layer's own jobs). */
export async function budgetSummariesById(ids: string[], now = new Date()): Promise<Map<string, BudgetSummary>> {
  if (ids.length === 0) return new Map();
  const db = await prisma();
  const budgets = await db.budget.findMany({ where: { id: { in: ids } } });
  const figures = await currentFigures(db, budgets, now);
  return new Map(budgets.map((b) => [b.id, summarise(b, figures.get(b.id)!, now)]));
}

async function loadBudget(actor: Actor, budgetId: string, min: "viewer" | "admin") {
  const db = await prisma();
  const budget = isUuid(budgetId) ? await db.budget.findUnique({ where: { id: budgetId } }) : null;
  if (!budget || !canAccessOrg(actor, budget.orgId, min)) throw new AppError("not_found", "Budget not found.");
  return budget;
}

async function summaryOf(budgetId: string, now = new Date()): Promise<BudgetSummary> {
  const db = await prisma();
  const b = await db.budget.findUniqueOrThrow({ where: { id: budgetId } });
  return summarise(b, (await currentFigures(db, [b], now)).get(b.id)!, now);
}

/**
 * Makes the current period's counter equal to the raw events it covers. Run after a budget
 * starts counting (created, reactivated, period changed) so that spend already made this
 * period counts; later events add to the counter under its lock.
 */
async function recountCurrentPeriod(budgetId: string, now = new Date()): Promise<void> {
  const db = await prisma();
  await withRetry(() =>
    db.$transaction(async (tx) => {
      const budget = toScopedBudget(await tx.budget.findUniqueOrThrow({ where: { id: budgetId } }));
      const range = periodContaining(budget.period, now);
      const counters = await lockPeriodCounters(tx, [{ budgetId, range }]);
      const counter = counters.get(counterKey(budgetId, range.start))!;
      const spent = await rawSpend(tx, budget, range);
      if (!spent.equals(counter.spent)) {
        await tx.budgetPeriodSpend.update({ where: { id: counter.id }, data: { spentUsd: spent.toFixed() } });
      }
    }),
  );
}

/**
 * Before a budget's period kind changes: its counters move to the archive with the period kind and
 * the limit in force, so its history survives (the live counters then start afresh for the new kind).
 */
async function archiveCounters(tx: Tx, budget: BudgetRecord, limitAt: (end: Date) => string = () => budget.limitUsd.toString()): Promise<void> {
  const counters = await tx.budgetPeriodSpend.findMany({ where: { budgetId: budget.id } });
  if (counters.length === 0) return;
  await tx.budgetPeriodArchive.createMany({
    data: counters.map((c) => ({ budgetId: budget.id, period: budget.period, periodStart: c.periodStart, periodEnd: c.periodEnd, spentUsd: c.spentUsd, limitUsd: limitAt(c.periodEnd) })),
  });
  await tx.budgetPeriodSpend.deleteMany({ where: { budgetId: budget.id } });
}

/** Limit changes of a budget from its audit trail: the limit in force at an instant. */
async function limitTimeline(tx: Tx, budget: BudgetRecord): Promise<(at: Date) => string> {
  const changes = await tx.auditLog.findMany({
    where: { targetType: "budget", targetId: budget.id, action: { in: ["budget.create", "budget.update"] } },
    orderBy: { id: "asc" },
    select: { createdAt: true, before: true, after: true },
  });
  const limitOf = (v: unknown) => (v && typeof v === "object" && "limitUsd" in v ? String((v as { limitUsd: unknown }).limitUsd) : null);
  const steps = changes.map((c) => ({ at: c.createdAt, before: limitOf(c.before), after: limitOf(c.after) }));
  const current = budget.limitUsd.toString();
  return (at: Date) => {
    let limit: string | null = null;
    for (const s of steps) if (s.at <= at && s.after !== null) limit = s.after;
    if (limit !== null) return dec(limit).toFixed();
    // Before the first recorded change: what that change replaced, else the current limit.
    const first = steps.find((s) => s.before !== null);
    return dec(first?.before ?? current).toFixed();
  };
}

function auditView(b: BudgetRecord) {
  return { scope: b.scope, scopeKey: b.scopeKey, period: b.period, limitUsd: b.limitUsd.toString(), mode: b.mode, warnPercent: b.warnPercent, active: b.active };
}

/** Creates or updates the budget of one scope (SPEC §3 budgets:set). Options left out keep their value. */
export async function setBudget(actor: Actor, orgId: string, input: BudgetInput, ctx: RequestContext = {}): Promise<{ created: boolean; budget: BudgetSummary }> {
  assertOrgRole(actor, orgId, "admin");
  const data = budgetInputSchema.parse(input);
  const scopeKey = data.scopeKey ?? "";
  const db = await prisma();
  const { created, recount, id } = await withRetry(() =>
    db.$transaction(async (tx) => {
      const project = data.scope === "project" ? await ensureProject(tx, orgId, scopeKey) : null;
      const endUser = data.scope === "user" ? await ensureEndUser(tx, orgId, scopeKey) : null;
      const existing = await tx.budget.findUnique({ where: { orgId_scope_scopeKey: { orgId, scope: data.scope, scopeKey } } });
      if (!existing) {
        const row = await tx.budget.create({
          data: {
            orgId,
            scope: data.scope,
            scopeKey,
            projectId: project?.id ?? null,
            endUserId: endUser?.id ?? null,
            limitUsd: data.limitUsd,
            period: data.period ?? "monthly",
            mode: data.mode ?? "soft",
            warnPercent: data.warnPercent ?? 80,
          },
        });
        await writeAudit(tx, actor, { action: "budget.create", targetType: "budget", targetId: row.id, orgId, after: auditView(row) }, ctx);
        return { created: true, recount: true, id: row.id };
      }
      const periodChanged = data.period !== undefined && data.period !== existing.period;
      if (periodChanged) await archiveCounters(tx, existing, await limitTimeline(tx, existing));
      const row = await tx.budget.update({
        where: { id: existing.id },
        data: {
          limitUsd: data.limitUsd,
          ...(data.period ? { period: data.period } : {}),
          ...(data.mode ? { mode: data.mode } : {}),
          ...(data.warnPercent !== undefined ? { warnPercent: data.warnPercent } : {}),
        },
      });
      await writeAudit(tx, actor, { action: "budget.update", targetType: "budget", targetId: row.id, orgId, before: auditView(existing), after: auditView(row) }, ctx);
      return { created: false, recount: periodChanged && row.active, id: row.id };
    }),
  );
  if (recount) await recountCurrentPeriod(id);
  if (!created) await autoResolveBudgetAlerts([orgId], { budgetIds: [id] });
  return { created, budget: await summaryOf(id) };
}

/** Edits a budget by id (console). */
export async function updateBudget(actor: Actor, budgetId: string, patch: BudgetUpdate, ctx: RequestContext = {}): Promise<BudgetSummary> {
  const existing = await loadBudget(actor, budgetId, "admin");
  const data = budgetUpdateSchema.parse(patch);
  const db = await prisma();
  const periodChanged = data.period !== undefined && data.period !== existing.period;
  await db.$transaction(async (tx) => {
    if (periodChanged) await archiveCounters(tx, existing, await limitTimeline(tx, existing));
    const row = await tx.budget.update({
      where: { id: budgetId },
      data: {
        ...(data.limitUsd ? { limitUsd: data.limitUsd } : {}),
        ...(data.period ? { period: data.period } : {}),
        ...(data.mode ? { mode: data.mode } : {}),
        ...(data.warnPercent !== undefined ? { warnPercent: data.warnPercent } : {}),
      },
    });
    await writeAudit(tx, actor, { action: "budget.update", targetType: "budget", targetId: budgetId, orgId: existing.orgId, before: auditView(existing), after: auditView(row) }, ctx);
  });
  if (periodChanged && existing.active) await recountCurrentPeriod(budgetId);
  await autoResolveBudgetAlerts([existing.orgId], { budgetIds: [budgetId] });
  return summaryOf(budgetId);
}

/**
 * Deletes a budget with its counters, history, overrides and alerts (owners and admins). `confirm`
 * must be the word "delete" — the typed confirmation of the console. Audited with what it was.
 */
export async function deleteBudget(actor: Actor, budgetId: string, confirm: string, ctx: RequestContext = {}): Promise<void> {
  const existing = await loadBudget(actor, budgetId, "admin");
  if (confirm.trim().toLowerCase() !== "delete") throw new AppError("validation_failed", 'Type "delete" to confirm.', { field: "confirm" });
  const db = await prisma();
  await db.$transaction(async (tx) => {
    await tx.budget.delete({ where: { id: budgetId } });
    await writeAudit(tx, actor, { action: "budget.delete", targetType: "budget", targetId: budgetId, orgId: existing.orgId, before: auditView(existing) }, ctx);
  });
}

/** Deactivates (stops counting and enforcing) or reactivates a budget. */
export async function setBudgetActive(actor: Actor, budgetId: string, active: boolean, ctx: RequestContext = {}): Promise<BudgetSummary> {
  const existing = await loadBudget(actor, budgetId, "admin");
  if (existing.active !== active) {
    const db = await prisma();
    await db.$transaction(async (tx) => {
      await tx.budget.update({ where: { id: budgetId }, data: { active } });
      await writeAudit(tx, actor, { action: active ? "budget.activate" : "budget.deactivate", targetType: "budget", targetId: budgetId, orgId: existing.orgId, before: { active: existing.active }, after: { active } }, ctx);
    });
    // Events while inactive were not counted; the counter catches up from the raw events.
    if (active) await recountCurrentPeriod(budgetId);
  }
  return summaryOf(budgetId);
}

/** The organisation's budgets with their current period (console list and GET /api/v1/budgets). */
export async function listBudgets(actor: Actor, orgId: string, options: { activeOnly?: boolean; now?: Date } = {}): Promise<BudgetSummary[]> {
  assertOrgRole(actor, orgId, "viewer");
  const now = options.now ?? new Date();
  const db = await prisma();
  const budgets = await db.budget.findMany({ where: { orgId, ...(options.activeOnly ? { active: true } : {}) }, orderBy: [{ scope: "asc" }, { scopeKey: "asc" }] });
  const figures = await currentFigures(db, budgets, now);
  return budgets.map((b) => summarise(b, figures.get(b.id)!, now));
}

/**
 * Each day's spend of a budget's scope in its current period, from the daily roll-ups (the
 * budget's chart). Daily budgets have a one-day period: null.
 */
export async function getBudgetDailySpend(actor: Actor, budgetId: string, now = new Date()): Promise<{ day: string; cost: string }[] | null> {
  const budget = await loadBudget(actor, budgetId, "viewer");
  if (budget.period === "daily") return null;
  const range = periodContaining(budget.period, now);
  const column = budget.scope === "project" ? "project_key" : budget.scope === "user" ? "user_external_id" : null;
  const db = await prisma();
  const rows = await db.$queryRawUnsafe<{ day: string; cost: string }[]>(
    `SELECT to_char(day, 'YYYY-MM-DD') AS day, sum(cost_usd)::text AS cost FROM daily_rollups
     WHERE org_id = $1::uuid AND day >= $2::date AND day <= $3::date${column ? ` AND ${column} = $4` : ""}
     GROUP BY day ORDER BY day`,
    budget.orgId,
    range.start.toISOString().slice(0, 10),
    now.toISOString().slice(0, 10),
    ...(column ? [budget.scopeKey] : []),
  );
  return rows;
}

export interface BudgetWithOrg extends BudgetSummary {
  orgSlug: string;
  orgName: string;
}

/**
 * Budgets of one organisation, or (orgId null) of every organisation the actor may read — super
 * admins see them all — each named with its organisation, ordered by organisation then scope.
 */
export async function listBudgetsInScope(actor: Actor, orgId: string | null, options: { now?: Date } = {}): Promise<BudgetWithOrg[]> {
  if (orgId) assertOrgRole(actor, orgId, "viewer");
  const now = options.now ?? new Date();
  const db = await prisma();
  const budgets = await db.budget.findMany({
    where: orgId ? { orgId } : orgWhere(actor, "viewer"),
    include: { organization: { select: { slug: true, name: true } } },
    orderBy: [{ organization: { name: "asc" } }, { scope: "asc" }, { scopeKey: "asc" }],
  });
  const figures = await currentFigures(db, budgets, now);
  return budgets.map((b) => ({ ...summarise(b, figures.get(b.id)!, now), orgSlug: b.organization.slug, orgName: b.organization.name }));
}

export interface BudgetPeriodHistory {
  periodStart: string;
  periodEnd: string;
  spentUsd: string;
  /** The period kind of that period (a budget's kind may have changed since). */
  period: BudgetPeriodKind;
  /** The limit in force at the end of that period (or now, for the current one). */
  limitUsd: string;
  /** From the archive: a period of the kind the budget had before it was changed. */
  archived: boolean;
}

export interface BudgetOverrideRow {
  id: string;
  kind: "extension" | "confirmation";
  amountUsd: string | null;
  validUntil: string | null;
  active: boolean;
  reason: string;
  grantedBy: string | null;
  eventId: string | null;
  createdAt: string;
}

export interface BudgetDetail {
  budget: BudgetSummary;
  history: BudgetPeriodHistory[];
  overrides: BudgetOverrideRow[];
}

/** One budget with its period history (newest first) and its overrides. */
export async function getBudget(actor: Actor, budgetId: string, options: { historyPeriods?: number; now?: Date } = {}): Promise<BudgetDetail> {
  const budget = await loadBudget(actor, budgetId, "viewer");
  const now = options.now ?? new Date();
  const db = await prisma();
  const take = options.historyPeriods ?? 12;
  const [figures, periods, archived, limitAt, overrides] = await Promise.all([
    currentFigures(db, [budget], now),
    db.budgetPeriodSpend.findMany({ where: { budgetId, periodStart: { lte: now } }, orderBy: { periodStart: "desc" }, take }),
    db.budgetPeriodArchive.findMany({ where: { budgetId }, orderBy: { periodStart: "desc" }, take }),
    limitTimeline(db, budget),
    db.budgetOverride.findMany({ where: { budgetId }, include: { account: { select: { email: true } } }, orderBy: { createdAt: "desc" }, take: 200 }),
  ]);
  const history: BudgetPeriodHistory[] = [
    ...periods.map((p) => ({
      periodStart: p.periodStart.toISOString(),
      periodEnd: p.periodEnd.toISOString(),
      spentUsd: toCostString(p.spentUsd),
      period: budget.period,
      limitUsd: limitAt(p.periodEnd < now ? p.periodEnd : now),
      archived: false,
    })),
    ...archived.map((p) => ({ periodStart: p.periodStart.toISOString(), periodEnd: p.periodEnd.toISOString(), spentUsd: toCostString(p.spentUsd), period: p.period, limitUsd: dec(p.limitUsd).toFixed(), archived: true })),
  ]
    .sort((a, b) => (a.periodStart === b.periodStart ? Number(a.archived) - Number(b.archived) : a.periodStart < b.periodStart ? 1 : -1))
    .slice(0, take);
  return {
    budget: summarise(budget, figures.get(budget.id)!, now),
    history,
    overrides: overrides.map(overrideRow(now)),
  };
}

const overrideRow = (now: Date) => (o: { id: string; kind: "extension" | "confirmation"; amountUsd: { toString(): string } | null; validUntil: Date | null; reason: string; grantedBy: string | null; eventId: string | null; createdAt: Date; account: { email: string } | null }): BudgetOverrideRow => ({
  id: o.id,
  kind: o.kind,
  amountUsd: o.amountUsd === null ? null : toCostString(o.amountUsd),
  validUntil: o.validUntil?.toISOString() ?? null,
  active: o.kind === "extension" && (o.validUntil === null || o.validUntil > now),
  reason: o.reason,
  grantedBy: o.account?.email ?? o.grantedBy,
  eventId: o.eventId,
  createdAt: o.createdAt.toISOString(),
});

/**
 * Grants an extension: `amount` more may be spent until `until` (default: the end of the
 * current period). Later checks and events count it; audited.
 */
export async function grantExtension(actor: Actor, budgetId: string, input: ExtensionInput, ctx: RequestContext = {}): Promise<BudgetOverrideRow> {
  const budget = await loadBudget(actor, budgetId, "admin");
  const data = extensionInputSchema.parse(input);
  const now = new Date();
  const until = data.until ?? periodContaining(budget.period, now).end;
  if (until <= now) throw new AppError("validation_failed", "The extension must end in the future.", { field: "until" });
  const db = await prisma();
  const row = await db.$transaction(async (tx) => {
    const row = await tx.budgetOverride.create({
      data: {
        orgId: budget.orgId,
        budgetId,
        kind: "extension",
        amountUsd: data.amountUsd,
        validUntil: until,
        reason: data.reason,
        grantedById: actor.kind === "account" ? actor.id : null,
        grantedBy: actor.kind === "account" ? actor.email : actor.label,
      },
      include: { account: { select: { email: true } } },
    });
    await writeAudit(tx, actor, { action: "budget.extension.grant", targetType: "budget", targetId: budgetId, orgId: budget.orgId, after: { overrideId: row.id, amountUsd: data.amountUsd, validUntil: until, reason: data.reason } }, ctx);
    return row;
  });
  await autoResolveBudgetAlerts([budget.orgId], { budgetIds: [budgetId] });
  return overrideRow(now)(row);
}

/** Overrides of the organisation (extensions and confirmed calls), newest first. */
export async function listOverrides(actor: Actor, orgId: string, options: { limit?: number } = {}): Promise<(BudgetOverrideRow & { budgetId: string | null })[]> {
  assertOrgRole(actor, orgId, "viewer");
  const now = new Date();
  const db = await prisma();
  const rows = await db.budgetOverride.findMany({ where: { orgId }, include: { account: { select: { email: true } } }, orderBy: { createdAt: "desc" }, take: options.limit ?? 100 });
  return rows.map((r) => ({ ...overrideRow(now)(r), budgetId: r.budgetId }));
}


