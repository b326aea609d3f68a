// Alerts (SPEC §4, §7): budget_warning, budget_reached, single_call_high, daily_spike. At most
// one alert per dedupe key (type + budget + period, or type + day), so repeated events never
// flood; new alerts are queued for the organisation's webhooks (the job worker sends them).
// Alert settings per organisation; webhook URLs are checked by the egress module when saved.
import { prisma } from "@/lib/db/client";
import { dec, formatUsd, toCostStringOrNull, type Decimal } from "@/lib/money";
import { alertSettingsSchema, type AlertSettingsInput } from "@/lib/budgets/schemas";
import { AppError } from "./errors";
import { assertOrgRole, canAccessOrg, orgWhere, type Actor } from "./authz";
import { writeAudit, type RequestContext } from "./audit";
import type { BudgetCrossing } from "./budgets/spend";
import { EgressRefused, parseOutboundUrl, resolveOutbound } from "./egress";
import { wakeWorker } from "./jobs/wake";
import { ensureWebhookSecret } from "./webhook-secrets";
import { enqueueAlertWebhooks } from "./webhooks";
import { isUuid } from "@/lib/ids";

export type AlertType = "budget_warning" | "budget_reached" | "single_call_high" | "daily_spike";
export type AlertSeverity = "low" | "medium" | "high" | "critical";
export type AlertStatus = "open" | "acknowledged" | "resolved";

export interface AlertRow {
  id: string;
  orgId: string;
  orgSlug: string;
  budgetId: string | null;
  type: AlertType;
  severity: AlertSeverity;
  status: AlertStatus;
  thresholdValue: string | null;
  actualValue: string | null;
  message: string;
  resolution: string | null;
  acknowledgedAt: string | null;
  acknowledgedBy: string | null;
  resolvedAt: string | null;
  resolvedBy: string | null;
  createdAt: string;
}

interface NewAlert {
  orgId: string;
  budgetId?: string | null;
  type: AlertType;
  severity: AlertSeverity;
  dedupeKey: string;
  thresholdValue: Decimal | null;
  actualValue: Decimal | null;
  message: string;
}

// Keys this process has already stored: the insert would be a no-op, so it is skipped.
const raisedKeys = new Set<string>();
const RAISED_KEYS_MAX = 10_000;

