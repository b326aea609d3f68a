// Webhooks (SPEC §4, §6, §7). Each new alert becomes one message per webhook URL of its
// organisation, stored in webhook_deliveries (the durable outbox) and sent by the job worker of
// any instance (lib/server/jobs): signed per Standard Webhooks with the organisation's `whsec_`
// secret, sent through the egress module (address checked after DNS, connection pinned to it,
// no redirects, deadline). A failed attempt is retried with growing pauses for 24 hours (first
// retry after 10 s); every attempt is in the delivery log. `webhook-id` is the delivery's id, the
// same on every retry.
import { prisma } from "@/lib/db/client";
import { slackEscape, webhookHeaders } from "@/lib/webhook-signature";
import { AppError } from "./errors";
import { assertOrgRole, type Actor } from "./authz";
import { writeAudit, type RequestContext } from "./audit";
import { postOutbound } from "./egress";
import { ensureWebhookSecret } from "./webhook-secrets";

const envInt = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? "");
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const timeoutMs = () => envInt("SPENDLINE_WEBHOOK_TIMEOUT_MS", 10_000);
/** The first retry's pause; later pauses follow RETRY_SCHEDULE scaled by it (tests shorten it). */
const retryBaseMs = () => envInt("SPENDLINE_WEBHOOK_RETRY_BASE_MS", 10_000);
const maxAttempts = () => envInt("SPENDLINE_WEBHOOK_MAX_ATTEMPTS", 1_000);
export const RETRY_WINDOW_MS = 24 * 3_600_000;

// Pauses after the 1st, 2nd, … failed attempt, in units of the first one (10 s): 10 s, 1 min,
// 5 min, 30 min, 2 h, 5 h, then every 10 h until the 24 hours are over (Standard Webhooks' schedule).
const RETRY_SCHEDULE = [1, 6, 30, 180, 720, 1_800, 3_600];

/** Pause before the next attempt after `attempts` failed ones. */
export function retryDelayMs(attempts: number, baseMs = retryBaseMs()): number {
  return RETRY_SCHEDULE[Math.min(Math.max(attempts, 1), RETRY_SCHEDULE.length) - 1] * baseMs;
}

/**
 * When the next attempt happens after `attempts` failures of a message created at `createdAt`,
 * or null when the 24 hours are over. The last attempt is made at the end of the window.
 */
export function nextAttemptAt(createdAt: Date, attempts: number, now: Date = new Date(), baseMs = retryBaseMs()): Date | null {
  const end = createdAt.getTime() + RETRY_WINDOW_MS;
  if (now.getTime() >= end || attempts >= maxAttempts()) return null;
  return new Date(Math.min(now.getTime() + retryDelayMs(attempts, baseMs), end));
}

export type WebhookType = "alert.created" | "webhook.test";

/** The body of every delivery (Standard Webhooks: type, timestamp, data; `text` for Slack). */
export interface WebhookMessage {
  type: WebhookType;
  timestamp: string;
  data: Record<string, unknown>;
  text: string;
}

const SEVERITY_MARK: Record<string, string> = { low: "ℹ️", medium: "⚠️", high: "🔶", critical: "🚨" };

/** Queues the alert for every webhook URL of its organisation. Returns how many messages it queued. */
export async function enqueueAlertWebhooks(alertId: string): Promise<number> {
  const db = await prisma();
  const alert = await db.alert.findUniqueOrThrow({ where: { id: alertId }, include: { organization: { include: { alertSettings: true } } } });
  const urls = alert.organization.alertSettings?.webhookUrls ?? [];
  if (urls.length === 0) return 0;
  const org = alert.organization;
  const message: WebhookMessage = {
    type: "alert.created",
    timestamp: alert.createdAt.toISOString(),
    data: {
      organization: { id: org.id, slug: org.slug, name: org.name },
      alert: {
        id: alert.id,
        type: alert.type,
        severity: alert.severity,
        message: alert.message,
        budget_id: alert.budgetId,
        threshold_value: alert.thresholdValue?.toString() ?? null,
        actual_value: alert.actualValue?.toString() ?? null,
        created_at: alert.createdAt.toISOString(),
      },
    },
    text: `${SEVERITY_MARK[alert.severity] ?? ""} [${slackEscape(org.slug)}] ${alert.type} (${alert.severity}): ${slackEscape(alert.message)}`.trim(),
  };
  await db.webhookDelivery.createMany({ data: urls.map((url) => ({ orgId: alert.orgId, alertId, url, payload: JSON.parse(JSON.stringify(message)) })) });
  return urls.length;
}

interface ClaimedDelivery {
  id: string;
  org_id: string;
  url: string;
  payload: WebhookMessage;
  attempts: number;
  created_at: Date;
}

export interface AttemptResult {
  id: string;
  url: string;
  status: "delivered" | "pending" | "failed";
  responseStatus: number | null;
  error: string | null;
  attempts: number;
  /** True when nothing was sent because the address is not allowed. */
  refused: boolean;
}

/** The message id receivers deduplicate on: the same for every attempt of one delivery. */
export const webhookMessageId = (deliveryId: string) => `msg_${deliveryId.replace(/-/g, "")}`;

