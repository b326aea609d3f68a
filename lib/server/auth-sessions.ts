// Console sessions (SPEC §6 "sessions end when they should"). The session cookie is a JWT that
// names a row of auth_sessions; every request loads the actor through that row (one query, see
// loadSessionActor), so ending the row ends the session on every instance at its next request.
import { prisma } from "@/lib/db/client";
import { isUuid } from "@/lib/ids";
import type { Prisma as PrismaNs } from "@/lib/generated/prisma/client";

type Db = PrismaNs.TransactionClient;

export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

/** Opens a session for an account that has just signed in; tidies its old rows on the way. */
export async function openAuthSession(accountId: string, now = new Date()): Promise<{ id: string; expiresAt: Date }> {
  const db = await prisma();
  const expiresAt = new Date(now.getTime() + SESSION_MAX_AGE_SECONDS * 1000);
  await db.authSession.deleteMany({ where: { accountId, OR: [{ expiresAt: { lt: now } }, { endedAt: { lt: new Date(now.getTime() - 24 * 3600_000) } }] } });
  const row = await db.authSession.create({ data: { accountId, expiresAt } });
  return { id: row.id, expiresAt };
}

/** Ends one session (sign-out). Unknown or malformed ids are ignored. */
export async function endAuthSession(sessionId: string | null | undefined): Promise<void> {
  if (!isUuid(sessionId)) return;
  const db = await prisma();
  await db.authSession.updateMany({ where: { id: sessionId, endedAt: null }, data: { endedAt: new Date() } });
}

/** Ends every open session of an account (password change or reset, disabling, demotion), except `keep`. */
export async function endAccountSessions(tx: Db, accountId: string, options: { keep?: string | null } = {}): Promise<number> {
  const { count } = await tx.authSession.updateMany({
    where: { accountId, endedAt: null, ...(options.keep ? { id: { not: options.keep } } : {}) },
    data: { endedAt: new Date() },
  });
  return count;
}