/** Stores the alert unless one with its key exists; a new alert goes to the webhooks. Returns its id when new. */
export async function raiseAlert(alert: NewAlert): Promise<string | null> {
  const memo = `${alert.orgId}/${alert.dedupeKey}`;
  if (raisedKeys.has(memo)) return null;
  const db = await prisma();
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO alerts (org_id, budget_id, type, severity, dedupe_key, threshold_value, actual_value, message)
    VALUES (${alert.orgId}::uuid, ${alert.budgetId ?? null}::uuid, ${alert.type}::"AlertType", ${alert.severity}::"AlertSeverity", ${alert.dedupeKey},
            ${alert.thresholdValue?.toFixed() ?? null}::numeric, ${alert.actualValue?.toFixed() ?? null}::numeric, ${alert.message})
    ON CONFLICT (org_id, dedupe_key) DO NOTHING
    RETURNING id`;
  if (raisedKeys.size >= RAISED_KEYS_MAX) raisedKeys.clear();
  raisedKeys.add(memo);
  const id = rows[0]?.id ?? null;
  if (id && (await enqueueAlertWebhooks(id)) > 0) wakeWorker();
  return id;
}

function scopeLabel(c: Pick<BudgetCrossing, "scope" | "scopeKey">): string {
  return c.scope === "organization" ? "Organisation budget" : c.scope === "project" ? `Budget of project ${c.scopeKey}` : `Budget of user ${c.scopeKey}`;
}

export async function raiseBudgetAlerts(orgId: string, c: BudgetCrossing): Promise<void> {
  const period = c.periodStart.toISOString().slice(0, 10);
  const threshold = c.limitUsd.times(c.warnPercent).dividedBy(100);
  await raiseAlert({
    orgId,
    budgetId: c.budgetId,
    type: "budget_warning",
    severity: "medium",
    dedupeKey: `budget_warning:${c.budgetId}:${period}`,
    thresholdValue: threshold,
    actualValue: c.spentUsd,
    message: `${scopeLabel(c)} reached ${c.warnPercent}% of its limit: ${formatUsd(c.spentUsd)} of ${formatUsd(c.limitUsd)} spent in the period from ${period}.`,
  });
  if (c.reached) {
    await raiseAlert({
      orgId,
      budgetId: c.budgetId,
      type: "budget_reached",
      severity: c.mode === "hard" ? "critical" : "high",
      dedupeKey: `budget_reached:${c.budgetId}:${period}`,
      thresholdValue: c.limitUsd,
      actualValue: c.spentUsd,
      message: `${scopeLabel(c)} reached its ${c.mode} limit: ${formatUsd(c.spentUsd)} of ${formatUsd(c.limitUsd)} spent in the period from ${period}.`,
    });
  }
}

export interface AlertSettingsView {
  orgId: string;
  singleCallThresholdUsd: string | null;
  spikeFactor: string;
  /** Empty for viewers: webhook URLs often carry credentials (Slack, Teams). */
  webhookUrls: string[];
  /** The new signing secret, only in the answer to the save that created it (shown once). */
  signingSecret?: string;
}

const SETTINGS_CACHE_MS = 10_000;
const settingsCache = new Map<string, { value: AlertSettingsView; until: number }>();

async function loadSettings(orgId: string): Promise<AlertSettingsView> {
  const hit = settingsCache.get(orgId);
  if (hit && hit.until > Date.now()) return hit.value;
  const db = await prisma();
  const row = await db.alertSettings.findUnique({ where: { orgId } });
  const value: AlertSettingsView = {
    orgId,
    singleCallThresholdUsd: toCostStringOrNull(row?.singleCallThresholdUsd),
    spikeFactor: dec(row?.spikeFactor ?? 3).toFixed(),
    webhookUrls: row?.webhookUrls ?? [],
  };
  settingsCache.set(orgId, { value, until: Date.now() + SETTINGS_CACHE_MS });
  return value;
}

const utcDay = (d: Date) => d.toISOString().slice(0, 10);

/** The organisation's single-call threshold (cached briefly), or null when none is set. */
export async function singleCallThreshold(orgId: string): Promise<Decimal | null> {
  const settings = await loadSettings(orgId);
  return settings.singleCallThresholdUsd === null ? null : dec(settings.singleCallThresholdUsd);
}

/** single_call_high: a call above the organisation's threshold; at most one alert a day. */
export async function evaluateSingleCall(orgId: string, event: { eventId: string; costUsd: Decimal | null; occurredAt: Date }): Promise<string | null> {
  if (!event.costUsd) return null;
  const settings = await loadSettings(orgId);
  if (settings.singleCallThresholdUsd === null) return null;
  const threshold = dec(settings.singleCallThresholdUsd);
  if (!event.costUsd.greaterThan(threshold)) return null;
  const day = utcDay(event.occurredAt);
  return raiseAlert({
    orgId,
    type: "single_call_high",
    severity: event.costUsd.greaterThanOrEqualTo(threshold.times(5)) ? "high" : "medium",
    dedupeKey: `single_call_high:${day}`,
    thresholdValue: threshold,
    actualValue: event.costUsd,
    message: `A single call cost ${formatUsd(event.costUsd)}, above the ${formatUsd(threshold)} threshold (event ${event.eventId}, ${day}).`,
  });
}

/**
 * daily_spike: today's spend above spikeFactor × the trailing 7-day daily average (days
 * without spend count as zero), from the daily roll-ups; at most one alert a day.
 */
export async function evaluateDailySpike(orgId: string, now = new Date()): Promise<string | null> {
  const settings = await loadSettings(orgId);
  const today = new Date(`${utcDay(now)}T00:00:00Z`);
  const weekAgo = new Date(today.getTime() - 7 * 86_400_000);
  const db = await prisma();
  const [row] = await db.$queryRaw<{ today: string | null; trailing: string | null }[]>`
    SELECT sum(cost_usd) FILTER (WHERE day = ${utcDay(today)}::date)::text AS today,
           sum(cost_usd) FILTER (WHERE day < ${utcDay(today)}::date)::text AS trailing
    FROM daily_rollups WHERE org_id = ${orgId}::uuid AND day >= ${utcDay(weekAgo)}::date AND day <= ${utcDay(today)}::date`;
  const todaySpend = dec(row?.today ?? 0);
  const average = dec(row?.trailing ?? 0).dividedBy(7);
  const factor = dec(settings.spikeFactor);
  const threshold = average.times(factor);
  if (average.isZero() || !todaySpend.greaterThan(threshold)) return null;
  return raiseAlert({
    orgId,
    type: "daily_spike",
    severity: todaySpend.greaterThan(threshold.times(2)) ? "high" : "medium",
    dedupeKey: `daily_spike:${utcDay(today)}`,
    thresholdValue: threshold,
    actualValue: todaySpend,
    message: `Spend today (${formatUsd(todaySpend)}) is above ${factor.toFixed()}× the 7-day daily average (${formatUsd(average)}).`,
  });
}

type AlertRecord = Awaited<ReturnType<Awaited<ReturnType<typeof prisma>>["alert"]["findFirstOrThrow"]>>;

function toRow(a: AlertRecord & { organization: { slug: string } }): AlertRow {
  return {
    id: a.id,
    orgId: a.orgId,
    orgSlug: a.organization.slug,
    budgetId: a.budgetId,
    type: a.type,
    severity: a.severity,
    status: a.status,
    thresholdValue: toCostStringOrNull(a.thresholdValue),
    actualValue: toCostStringOrNull(a.actualValue),
    message: a.message,
    resolution: a.resolution,
    acknowledgedAt: a.acknowledgedAt?.toISOString() ?? null,
    acknowledgedBy: a.acknowledgedBy,
    resolvedAt: a.resolvedAt?.toISOString() ?? null,
    resolvedBy: a.resolvedBy,
    createdAt: a.createdAt.toISOString(),
  };
}

/** Alerts the actor may read: one organisation's, or (super admins) every one's. Newest first. */
export async function listAlerts(actor: Actor, filter: { orgId?: string; status?: AlertStatus | "unresolved"; type?: AlertType; severity?: AlertSeverity; limit?: number } = {}): Promise<AlertRow[]> {
  if (filter.orgId) assertOrgRole(actor, filter.orgId, "viewer");
  const db = await prisma();
  const rows = await db.alert.findMany({
    where: {
      ...(filter.orgId ? { orgId: filter.orgId } : orgWhere(actor)),
      ...(filter.status === "unresolved" ? { status: { in: ["open", "acknowledged"] } } : filter.status ? { status: filter.status } : {}),
      ...(filter.type ? { type: filter.type } : {}),
      ...(filter.severity ? { severity: filter.severity } : {}),
    },
    include: { organization: { select: { slug: true } } },
    orderBy: { createdAt: "desc" },
    take: Math.min(filter.limit ?? 200, 1000),
  });
  return rows.map(toRow);
}

async function loadAlert(actor: Actor, alertId: string) {
  const db = await prisma();
  const alert = isUuid(alertId) ? await db.alert.findUnique({ where: { id: alertId } }) : null;
  if (!alert || !canAccessOrg(actor, alert.orgId, "admin")) throw new AppError("not_found", "Alert not found.");
  return alert;
}

const who = (actor: Actor) => (actor.kind === "account" ? actor.email : actor.label);

export async function acknowledgeAlert(actor: Actor, alertId: string, ctx: RequestContext = {}): Promise<AlertRow> {
  const alert = await loadAlert(actor, alertId);
  const db = await prisma();
  return db.$transaction(async (tx) => {
    const row = alert.status === "open" ? await tx.alert.update({ where: { id: alertId }, data: { status: "acknowledged", acknowledgedAt: new Date(), acknowledgedBy: who(actor) }, include: { organization: { select: { slug: true } } } }) : await tx.alert.findUniqueOrThrow({ where: { id: alertId }, include: { organization: { select: { slug: true } } } });
    if (alert.status === "open") await writeAudit(tx, actor, { action: "alert.acknowledge", targetType: "alert", targetId: alertId, orgId: alert.orgId, before: { status: alert.status }, after: { status: "acknowledged" } }, ctx);
    return toRow(row);
  });
}

export async function resolveAlert(actor: Actor, alertId: string, resolution: string, ctx: RequestContext = {}): Promise<AlertRow> {
  const text = resolution.trim();
  if (!text) throw new AppError("validation_failed", "Say how the alert was resolved.", { field: "resolution" });
  if (text.length > 1000) throw new AppError("validation_failed", "The resolution must be at most 1000 characters.", { field: "resolution" });
  const alert = await loadAlert(actor, alertId);
  if (alert.status === "resolved") throw new AppError("conflict", "The alert is already resolved.");
  const db = await prisma();
  return db.$transaction(async (tx) => {
    const row = await tx.alert.update({ where: { id: alertId }, data: { status: "resolved", resolution: text, resolvedAt: new Date(), resolvedBy: who(actor) }, include: { organization: { select: { slug: true } } } });
    await writeAudit(tx, actor, { action: "alert.resolve", targetType: "alert", targetId: alertId, orgId: alert.orgId, before: { status: alert.status }, after: { status: "resolved", resolution: text } }, ctx);
    return toRow(row);
  });
}

/** Alert settings; viewers see thresholds but never the webhook URLs. */
export async function getAlertSettings(actor: Actor, orgId: string): Promise<AlertSettingsView> {
  assertOrgRole(actor, orgId, "viewer");
  settingsCache.delete(orgId);
  const settings = await loadSettings(orgId);
  return canAccessOrg(actor, orgId, "admin") ? settings : { ...settings, webhookUrls: [] };
}

/**
 * Why a webhook URL may not be saved, or null (SPEC §6): not http(s), credentials, or an address
 * that is not public — literally or after DNS. A name that does not resolve now is accepted; it
 * is checked again at every send.
 */
export async function webhookUrlRefusal(url: string): Promise<string | null> {
  try {
    parseOutboundUrl(url);
    await resolveOutbound(url, { timeoutMs: 3_000 });
    return null;
  } catch (err) {
    if (!(err instanceof EgressRefused)) throw err;
    return /does not resolve|did not resolve/.test(err.message) ? null : err.message;
  }
}

export async function updateAlertSettings(actor: Actor, orgId: string, input: AlertSettingsInput, ctx: RequestContext = {}): Promise<AlertSettingsView> {
  assertOrgRole(actor, orgId, "admin");
  const data = alertSettingsSchema.parse(input);
  for (const [i, url] of (data.webhookUrls ?? []).entries()) {
    const refusal = await webhookUrlRefusal(url);
    if (refusal) throw new AppError("validation_failed", `Webhook URL refused: ${refusal}`, { field: "webhookUrls", index: i });
  }
  const db = await prisma();
  await db.$transaction(async (tx) => {
    const before = await tx.alertSettings.findUnique({ where: { orgId } });
    const patch = {
      ...(data.singleCallThresholdUsd !== undefined ? { singleCallThresholdUsd: data.singleCallThresholdUsd } : {}),
      ...(data.spikeFactor !== undefined ? { spikeFactor: String(data.spikeFactor) } : {}),
      ...(data.webhookUrls !== undefined ? { webhookUrls: [...new Set(data.webhookUrls)] } : {}),
    };
    const after = await tx.alertSettings.upsert({ where: { orgId }, create: { orgId, ...patch }, update: patch });
    await writeAudit(tx, actor, {
      action: "alert_settings.update",
      targetType: "alert_settings",
      targetId: orgId,
      orgId,
      before: before && { singleCallThresholdUsd: before.singleCallThresholdUsd?.toString() ?? null, spikeFactor: before.spikeFactor.toString(), webhookUrls: before.webhookUrls },
      after: { singleCallThresholdUsd: after.singleCallThresholdUsd?.toString() ?? null, spikeFactor: after.spikeFactor.toString(), webhookUrls: after.webhookUrls },
    }, ctx);
  });
  settingsCache.delete(orgId);
  const settings = await loadSettings(orgId);
  // The first webhook gets the organisation its signing secret, shown once in this answer.
  if (settings.webhookUrls.length > 0) {
    const { secret, created } = await ensureWebhookSecret(orgId);
    if (created) return { ...settings, signingSecret: secret };
  }
  return settings;
}

/** Open alerts of an organisation, for overview cards. */
export async function countOpenAlerts(actor: Actor, orgId: string): Promise<number> {
  assertOrgRole(actor, orgId, "viewer");
  const db = await prisma();
  return db.alert.count({ where: { orgId, status: { in: ["open", "acknowledged"] } } });
}

