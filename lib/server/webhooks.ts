// Webhooks (SPEC §4, §7): each new alert is queued in webhook_deliveries for every URL of its
// organisation and POSTed outside any request's transaction: a JSON payload with a
// Slack-compatible `text`. Failures are retried with exponential backoff; every attempt is in
// the delivery log. Delivery never runs inside ingest, so a slow or failing endpoint cannot
// slow or fail it.
import { prisma } from "@/lib/db/client";
import { AppError } from "./errors";
import { assertOrgRole, type Actor } from "./authz";
import { writeAudit, type RequestContext } from "./audit";
import { runInBackground } from "./budgets/background";

const envInt = (name: string, fallback: number) => {
  const v = Number(process.env[name] ?? "");
  return Number.isFinite(v) && v > 0 ? v : fallback;
};
const timeoutMs = () => envInt("SPENDLINE_WEBHOOK_TIMEOUT_MS", 5_000);
const retryBaseMs = () => envInt("SPENDLINE_WEBHOOK_RETRY_BASE_MS", 30_000);
const maxAttempts = () => envInt("SPENDLINE_WEBHOOK_MAX_ATTEMPTS", 8);
const MAX_BACKOFF_MS = 3_600_000;

/** Delay before the next attempt after `attempts` failed ones: base × 2^(attempts−1), capped at an hour. */
export function retryDelayMs(attempts: number, baseMs = retryBaseMs()): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_BACKOFF_MS);
}

export interface AlertWebhookPayload {
  event: "alert.created" | "webhook.test";
  text: string;
  organization: { id: string; slug: string; name: string };
  alert: {
    id: string;
    type: string;
    severity: string;
    message: string;
    budget_id: string | null;
    threshold_value: string | null;
    actual_value: string | null;
    created_at: string;
  } | null;
}

const SEVERITY_MARK: Record<string, string> = { low: "ℹ️", medium: "⚠️", high: "🔶", critical: "🚨" };

/** Queues the alert for every webhook URL of its organisation. */
export async function enqueueAlertWebhooks(alertId: string): Promise<number> {
  const db = await prisma();
  const alert = await db.alert.findUniqueOrThrow({ where: { id: alertId }, include: { organization: { include: { alertSettings: true } } } });
  const urls = alert.organization.alertSettings?.webhookUrls ?? [];
  if (urls.length === 0) return 0;
  const payload: AlertWebhookPayload = {
    event: "alert.created",
    text: `${SEVERITY_MARK[alert.severity] ?? ""} [${alert.organization.slug}] ${alert.type} (${alert.severity}): ${alert.message}`.trim(),
    organization: { id: alert.orgId, slug: alert.organization.slug, name: alert.organization.name },
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
  };
  await db.webhookDelivery.createMany({ data: urls.map((url) => ({ orgId: alert.orgId, alertId, url, payload: JSON.parse(JSON.stringify(payload)) })) });
  return urls.length;
}

interface ClaimedDelivery {
  id: string;
  url: string;
  payload: unknown;
  attempts: number;
}

export interface AttemptResult {
  id: string;
  url: string;
  status: "delivered" | "pending" | "failed";
  responseStatus: number | null;
  error: string | null;
  attempts: number;
}

async function post(url: string, payload: unknown): Promise<{ ok: boolean; status: number | null; error: string | null }> {
  try {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "user-agent": "Spendline-Webhook/1" },
      body: JSON.stringify(payload),
      signal: AbortSignal.timeout(timeoutMs()),
      redirect: "manual",
    });
    await res.body?.cancel().catch(() => {});
    return { ok: res.status >= 200 && res.status < 300, status: res.status, error: res.status >= 200 && res.status < 300 ? null : `HTTP ${res.status}` };
  } catch (err) {
    const e = err as Error;
    return { ok: false, status: null, error: e.name === "TimeoutError" ? `no answer within ${timeoutMs()} ms` : (e.message || String(err)).slice(0, 500) };
  }
}

async function attempt(d: ClaimedDelivery): Promise<AttemptResult> {
  const result = await post(d.url, d.payload);
  const db = await prisma();
  if (result.ok) {
    await db.webhookDelivery.update({ where: { id: d.id }, data: { status: "delivered", deliveredAt: new Date(), responseStatus: result.status, lastError: null } });
    return { id: d.id, url: d.url, status: "delivered", responseStatus: result.status, error: null, attempts: d.attempts };
  }
  const giveUp = d.attempts >= maxAttempts();
  await db.webhookDelivery.update({
    where: { id: d.id },
    data: { status: giveUp ? "failed" : "pending", responseStatus: result.status, lastError: result.error, nextAttemptAt: new Date(Date.now() + retryDelayMs(d.attempts)) },
  });
  if (!giveUp) scheduleRetry(retryDelayMs(d.attempts));
  return { id: d.id, url: d.url, status: giveUp ? "failed" : "pending", responseStatus: result.status, error: result.error, attempts: d.attempts };
}

