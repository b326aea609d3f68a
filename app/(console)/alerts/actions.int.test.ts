import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Actor } from "@/lib/server/authz";
import { getAlertSettings, listAlerts, updateAlertSettings } from "@/lib/server/alerts";
import { setBudget } from "@/lib/server/budgets";
import { backgroundWorkSettled } from "@/lib/server/budgets/background";
import { recordTestEvent } from "@/lib/server/budgets/spend-fixture";
import { listWebhookDeliveries } from "@/lib/server/webhooks";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";

// The receiver of these tests listens on loopback.
process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE = "1";

let signedIn: Actor;
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("@/lib/server/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/server/session")>()),
  actionContext: async () => ({ actor: signedIn, ctx: { ip: null } }),
}));

const { acknowledgeAlertAction, resolveAlertAction, rotateWebhookSecretAction, sendTestWebhookAction, updateAlertSettingsAction } = await import("./actions");

await useTestDatabase();

const formOf = (fields: Record<string, string>) => {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
};

/** An organisation whose hard budget was pushed over its limit: a budget_warning and a budget_reached alert. */
async function orgWithReachedBudget() {
  const org = await makeOrg();
  await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", mode: "hard" });
  await recordTestEvent(org.id, { costUsd: "1.2" });
  await backgroundWorkSettled();
  return org;
}

let receiver: Server;
let receiverUrl: string;
const received: string[] = [];
beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push(body);
      res.writeHead(req.url === "/fail" ? 500 : 204).end();
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

