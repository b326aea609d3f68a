import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { updateAlertSettings } from "./alerts";
import { backgroundWorkSettled } from "./budgets/background";
import { setBudget } from "./budgets/manage";
import { recordTestEvent } from "./budgets/spend-fixture";
import { deliverDueWebhooks, listWebhookDeliveries, retryDelayMs, sendTestWebhook } from "./webhooks";

process.env.SPENDLINE_WEBHOOK_TIMEOUT_MS = "1500";
process.env.SPENDLINE_WEBHOOK_RETRY_BASE_MS = "100";

await useTestDatabase();

const servers: Server[] = [];
afterAll(() => Promise.all(servers.map((s) => new Promise((r) => s.close(r)))));

async function webhookServer(answer: (req: IncomingMessage, body: string) => number | "hang") {
  const received: { body: unknown }[] = [];
  const server = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ body: JSON.parse(body) });
      const status = answer(req, body);
      if (status === "hang") return;
      res.writeHead(status).end();
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  server.unref();
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`, received };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("webhooks", () => {
  it("backs off exponentially", () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 1000))).toEqual([1000, 2000, 4000, 8000]);
    expect(retryDelayMs(30, 1000)).toBe(3_600_000);
  });

  it("never slows or fails ingest when a webhook hangs or fails, and retries until it is delivered", async () => {
    const org = await makeOrg();
    let failuresLeft = 2;
    const failing = await webhookServer(() => (failuresLeft-- > 0 ? 500 : 204));
    const hanging = await webhookServer(() => "hang");
    await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [failing.url, hanging.url] });
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", warnPercent: 50 });

    const started = Date.now();
    const { outcome } = await recordTestEvent(org.id, { costUsd: "0.6" });
    const ingestMs = Date.now() - started;
    expect(outcome.crossings).toHaveLength(1);
    // The webhook hangs for 1.5 s before timing out; ingest did not wait for it.
    expect(ingestMs).toBeLessThan(1000);

    await backgroundWorkSettled();
    for (let i = 0; i < 50 && failing.received.length < 3; i++) {
      await sleep(100);
      await backgroundWorkSettled();
    }
    expect(failing.received.length).toBe(3);
    const payload = failing.received[0].body as { text: string; alert: { type: string }; organization: { slug: string } };
    expect(payload.alert.type).toBe("budget_warning");
    expect(payload.organization.slug).toBe(org.slug);
    expect(payload.text).toContain("budget_warning");

    const log = await listWebhookDeliveries(SYSTEM, org.id);
    const delivered = log.find((d) => d.url === failing.url)!;
    expect(delivered).toMatchObject({ status: "delivered", attempts: 3, responseStatus: 204 });
    const hung = log.find((d) => d.url === hanging.url)!;
    expect(hung.status).toBe("pending");
    expect(hung.lastError).toMatch(/no answer/);
    expect(hung.attempts).toBeGreaterThanOrEqual(1);
  });

  it("gives up after the maximum number of attempts", async () => {
    process.env.SPENDLINE_WEBHOOK_MAX_ATTEMPTS = "2";
    try {
      const org = await makeOrg();
      const down = await webhookServer(() => 503);
      const db = await prisma();
      const row = await db.webhookDelivery.create({ data: { orgId: org.id, url: down.url, payload: { text: "x" } } });
      await deliverDueWebhooks({ ids: [row.id] });
      await db.webhookDelivery.update({ where: { id: row.id }, data: { nextAttemptAt: new Date() } });
      await deliverDueWebhooks({ ids: [row.id] });
      // A retry timer left by an earlier test may have claimed the second attempt itself: wait for it.
      await vi.waitFor(async () => {
        expect(await db.webhookDelivery.findUniqueOrThrow({ where: { id: row.id } })).toMatchObject({ status: "failed", attempts: 2, responseStatus: 503 });
      }, { timeout: 15_000, interval: 200 });
    } finally {
      delete process.env.SPENDLINE_WEBHOOK_MAX_ATTEMPTS;
    }
  });

  it("sends a test message to every URL; only the organisation's admins may", async () => {
    const org = await makeOrg();
    const other = await makeOrg();
    const ok = await webhookServer(() => 200);
    await expect(sendTestWebhook(SYSTEM, org.id)).rejects.toMatchObject({ code: "validation_failed" });
    await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [ok.url] });
    const results = await sendTestWebhook(await makeMember(org.id, "admin"), org.id);
    expect(results).toMatchObject([{ url: ok.url, status: "delivered", responseStatus: 200 }]);
    expect((ok.received[0].body as { event: string; text: string }).event).toBe("webhook.test");
    await expect(sendTestWebhook(await makeMember(other.id, "owner"), org.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(sendTestWebhook(await makeMember(org.id, "viewer"), org.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(listWebhookDeliveries(await makeMember(other.id, "owner"), org.id)).rejects.toMatchObject({ code: "not_found" });
    await backgroundWorkSettled();
  });
});
