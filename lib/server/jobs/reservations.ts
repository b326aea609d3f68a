// Old reservations are pruned by the worker: settled, released and expired ones older than a week
// are of no further use (budget counters already hold their effect).
import { prisma } from "@/lib/db/client";

const KEEP_DAYS = 7;

export async function pruneOldReservations(now = new Date()): Promise<number> {
  const db = await prisma();
  const cutoff = new Date(now.getTime() - KEEP_DAYS * 86_400_000);
  return db.$executeRaw`
    DELETE FROM reservations WHERE id IN (
      SELECT id FROM reservations WHERE status <> 'active' AND created_at < ${cutoff.toISOString()}::timestamptz LIMIT 10000)`;
}
