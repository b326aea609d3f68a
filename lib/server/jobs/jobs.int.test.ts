// The durable job queue and its periodic work (SPEC §6; STYLE "one home for background work").
import { afterEach, describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { listAlerts, updateAlertSettings } from "../alerts";
import { setBudget } from "../budgets/manage";
import { recordTestEvent } from "../budgets/spend-fixture";
import { sweepMissedAlerts } from "./alert-evaluation";
import { enqueueJob } from "./queue";
import { runDueWork, startJobWorker, type JobWorker } from "./worker";

await useTestDatabase();

let worker: JobWorker | null = null;
afterEach(async () => {
  await worker?.stop();
  worker = null;
  delete process.env.SPENDLINE_RETENTION_DAYS;
});

describe("job queue", () => {
  it("retries a failing job after a pause, keeping its error", async () => {
    const db = await prisma();
    const id = await enqueueJob("no.such.kind", {});
    await runDueWork();
    const job = await db.job.findUniqueOrThrow({ where: { id } });
    expect(job).toMatchObject({ status: "pending", attempts: 1, lastError: "unknown job kind no.such.kind" });
    expect(job.runAt.getTime()).toBeGreaterThan(Date.now());
    await runDueWork();
    expect((await db.job.findUniqueOrThrow({ where: { id } })).attempts).toBe(1);
    await db.job.delete({ where: { id } });
  });

  it("the worker marks expired reservations and prunes old ones", async () => {
    const org = await makeOrg();
    const db = await prisma();
    const expired = await db.reservation.create({ data: { orgId: org.id, amountUsd: "1", expiresAt: new Date(Date.now() - 60_000) } });
    const old = await db.reservation.create({ data: { orgId: org.id, amountUsd: "1", status: "settled", expiresAt: new Date(Date.now() - 9 * 86_400_000), createdAt: new Date(Date.now() - 9 * 86_400_000) } });
    const recent = await db.reservation.create({ data: { orgId: org.id, amountUsd: "1", status: "settled", expiresAt: new Date() } });
    worker = startJobWorker({ pollMs: 50 });
    await vi.waitFor(async () => {
      expect((await db.reservation.findUniqueOrThrow({ where: { id: expired.id } })).status).toBe("expired");
      expect(await db.reservation.findUnique({ where: { id: old.id } })).toBeNull();
      // A periodic job stays queued for its next run.
      const sweep = await db.job.findUniqueOrThrow({ where: { key: "reservations.sweep" } });
      expect(sweep.attempts).toBe(0);
      expect(sweep.runAt.getTime()).toBeGreaterThan(Date.now());
    }, { timeout: 15_000, interval: 100 });
    expect(await db.reservation.findUnique({ where: { id: recent.id } })).not.toBeNull();
  });

  it("runs retention daily when SPENDLINE_RETENTION_DAYS is set", async () => {
    process.env.SPENDLINE_RETENTION_DAYS = "30";
    const org = await makeOrg();
    const db = await prisma();
    const oldEvent = await db.usageEvent.create({ data: { orgId: org.id, eventId: "old-1", bodyHash: "h", occurredAt: new Date(Date.now() - 40 * 86_400_000) } });
    const newEvent = await db.usageEvent.create({ data: { orgId: org.id, eventId: "new-1", bodyHash: "h", occurredAt: new Date() } });
    worker = startJobWorker({ pollMs: 50 });
    await vi.waitFor(async () => {
      expect(await db.usageEvent.findUnique({ where: { id: oldEvent.id } })).toBeNull();
      // Done, and due again in a day.
      const job = await db.job.findUniqueOrThrow({ where: { key: "retention.prune" } });
      expect(job.runAt.getTime()).toBeGreaterThan(Date.now() + 23 * 3_600_000);
    }, { timeout: 15_000, interval: 100 });
    expect(await db.usageEvent.findUnique({ where: { id: newEvent.id } })).not.toBeNull();
  });

  it("the alert sweep raises a budget alert whose evaluation job was lost", async () => {
    const org = await makeOrg();
    const db = await prisma();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", warnPercent: 50 });
    await recordTestEvent(org.id, { costUsd: "1.1" });
    // The process stopped before its job ran, and the job was lost with it.
    await db.job.deleteMany({ where: { kind: "alerts.evaluate" } });
    expect(await listAlerts(SYSTEM, { orgId: org.id })).toEqual([]);
    await sweepMissedAlerts();
    expect((await listAlerts(SYSTEM, { orgId: org.id })).map((a) => a.type).sort()).toEqual(["budget_reached", "budget_warning"]);
    await sweepMissedAlerts();
    expect(await listAlerts(SYSTEM, { orgId: org.id })).toHaveLength(2);
  });

  it("the alert sweep raises a single-call alert whose evaluation job was lost, once", async () => {
    const org = await makeOrg();
    const db = await prisma();
    await sweepMissedAlerts(); // sets the watermark
    await updateAlertSettings(SYSTEM, org.id, { singleCallThresholdUsd: "2" });
    await recordTestEvent(org.id, { costUsd: "1" });
    await recordTestEvent(org.id, { costUsd: "9" });
    await db.job.deleteMany({ where: { kind: "alerts.evaluate" } });
    await sweepMissedAlerts();
    await sweepMissedAlerts();
    const alerts = await listAlerts(SYSTEM, { orgId: org.id });
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ type: "single_call_high", actualValue: "9" });
  });
});