async function attempt(d: ClaimedDelivery): Promise<AttemptResult> {
  const body = JSON.stringify(d.payload);
  let result: { ok: boolean; status: number | null; error: string | null; refused: boolean };
  try {
    const { secret } = await ensureWebhookSecret(d.org_id);
    result = await postOutbound(d.url, {
      headers: { "content-type": "application/json", "user-agent": "Spendline-Webhook/2", ...webhookHeaders(secret, webhookMessageId(d.id), body) },
      body,
      timeoutMs: timeoutMs(),
    });
  } catch (err) {
    result = { ok: false, status: null, error: (err as Error).message.slice(0, 500), refused: false };
  }
  const db = await prisma();
  const base = { id: d.id, url: d.url, responseStatus: result.status, attempts: d.attempts, refused: result.refused };
  if (result.ok) {
    await db.webhookDelivery.update({ where: { id: d.id }, data: { status: "delivered", deliveredAt: new Date(), responseStatus: result.status, lastError: null } });
    return { ...base, status: "delivered", error: null };
  }
  // A test message is answered at once (alerts:test, "Send test"); only alerts are retried.
  const next = d.payload?.type === "webhook.test" ? null : nextAttemptAt(new Date(d.created_at), d.attempts);
  await db.webhookDelivery.update({
    where: { id: d.id },
    data: { status: next ? "pending" : "failed", responseStatus: result.status, lastError: result.error, ...(next ? { nextAttemptAt: next } : {}) },
  });
  return { ...base, status: next ? "pending" : "failed", error: result.error };
}

/**
 * Claims due deliveries (SKIP LOCKED, so the workers of several instances share the outbox) by
 * pushing their next attempt past the deadline, then sends them. A claim whose process dies
 * becomes due again when that lease ends.
 */
export async function deliverDueWebhooks(options: { limit?: number; ids?: string[] } = {}): Promise<AttemptResult[]> {
  const db = await prisma();
  const leaseMs = timeoutMs() + 30_000;
  const onlyIds = options.ids ?? null;
  const claimed = await db.$queryRaw<ClaimedDelivery[]>`
    WITH due AS MATERIALIZED (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= now() AND (${onlyIds}::uuid[] IS NULL OR id = ANY(${onlyIds}::uuid[]))
      ORDER BY next_attempt_at LIMIT ${options.limit ?? 50}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE webhook_deliveries d SET attempts = d.attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
    FROM due WHERE d.id = due.id
    RETURNING d.id, d.org_id, d.url, d.payload, d.attempts, d.created_at`;
  return Promise.all(claimed.map(attempt));
}

/** Sends a signed test message to every webhook URL of the organisation now and reports each answer. */
export async function sendTestWebhook(actor: Actor, orgId: string, ctx: RequestContext = {}): Promise<AttemptResult[]> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, include: { alertSettings: true } });
  const urls = org.alertSettings?.webhookUrls ?? [];
  if (urls.length === 0) throw new AppError("validation_failed", "Add a webhook URL first.", { field: "webhookUrls" });
  const by = actor.kind === "account" ? actor.email : actor.label;
  const message: WebhookMessage = {
    type: "webhook.test",
    timestamp: new Date().toISOString(),
    data: { organization: { id: org.id, slug: org.slug, name: org.name }, sent_by: by },
    text: `Spendline test message for ${slackEscape(org.slug)}, sent by ${slackEscape(by)}.`,
  };
  const rows = await db.$transaction(async (tx) => {
    const created = await Promise.all(urls.map((url) => tx.webhookDelivery.create({ data: { orgId, url, payload: JSON.parse(JSON.stringify(message)) } })));
    await writeAudit(tx, actor, { action: "webhook.test", targetType: "alert_settings", targetId: orgId, orgId, after: { urls } }, ctx);
    return created;
  });
  const results = await deliverDueWebhooks({ ids: rows.map((r) => r.id) });
  return urls.map((url) => results.find((r) => r.url === url)!).filter(Boolean);
}

export interface WebhookDeliveryRow {
  id: string;
  url: string;
  alertId: string | null;
  event: string;
  status: "pending" | "delivered" | "failed";
  attempts: number;
  responseStatus: number | null;
  lastError: string | null;
  nextAttemptAt: string | null;
  deliveredAt: string | null;
  createdAt: string;
}

/** The delivery log of an organisation, newest first (owners, admins, super admins). */
export async function listWebhookDeliveries(actor: Actor, orgId: string, options: { limit?: number } = {}): Promise<WebhookDeliveryRow[]> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const rows = await db.webhookDelivery.findMany({ where: { orgId }, orderBy: { createdAt: "desc" }, take: Math.min(options.limit ?? 100, 500) });
  return rows.map((r) => {
    const payload = r.payload as { type?: string; event?: string } | null;
    return {
      id: r.id,
      url: r.url,
      alertId: r.alertId,
      event: payload?.type ?? payload?.event ?? "alert.created",
      status: r.status,
      attempts: r.attempts,
      responseStatus: r.responseStatus,
      lastError: r.lastError,
      nextAttemptAt: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
      deliveredAt: r.deliveredAt?.toISOString() ?? null,
      createdAt: r.createdAt.toISOString(),
    };
  });
}
