// The job worker: one per server process, started with the server (instrumentation.ts). Each
// pass delivers due webhooks (webhook_deliveries) and runs due jobs (jobs); passes run every
// second and at once when woken. Everything it works on is in the database, so any instance may
// do it and a restarted instance carries on where a stopped one left off.
import { pruneUsage } from "../retention";
import { sweepExpiredReservations } from "../budgets/check";
import { pruneOldReservations } from "./reservations";
import { maintainTables } from "./maintenance";
import { deliverDueWebhooks } from "../webhooks";
import { ALERT_EVALUATION_JOB, runAlertEvaluation, sweepMissedAlerts, type AlertEvaluationPayload } from "./alert-evaluation";
import { claimDueJobs, completeJob, ensurePeriodicJob, failJob, type ClaimedJob } from "./queue";
import { onWake } from "./wake";

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export const JOB_ACTOR = { kind: "system", label: "job worker" } as const;

const retentionDays = () => {
  const n = Number(process.env.SPENDLINE_RETENTION_DAYS ?? "");
  return Number.isInteger(n) && n >= 1 ? n : null;
};

/** Periodic jobs: key → what to run and how long to wait before the next run. */
const PERIODIC: Record<string, { run: () => Promise<unknown>; everyMs: () => number; enabled?: () => boolean }> = {
  "reservations.sweep": {
    run: async () => {
      await sweepExpiredReservations();
      await pruneOldReservations();
    },
    everyMs: () => MINUTE,
  },
  "alerts.sweep": { run: sweepMissedAlerts, everyMs: () => MINUTE },
  "tables.maintain": { run: () => maintainTables(), everyMs: () => MINUTE },
  "retention.prune": {
    run: async () => {
      const days = retentionDays();
      if (days) await pruneUsage(JOB_ACTOR, { olderThanDays: days });
    },
    everyMs: () => DAY,
    enabled: () => retentionDays() !== null,
  },
};

async function runJob(job: ClaimedJob): Promise<void> {
  try {
    if (job.key) {
      const periodic = PERIODIC[job.key];
      if (!periodic) return await completeJob(job);
      await periodic.run();
      return await completeJob(job, periodic.everyMs());
    }
    if (job.kind === ALERT_EVALUATION_JOB) await runAlertEvaluation(job.payload as AlertEvaluationPayload);
    else throw new Error(`unknown job kind ${job.kind}`);
    await completeJob(job);
  } catch (err) {
    await failJob(job, err instanceof Error ? err.message : String(err));
  }
}

/** One pass: runs due jobs, then delivers due webhooks (alerts the jobs raised included). */
export async function runDueWork(): Promise<{ jobs: number; deliveries: number }> {
  let jobs = 0;
  for (;;) {
    const batch = await claimDueJobs();
    for (const job of batch) await runJob(job);
    jobs += batch.length;
    if (batch.length < 20) break;
  }
  let deliveries = 0;
  for (;;) {
    const batch = await deliverDueWebhooks();
    deliveries += batch.length;
    if (batch.length < 50) break;
  }
  return { jobs, deliveries };
}

export interface JobWorker {
  /** Resolves when the current pass (if any) has finished. */
  idle(): Promise<void>;
  wake(): void;
  stop(): Promise<void>;
}

/** Starts a worker in this process: registers the periodic jobs, then runs a pass every `pollMs` and when woken. */
export function startJobWorker(options: { pollMs?: number } = {}): JobWorker {
  const pollMs = options.pollMs ?? 1_000;
  let stopped = false;
  let running: Promise<void> | null = null;
  let again = false;
  let timer: NodeJS.Timeout | null = null;

  const pass = () => {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      do {
        again = false;
        try {
          await runDueWork();
        } catch (err) {
          console.error("job worker:", err instanceof Error ? err.message : String(err));
        }
      } while (again && !stopped);
    })().finally(() => {
      running = null;
      schedule();
    });
  };
  const schedule = () => {
    if (stopped) return;
    if (timer) clearTimeout(timer);
    timer = setTimeout(pass, pollMs);
    timer.unref();
  };

  const ready = (async () => {
    for (const [key, job] of Object.entries(PERIODIC)) if (job.enabled?.() ?? true) await ensurePeriodicJob(key, key);
  })().catch((err) => console.error("job worker: could not register periodic jobs:", err instanceof Error ? err.message : String(err)));
  void ready.then(pass);
  onWake(pass);

  return {
    async idle() {
      await ready;
      while (running) await running;
    },
    wake: pass,
    async stop() {
      stopped = true;
      onWake(null);
      if (timer) clearTimeout(timer);
      await ready;
      while (running) await running;
    },
  };
}
