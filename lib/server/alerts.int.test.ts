import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { acknowledgeAlert, evaluateDailySpike, getAlertSettings, listAlerts, resolveAlert, updateAlertSettings } from "./alerts";
import { backgroundWorkSettled } from "./budgets/background";
import { recordTestEvent } from "./budgets/spend-fixture";

await useTestDatabase();

const day = (offset: number, from = new Date()) => new Date(Date.UTC(from.getUTCFullYear(), from.getUTCMonth(), from.getUTCDate() + offset));

async function rollup(orgId: string, date: Date, cost: string, model = "m") {
  await (await prisma()).dailyRollup.create({ data: { orgId, day: date, model, costUsd: cost, requests: 1 } });
}

describe("alerts", () => {
  it("raises single_call_high for a call above the organisation's threshold, once a day", async () => {
    const org = await makeOrg();
    await recordTestEvent(org.id, { costUsd: "50" });
    await backgroundWorkSettled();
    expect(await listAlerts(SYSTEM, { orgId: org.id })).toEqual([]);
    await updateAlertSettings(SYSTEM, org.id, { singleCallThresholdUsd: "1" });
    await recordTestEvent(org.id, { costUsd: "1" });
    await backgroundWorkSettled();
    expect(await listAlerts(SYSTEM, { orgId: org.id, type: "single_call_high" })).toEqual([]);
    await recordTestEvent(org.id, { costUsd: "1.5" });
    await recordTestEvent(org.id, { costUsd: "30" });
    await backgroundWorkSettled();
    const alerts = await listAlerts(SYSTEM, { orgId: org.id, type: "single_call_high" });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ severity: "medium", thresholdValue: "1", actualValue: "1.5" });
  });

  it("raises daily_spike when today is above the factor times the trailing 7-day average", async () => {
    const org = await makeOrg();
    const now = new Date();
    for (let i = 1; i <= 7; i++) await rollup(org.id, day(-i, now), "1");
    await rollup(org.id, day(-8, now), "1000");
    await rollup(org.id, day(0, now), "2.5");
    expect(await evaluateDailySpike(org.id, now)).toBeNull();
    await rollup(org.id, day(0, now), "0.6", "other");
    const id = await evaluateDailySpike(org.id, now);
    expect(id).not.toBeNull();
    const [alert] = await listAlerts(SYSTEM, { orgId: org.id, type: "daily_spike" });
    expect(alert).toMatchObject({ thresholdValue: "3", actualValue: "3.1", severity: "medium" });
    await rollup(org.id, day(0, now), "10", "third");
    expect(await evaluateDailySpike(org.id, now)).toBeNull();
    await updateAlertSettings(SYSTEM, org.id, { spikeFactor: 20 });
    expect((await getAlertSettings(SYSTEM, org.id)).spikeFactor).toBe("20");
  });

  it("does not call a first day of traffic a spike", async () => {
    const org = await makeOrg();
    await rollup(org.id, day(0), "100");
    expect(await evaluateDailySpike(org.id)).toBeNull();
  });

  it("acknowledges and resolves with a resolution, audited; viewers and other organisations cannot", async () => {
    const org = await makeOrg();
    const other = await makeOrg();
    await updateAlertSettings(SYSTEM, org.id, { singleCallThresholdUsd: "0.5" });
    await recordTestEvent(org.id, { costUsd: "1" });
    await backgroundWorkSettled();
    const [alert] = await listAlerts(SYSTEM, { orgId: org.id });
    const owner = await makeMember(org.id, "owner");
    const viewer = await makeMember(org.id, "viewer");
    const outsider = await makeMember(other.id, "owner");

    expect(await listAlerts(viewer, { orgId: org.id })).toHaveLength(1);
    await expect(acknowledgeAlert(viewer, alert.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(listAlerts(outsider, { orgId: org.id })).rejects.toMatchObject({ code: "not_found" });
    expect(await listAlerts(outsider)).toEqual([]);
    await expect(acknowledgeAlert(outsider, alert.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(resolveAlert(outsider, alert.id, "mine now")).rejects.toMatchObject({ code: "not_found" });
    await expect(getAlertSettings(outsider, org.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(updateAlertSettings(outsider, org.id, { webhookUrls: ["https://evil.example/"] })).rejects.toMatchObject({ code: "not_found" });

    expect((await acknowledgeAlert(owner, alert.id)).status).toBe("acknowledged");
    await expect(resolveAlert(owner, alert.id, "  ")).rejects.toMatchObject({ code: "validation_failed" });
    const resolved = await resolveAlert(owner, alert.id, "Expected: batch re-analysis");
    expect(resolved).toMatchObject({ status: "resolved", resolution: "Expected: batch re-analysis", resolvedBy: expect.stringContaining("@") });
    expect(await listAlerts(owner, { orgId: org.id, status: "open" })).toEqual([]);
    expect(await listAlerts(owner, { orgId: org.id, status: "resolved" })).toHaveLength(1);
    const audit = await (await prisma()).auditLog.findMany({ where: { orgId: org.id, targetType: "alert" }, orderBy: { id: "asc" } });
    expect(audit.map((a) => a.action)).toEqual(["alert.acknowledge", "alert.resolve"]);
  });

  it("validates alert settings", async () => {
    const org = await makeOrg();
    await expect(updateAlertSettings(SYSTEM, org.id, { webhookUrls: ["ftp://x"] })).rejects.toThrow();
    await expect(updateAlertSettings(SYSTEM, org.id, { singleCallThresholdUsd: "-2" })).rejects.toThrow();
    const saved = await updateAlertSettings(SYSTEM, org.id, { webhookUrls: ["https://hooks.example/a", "https://hooks.example/a"], singleCallThresholdUsd: "2.5" });
    expect(saved).toMatchObject({ webhookUrls: ["https://hooks.example/a"], singleCallThresholdUsd: "2.5", spikeFactor: "3" });
  });

  it("never shows webhook URLs to viewers through the data layer", async () => {
    const org = await makeOrg();
    await updateAlertSettings(SYSTEM, org.id, { webhookUrls: ["https://hooks.example.test/T000/B000/secret-token"], singleCallThresholdUsd: "2" });
    const viewer = await getAlertSettings(await makeMember(org.id, "viewer"), org.id);
    expect(viewer).toMatchObject({ singleCallThresholdUsd: "2", webhookUrls: [] });
    expect(JSON.stringify(viewer)).not.toContain("secret-token");
    expect((await getAlertSettings(await makeMember(org.id, "admin"), org.id)).webhookUrls).toEqual(["https://hooks.example.test/T000/B000/secret-token"]);
    await expect(getAlertSettings(await makeMember((await makeOrg()).id, "owner"), org.id)).rejects.toMatchObject({ code: "not_found" });
  });
});
