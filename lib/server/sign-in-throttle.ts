// Sign-in throttle (SPEC §6 "sign-in resists guessing"): after 10 failed sign-ins for one email
// address within 15 minutes, its sign-ins are refused for 15 minutes, the right password too.
// The counters live in the database, so every instance shares them. Each attempt is counted as
// a failure before the password is checked (and the count cleared when it turns out right), so
// parallel guesses cannot slip past the limit while their bcrypt comparisons run.
import { prisma } from "@/lib/db/client";

export const MAX_FAILURES = 10;
export const FAILURE_WINDOW_MS = 15 * 60_000;
export const LOCK_MS = 15 * 60_000;

export type AttemptVerdict = { allowed: true } | { allowed: false; lockedUntil: Date };

/** Reserves one attempt for `email` (normalised): refused while the address is locked. */
export async function reserveSignInAttempt(email: string, now = new Date()): Promise<AttemptVerdict> {
  const db = await prisma();
  // Guesses at many addresses leave one small row each; about one attempt in a hundred tidies up.
  if (Math.random() < 0.01) await pruneSignInThrottles(now);
  return db.$transaction(async (tx) => {
    await tx.$executeRaw`INSERT INTO sign_in_throttles (email, failures, updated_at) VALUES (${email}, '{}', ${now}) ON CONFLICT (email) DO NOTHING`;
    // Times travel as epoch milliseconds: both database drivers return those the same way.
    const [row] = await tx.$queryRaw<{ failures: (number | string)[] | null; locked_until: number | string | null }[]>`
      SELECT ARRAY(SELECT (extract(epoch FROM f) * 1000)::bigint::text FROM unnest(failures) AS f) AS failures,
             (extract(epoch FROM locked_until) * 1000)::bigint::text AS locked_until
      FROM sign_in_throttles WHERE email = ${email} FOR UPDATE`;
    const lockedMs = row.locked_until === null ? null : Number(row.locked_until);
    if (lockedMs !== null && lockedMs > now.getTime()) return { allowed: false, lockedUntil: new Date(lockedMs) } as const;
    const since = now.getTime() - FAILURE_WINDOW_MS;
    const failures = (row.failures ?? []).map(Number).filter((f) => f > since).concat(now.getTime()).slice(-MAX_FAILURES);
    const lockedUntil = failures.length >= MAX_FAILURES ? new Date(now.getTime() + LOCK_MS) : null;
    await tx.$executeRaw`UPDATE sign_in_throttles
      SET failures = ARRAY(SELECT to_timestamp(ms::double precision / 1000) FROM unnest(${failures.map(String)}::text[]) AS ms),
          locked_until = ${lockedUntil}, updated_at = ${now}
      WHERE email = ${email}`;
    return { allowed: true } as const;
  });
}

/** Forgets addresses whose failures and lock are long over (called now and then, see below). */
export async function pruneSignInThrottles(now = new Date()): Promise<number> {
  const db = await prisma();
  const cutoff = new Date(now.getTime() - 24 * 3600_000);
  return db.$executeRaw`DELETE FROM sign_in_throttles WHERE updated_at < ${cutoff} AND (locked_until IS NULL OR locked_until < ${now})`;
}

/** A successful sign-in (or an operator's reset) clears the address's failures and lock. */
export async function clearSignInFailures(email: string): Promise<void> {
  const db = await prisma();
  await db.$executeRaw`DELETE FROM sign_in_throttles WHERE email = ${email}`;
}