/**
 * Claims due deliveries (SKIP LOCKED, so several instances share the queue) by pushing their
 * next attempt past the timeout, then posts them. A claim whose process dies becomes due again.
 */
export async function deliverDueWebhooks(options: { limit?: number; ids?: string[] } = {}): Promise<AttemptResult[]> {
  const db = await prisma();
  const leaseMs = timeoutMs() + 30_000;
  const onlyIds = options.ids ?? null;
  const claimed = await db.$queryRaw<ClaimedDelivery[]>`
    UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = now() + make_interval(secs => ${leaseMs / 1000})
    WHERE id IN (
      SELECT id FROM webhook_deliveries
      WHERE status = 'pending' AND next_attempt_at <= now() AND (${onlyIds}::uuid[] IS NULL OR id = ANY(${onlyIds}::uuid[]))
      ORDER BY next_attempt_at LIMIT ${options.limit ?? 50}
      FOR UPDATE SKIP LOCKED
    )
    RETURNING id, url, payload, attempts`;
  return Promise.all(claimed.map(attempt));
}

let delivering = false;
let again = false;

/** Starts delivering due webhooks in the background (one run at a time per process); returns at once. */
export function kickWebhookDelivery(): void {
  if (delivering) {
    again = true;
    return;
  }
  delivering = true;
  runInBackground("webhook delivery", async () => {
    try {
      do {
        again = false;
        const batch = await deliverDueWebhooks();
        if (batch.length === 50) again = true;
      } while (again);
    } finally {
      delivering = false;
    }
  });
}

let retryTimer: NodeJS.Timeout | null = null;
let retryAt = Infinity;

function scheduleRetry(delayMs: number): void {
  const at = Date.now() + delayMs;
  if (retryTimer && retryAt <= at) return;
  if (retryTimer) clearTimeout(retryTimer);
  retryAt = at;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    retryAt = Infinity;
    kickWebhookDelivery();
  }, delayMs + 50);
  // A pending retry must not keep a CLI process or a test run alive.
  retryTimer.unref();
}

/** Sends a test message to every webhook URL of the organisation now and reports each answer. */
export async function sendTestWebhook(actor: Actor, orgId: string, ctx: RequestContext = {}): Promise<AttemptResult[]> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const org = await db.organization.findUniqueOrThrow({ where: { id: orgId }, include: { alertSettings: true } });
  const urls = org.alertSettings?.webhookUrls ?? [];
  if (urls.length === 0) throw new AppError("validation_failed", "Add a webhook URL first.", { field: "webhookUrls" });
  const by = actor.kind === "account" ? actor.email : actor.label;
  const payload: AlertWebhookPayload = {
    event: "webhook.test",
    text: `Spendline test message for ${org.slug}, sent by ${by}.`,
    organization: { id: org.id, slug: org.slug, name: org.name },
    alert: null,
  };
  const rows = await db.$transaction(async (tx) => {
    const created = await Promise.all(urls.map((url) => tx.webhookDelivery.create({ data: { orgId, url, payload: JSON.parse(JSON.stringify(payload)) } })));
    await writeAudit(tx, actor, { action: "webhook.test", targetType: "alert_settings", targetId: orgId, orgId, after: { urls } }, ctx);
    return created;
  });
  return deliverDueWebhooks({ ids: rows.map((r) => r.id) });
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

/** The delivery log of an organisation, newest first. */
export async function listWebhookDeliveries(actor: Actor, orgId: string, options: { limit?: number } = {}): Promise<WebhookDeliveryRow[]> {
  assertOrgRole(actor, orgId, "admin");
  const db = await prisma();
  const rows = await db.webhookDelivery.findMany({ where: { orgId }, orderBy: { createdAt: "desc" }, take: Math.min(options.limit ?? 100, 500) });
  return rows.map((r) => ({
    id: r.id,
    url: r.url,
    alertId: r.alertId,
    event: (r.payload as { event?: string } | null)?.event ?? "alert.created",
    status: r.status,
    attempts: r.attempts,
    responseStatus: r.responseStatus,
    lastError: r.lastError,
    nextAttemptAt: r.status === "pending" ? r.nextAttemptAt.toISOString() : null,
    deliveredAt: r.deliveredAt?.toISOString() ?? null,
    createdAt: r.createdAt.toISOString(),
  }));
}
