// SPEC §6 "webhooks are signed and durable". Receivers listen on loopback, which the operator
// switch SPENDLINE_WEBHOOK_ALLOW_PRIVATE=1 allows; every signature is checked with the
// `standardwebhooks` package, as a receiver would.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { updateAlertSettings } from "./alerts";
import { setBudget } from "./budgets/manage";
import { recordTestEvent } from "./budgets/spend-fixture";
import { startJobWorker } from "./jobs/worker";
import { readWebhookSecret, rotateWebhookSecret } from "./webhook-secrets";
import { deliverDueWebhooks, listWebhookDeliveries, nextAttemptAt, retryDelayMs, sendTestWebhook } from "./webhooks";

process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE = "1";
process.env.SPENDLINE_WEBHOOK_TIMEOUT_MS = "1500";
process.env.SPENDLINE_WEBHOOK_RETRY_BASE_MS = "200";

await useTestDatabase();

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

interface Received {
  body: string;
  headers: IncomingHttpHeaders;
  at: number;
}

async function webhookServer(answer: (n: number) => number | "hang") {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ body, headers: req.headers, at: Date.now() });
      const status = answer(received.length);
      if (status === "hang") return;
      res.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

/** Verifies a received delivery exactly as a Standard Webhooks receiver does; throws when it does not verify. */
function verified(secret: string, r: Received) {
  const headers = { "webhook-id": String(r.headers["webhook-id"]), "webhook-timestamp": String(r.headers["webhook-timestamp"]), "webhook-signature": String(r.headers["webhook-signature"]) };
  return new Webhook(secret).verify(r.body, headers) as { type: string; timestamp: string; data: Record<string, unknown>; text: string };
}

describe("retry schedule", () => {
  it("retries first after the base pause, then with growing pauses, and stops at 24 hours", () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, 10_000))).toEqual([10_000, 60_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000]);
    const created = new Date("2026-01-01T00:00:00Z");
    expect(nextAttemptAt(created, 1, created, 10_000)!.getTime() - created.getTime()).toBeLessThanOrEqual(30_000);
    // Near the end of the window the last attempt is at the 24-hour mark, then none.
    const late = new Date(created.getTime() + 20 * 3_600_000);
    expect(nextAttemptAt(created, 7, late, 10_000)).toEqual(new Date(created.getTime() + 24 * 3_600_000));
    expect(nextAttemptAt(created, 8, new Date(created.getTime() + 24 * 3_600_000), 10_000)).toBeNull();
  });
});

