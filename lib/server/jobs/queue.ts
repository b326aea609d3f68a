// The durable job queue (SPEC §6 "webhooks are signed and durable"): rows in `jobs`, claimed by
// the worker of any instance with FOR UPDATE SKIP LOCKED (works on PGlite and PostgreSQL alike).
// A claim pushes run_at past a lease, so a job whose process dies runs again when the lease ends.
// One-off jobs are deleted when done; a periodic job is one row per key, rescheduled after each run.
import { prisma } from "@/lib/db/client";

export interface ClaimedJob {
  id: string;
  kind: string;
  key: string | null;
  payload: unknown;
  attempts: number;
  created_at: Date;
}

const LEASE_SECONDS = 300;
const MAX_ATTEMPTS = 20;

/** Queues a one-off job, due now unless `runAt` says otherwise. */
export async function enqueueJob(kind: string, payload: unknown, options: { runAt?: Date } = {}): Promise<string> {
  const db = await prisma();
  const rows = await db.$queryRaw<{ id: string }[]>`
    INSERT INTO jobs (kind, payload, run_at) VALUES (${kind}, ${JSON.stringify(payload)}::jsonb, ${(options.runAt ?? new Date()).toISOString()}::timestamptz)
    RETURNING id`;
  return rows[0].id;
}

/** Makes sure the periodic job `key` exists (first run now); instances starting at once share one row. */
export async function ensurePeriodicJob(key: string, kind: string): Promise<void> {
  const db = await prisma();
  await db.$executeRaw`INSERT INTO jobs (kind, key) VALUES (${kind}, ${key}) ON CONFLICT (key) DO NOTHING`;
}

/** Claims up to `limit` due jobs, oldest first (RETURNING keeps no order, so they are sorted here). */
export async function claimDueJobs(limit = 20): Promise<ClaimedJob[]> {
  const db = await prisma();
  const jobs = await db.$queryRaw<ClaimedJob[]>`
    WITH due AS MATERIALIZED (
      SELECT id FROM jobs WHERE status = 'pending' AND run_at <= now()
      ORDER BY run_at LIMIT ${limit}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE jobs j SET attempts = j.attempts + 1, run_at = now() + make_interval(secs => ${LEASE_SECONDS})
    FROM due WHERE j.id = due.id
    RETURNING j.id, j.kind, j.key, j.payload, j.attempts, j.created_at`;
  return jobs.sort((a, b) => a.created_at.getTime() - b.created_at.getTime());
}

/** A one-off job is removed; a periodic one runs again after `rerunInMs`. */
export async function completeJob(job: ClaimedJob, rerunInMs?: number): Promise<void> {
  const db = await prisma();
  if (job.key && rerunInMs !== undefined) {
    await db.$executeRaw`UPDATE jobs SET attempts = 0, last_error = NULL, run_at = now() + make_interval(secs => ${rerunInMs / 1000}) WHERE id = ${job.id}::uuid`;
  } else {
    await db.$executeRaw`DELETE FROM jobs WHERE id = ${job.id}::uuid`;
  }
}

/** Retries with growing pauses (5 s, 10 s, 20 s … capped at 10 minutes); a periodic job never gives up. */
export async function failJob(job: ClaimedJob, error: string): Promise<void> {
  const db = await prisma();
  const delaySeconds = Math.min(5 * 2 ** (job.attempts - 1), 600);
  const giveUp = !job.key && job.attempts >= MAX_ATTEMPTS;
  await db.$executeRaw`
    UPDATE jobs SET last_error = ${error.slice(0, 1000)}, status = ${giveUp ? "failed" : "pending"}::"JobStatus",
      run_at = now() + make_interval(secs => ${delaySeconds})
    WHERE id = ${job.id}::uuid`;
}