describe("alert server actions", () => {
  it("filter alerts by severity as well as type and status", async () => {
    const org = await orgWithReachedBudget();
    expect((await listAlerts(SYSTEM, { orgId: org.id })).map((a) => a.type).sort()).toEqual(["budget_reached", "budget_warning"]);
    expect((await listAlerts(SYSTEM, { orgId: org.id, severity: "critical" })).map((a) => a.type)).toEqual(["budget_reached"]);
    expect((await listAlerts(SYSTEM, { orgId: org.id, severity: "medium", type: "budget_warning", status: "unresolved" })).map((a) => a.type)).toEqual(["budget_warning"]);
    expect(await listAlerts(SYSTEM, { orgId: org.id, severity: "low" })).toEqual([]);
  });

  it("acknowledge, then resolve with a required resolution", async () => {
    const org = await orgWithReachedBudget();
    signedIn = await makeMember(org.id, "admin");
    const [reached] = await listAlerts(SYSTEM, { orgId: org.id, type: "budget_reached" });
    expect(await acknowledgeAlertAction({}, formOf({ alertId: reached.id }))).toMatchObject({ ok: true });
    expect((await listAlerts(SYSTEM, { orgId: org.id, type: "budget_reached" }))[0].status).toBe("acknowledged");
    const empty = await resolveAlertAction({}, formOf({ alertId: reached.id, resolution: " " }));
    expect(empty).toMatchObject({ ok: false, errors: { resolution: "Say how the alert was resolved." } });
    expect(await resolveAlertAction({}, formOf({ alertId: reached.id, resolution: "Limit raised" }))).toMatchObject({ ok: true });
    expect((await listAlerts(SYSTEM, { orgId: org.id, status: "resolved" }))[0]).toMatchObject({ id: reached.id, resolution: "Limit raised" });
  });

  it("answer not found to an owner of another organisation and to a viewer, changing nothing", async () => {
    const org = await orgWithReachedBudget();
    const [alert] = await listAlerts(SYSTEM, { orgId: org.id, type: "budget_reached" });
    const orgB = await makeOrg();
    for (const outsider of [await makeMember(orgB.id, "owner"), await makeMember(org.id, "viewer")]) {
      signedIn = outsider;
      for (const result of [
        await acknowledgeAlertAction({}, formOf({ alertId: alert.id })),
        await resolveAlertAction({}, formOf({ alertId: alert.id, resolution: "not mine" })),
        await updateAlertSettingsAction({}, formOf({ orgId: org.id, singleCallThresholdUsd: "1", spikeFactor: "2", webhookUrls: "https://evil.example.test/" })),
        await sendTestWebhookAction({}, formOf({ orgId: org.id })),
      ]) {
        expect(result).toMatchObject({ ok: false, message: "Not found." });
      }
    }
    expect((await listAlerts(SYSTEM, { orgId: org.id, type: "budget_reached" }))[0].status).toBe("open");
    expect(await getAlertSettings(SYSTEM, org.id)).toMatchObject({ singleCallThresholdUsd: null, webhookUrls: [] });
  });

  it("save settings from the form, naming the line of a bad webhook URL", async () => {
    const org = await makeOrg();
    signedIn = await makeMember(org.id, "owner");
    const bad = await updateAlertSettingsAction({}, formOf({ orgId: org.id, singleCallThresholdUsd: "abc", spikeFactor: "1", webhookUrls: "https://ok.example.test/\n\nftp://files.example.test/x" }));
    expect(bad.ok).toBe(false);
    expect(bad.errors).toMatchObject({ webhookUrls: "Line 2 is not an http(s) URL: ftp://files.example.test/x", spikeFactor: expect.stringMatching(/at least 1.1/) });
    expect(bad.data?.webhookUrls).toContain("ftp://");

    const ok = await updateAlertSettingsAction({}, formOf({ orgId: org.id, singleCallThresholdUsd: "0.75", spikeFactor: "2.5", webhookUrls: " https://a.example.test/hook \r\n\r\nhttps://b.example.test/hook\n" }));
    expect(ok).toMatchObject({ ok: true });
    expect(await getAlertSettings(SYSTEM, org.id)).toEqual({ orgId: org.id, singleCallThresholdUsd: "0.75", spikeFactor: "2.5", webhookUrls: ["https://a.example.test/hook", "https://b.example.test/hook"] });

    expect(await updateAlertSettingsAction({}, formOf({ orgId: org.id, singleCallThresholdUsd: "", spikeFactor: "3", webhookUrls: "" }))).toMatchObject({ ok: true });
    expect(await getAlertSettings(SYSTEM, org.id)).toMatchObject({ singleCallThresholdUsd: null, webhookUrls: [] });
  });

  it("send a test message to every saved URL and report each answer; the delivery log keeps them", async () => {
    const org = await makeOrg();
    signedIn = await makeMember(org.id, "admin");
    expect(await sendTestWebhookAction({}, formOf({ orgId: org.id }))).toMatchObject({ ok: false, errors: { webhookUrls: "Add a webhook URL first." } });
    await updateAlertSettings(SYSTEM, org.id, { webhookUrls: [`${receiverUrl}/ok`, `${receiverUrl}/fail`] });
    const result = await sendTestWebhookAction({}, formOf({ orgId: org.id }));
    expect(result.ok).toBe(false);
    expect(result.message).toBe("Test message delivered to 1 of 2 URLs.");
    expect(result.results).toEqual(
      expect.arrayContaining([
        { url: `${receiverUrl}/ok`, status: "delivered", responseStatus: 204, error: null },
        { url: `${receiverUrl}/fail`, status: "failed", responseStatus: 500, error: "HTTP 500" },
      ]),
    );
    expect(received.some((body) => JSON.parse(body).type === "webhook.test")).toBe(true);
    const log = await listWebhookDeliveries(SYSTEM, org.id);
    expect(log.map((d) => [d.event, d.status, d.attempts]).sort()).toEqual([
      ["webhook.test", "delivered", 1],
      ["webhook.test", "failed", 1],
    ]);
  });

  it("show the signing secret once when the first webhook is saved, and rotate it for admins only", async () => {
    const org = await makeOrg();
    signedIn = await makeMember(org.id, "admin");
    const first = await updateAlertSettingsAction({}, formOf({ orgId: org.id, singleCallThresholdUsd: "", spikeFactor: "3", webhookUrls: `${receiverUrl}/ok` }));
    expect(first).toMatchObject({ ok: true, signingSecret: expect.stringMatching(/^whsec_/) });
    const second = await updateAlertSettingsAction({}, formOf({ orgId: org.id, singleCallThresholdUsd: "", spikeFactor: "3", webhookUrls: `${receiverUrl}/ok` }));
    expect(second.signingSecret).toBeUndefined();
    const refused = await updateAlertSettingsAction({}, formOf({ orgId: org.id, singleCallThresholdUsd: "", spikeFactor: "3", webhookUrls: "http://169.254.169.254/latest/meta-data/" }));
    expect(refused).toMatchObject({ ok: false, errors: { webhookUrls: expect.stringMatching(/link-local/) } });

    const rotated = await rotateWebhookSecretAction({}, formOf({ orgId: org.id }));
    expect(rotated).toMatchObject({ ok: true, secret: expect.stringMatching(/^whsec_/) });
    expect(rotated.secret).not.toBe(first.signingSecret);
    signedIn = await makeMember(org.id, "viewer");
    expect(await rotateWebhookSecretAction({}, formOf({ orgId: org.id }))).toMatchObject({ ok: false });
  });
});