describe("signed, durable webhooks", () => {
  it("signs alert deliveries; a failed one is retried by a new worker after a restart with the same webhook-id", async () => {
    const org = await makeOrg();
    const receiver = await webhookServer((n) => (n === 1 ? 500 : 204));
    const saved = await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [receiver.url] });
    expect(saved.signingSecret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const secret = saved.signingSecret!;
    // Shown once: saving again does not return it.
    expect((await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [receiver.url] })).signingSecret).toBeUndefined();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", warnPercent: 50 });

    const first = startJobWorker({ pollMs: 50 });
    await recordTestEvent(org.id, { costUsd: "0.6" });
    await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000, interval: 50 });
    // The server stops after the first (failed) attempt; a new process's worker takes over.
    await first.stop();
    await vi.waitFor(async () => {
      const [pending] = await listWebhookDeliveries(SYSTEM, org.id);
      expect(pending).toMatchObject({ status: "pending", attempts: 1, responseStatus: 500, lastError: "HTTP 500", event: "alert.created" });
    }, { timeout: 5_000, interval: 50 });

    const second = startJobWorker({ pollMs: 50 });
    try {
      await vi.waitFor(() => expect(receiver.received).toHaveLength(2), { timeout: 10_000, interval: 50 });
    } finally {
      await second.stop();
    }
    const [a, b] = receiver.received;
    expect(a.headers["webhook-id"]).toBe(b.headers["webhook-id"]);
    expect(b.at - a.at).toBeGreaterThanOrEqual(150);
    for (const r of receiver.received) {
      const message = verified(secret, r);
      expect(message.type).toBe("alert.created");
      expect(message.data).toMatchObject({ organization: { slug: org.slug }, alert: { type: "budget_warning", severity: "medium" } });
      expect(message.text).toContain("budget_warning");
      expect(new Date(message.timestamp).toISOString()).toBe(message.timestamp);
    }
    expect(() => verified("whsec_" + Buffer.from("another secret, not the org's").toString("base64"), a)).toThrow();
    const [log] = await listWebhookDeliveries(SYSTEM, org.id);
    expect(log).toMatchObject({ status: "delivered", attempts: 2, responseStatus: 204 });
  });

  it("raises the alert of a committed event even when the process stopped before evaluating it", async () => {
    const org = await makeOrg();
    const receiver = await webhookServer(() => 200);
    const secret = (await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [receiver.url], singleCallThresholdUsd: "1" })).signingSecret!;
    // No worker runs: the event commits and its evaluation waits in the jobs table.
    await recordTestEvent(org.id, { costUsd: "7" });
    const db = await prisma();
    expect(await db.job.count({ where: { kind: "alerts.evaluate", payload: { path: ["orgs", "0", "orgId"], equals: org.id } } })).toBe(1);
    expect(await db.alert.count({ where: { orgId: org.id } })).toBe(0);
    const worker = startJobWorker({ pollMs: 50 });
    try {
      await vi.waitFor(() => expect(receiver.received).toHaveLength(1), { timeout: 10_000, interval: 50 });
    } finally {
      await worker.stop();
    }
    const message = verified(secret, receiver.received[0]);
    expect(message).toMatchObject({ type: "alert.created", data: { alert: { type: "single_call_high", actual_value: "7" } } });
  });

  it("sends a signed webhook.test with Slack text escaped; only the organisation's admins may", async () => {
    const org = await makeOrg();
    const other = await makeOrg();
    const ok = await webhookServer(() => 200);
    await expect(sendTestWebhook(SYSTEM, org.id)).rejects.toMatchObject({ code: "validation_failed" });
    const secret = (await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [ok.url] })).signingSecret!;
    const results = await sendTestWebhook({ kind: "system", label: "<ops & co>" }, org.id);
    expect(results).toMatchObject([{ url: ok.url, status: "delivered", responseStatus: 200 }]);
    const message = verified(secret, ok.received[0]);
    expect(message.type).toBe("webhook.test");
    expect(message.text).toContain("sent by &lt;ops &amp; co&gt;.");
    expect(message.data).toMatchObject({ organization: { slug: org.slug }, sent_by: "<ops & co>" });
    await sendTestWebhook(await makeMember(org.id, "admin"), org.id);
    expect(ok.received[1].headers["webhook-id"]).not.toBe(ok.received[0].headers["webhook-id"]);
    await expect(sendTestWebhook(await makeMember(other.id, "owner"), org.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(sendTestWebhook(await makeMember(org.id, "viewer"), org.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(listWebhookDeliveries(await makeMember(other.id, "owner"), org.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(listWebhookDeliveries(await makeMember(org.id, "viewer"), org.id)).rejects.toMatchObject({ code: "not_found" });
  });

  it("rotates the signing secret (owners, admins, super admins): later deliveries verify only with the new one", async () => {
    const org = await makeOrg();
    const other = await makeOrg();
    const ok = await webhookServer(() => 200);
    const oldSecret = (await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [ok.url] })).signingSecret!;
    await expect(rotateWebhookSecret(await makeMember(org.id, "viewer"), org.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(rotateWebhookSecret(await makeMember(other.id, "owner"), org.id)).rejects.toMatchObject({ code: "not_found" });
    const newSecret = await rotateWebhookSecret(await makeMember(org.id, "admin"), org.id);
    expect(newSecret).not.toBe(oldSecret);
    expect(await readWebhookSecret(org.id)).toBe(newSecret);
    await sendTestWebhook(SYSTEM, org.id);
    expect(verified(newSecret, ok.received[0]).type).toBe("webhook.test");
    expect(() => verified(oldSecret, ok.received[0])).toThrow();
    // Stored encrypted, never as the secret itself.
    const row = await (await prisma()).alertSettings.findUniqueOrThrow({ where: { orgId: org.id } });
    expect(row.webhookSecret).not.toContain(newSecret.slice(6));
    const audit = await (await prisma()).auditLog.findMany({ where: { orgId: org.id, action: "webhook_secret.rotate" } });
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit, (_k, v) => (typeof v === "bigint" ? v.toString() : v))).not.toContain(newSecret.slice(6));
  });

  it("checks the address again at each send: nothing is sent once private addresses are no longer allowed", async () => {
    const org = await makeOrg();
    const receiver = await webhookServer(() => 200);
    await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [receiver.url] });
    delete process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE;
    try {
      const [result] = await sendTestWebhook(SYSTEM, org.id);
      expect(result).toMatchObject({ status: "failed", refused: true, responseStatus: null });
      expect(result.error).toMatch(/127\.0\.0\.1 is a loopback address/);
      expect(receiver.received).toEqual([]);
      await expect(updateAlertSettings(SYSTEM, org.id, { webhookUrls: [receiver.url] })).rejects.toMatchObject({ code: "validation_failed", message: expect.stringMatching(/loopback/) });
    } finally {
      process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE = "1";
    }
  });

  it("gives up on an alert delivery after 24 hours of failures", async () => {
    const org = await makeOrg();
    const down = await webhookServer(() => 503);
    await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [down.url] });
    const db = await prisma();
    const dayAgo = new Date(Date.now() - 24 * 3_600_000 - 1_000);
    const row = await db.webhookDelivery.create({ data: { orgId: org.id, url: down.url, payload: { type: "alert.created", timestamp: dayAgo.toISOString(), data: {}, text: "x" }, createdAt: dayAgo, attempts: 7 } });
    const [result] = await deliverDueWebhooks({ ids: [row.id] });
    expect(result).toMatchObject({ status: "failed", attempts: 8, responseStatus: 503 });
    expect(down.received).toHaveLength(1);
  });

  it("two instances draining the outbox at once never claim the same message", async () => {
    const org = await makeOrg();
    const receiver = await webhookServer(() => 204);
    await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [receiver.url] });
    const db = await prisma();
    await db.webhookDelivery.createMany({
      data: Array.from({ length: 30 }, (_, i) => ({ orgId: org.id, url: receiver.url, payload: { type: "alert.created", timestamp: new Date().toISOString(), data: { n: i }, text: `n${i}` } })),
    });
    const [a, b] = await Promise.all([deliverDueWebhooks({ limit: 20 }), deliverDueWebhooks({ limit: 20 })]);
    const ids = [...a, ...b].map((r) => r.id);
    expect(ids).toHaveLength(30);
    expect(new Set(ids).size).toBe(30);
    // Every message arrived (an attempt that timed out under load is retried with the same webhook-id).
    await vi.waitFor(async () => {
      await deliverDueWebhooks();
      expect(new Set(receiver.received.map((r) => r.headers["webhook-id"])).size).toBe(30);
    }, { timeout: 20_000, interval: 300 });
  });
});
