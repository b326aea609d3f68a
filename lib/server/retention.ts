// Retention (SPEC §4): raw events older than a configured age lose their stored content, or are
// deleted whole; roll-ups of those periods are kept and the watermark tells rebuild/verify where
// raw events stop being complete.
import { prisma } from "@/lib/db/client";
import { assertSuperAdmin, type Actor } from "./authz";
import { writeAudit } from "./audit";
import { getSetting, setSetting } from "./app-settings";
import { RETENTION_WATERMARK_SETTING } from "./rollups";

export interface PruneOptions {
  olderThanDays: number;
  /** Only clear prompt, response and error text; keep the events. */
  contentOnly?: boolean;
  batchSize?: number;
  now?: Date;
  onProgress?: (done: number) => void;
}

export interface PruneResult {
  cutoff: string;
  affected: number;
  mode: "content" | "delete";
}

export async function pruneUsage(actor: Actor, options: PruneOptions): Promise<PruneResult> {
  assertSuperAdmin(actor);
  if (!Number.isInteger(options.olderThanDays) || options.olderThanDays < 1) {
    throw new Error("--days must be a whole number of days, at least 1");
  }
  const db = await prisma();
  const cutoff = new Date((options.now ?? new Date()).getTime() - options.olderThanDays * 86_400_000);
  const batch = options.batchSize ?? 5_000;
  let affected = 0;
  if (!options.contentOnly) {
    // The watermark moves first: from now on rebuild/verify ignore periods before the cutoff.
    const previous = await getSetting(RETENTION_WATERMARK_SETTING);
    if (!previous || new Date(previous) < cutoff) await setSetting(RETENTION_WATERMARK_SETTING, cutoff.toISOString());
  }
  for (;;) {
    const n = options.contentOnly
      ? await db.$executeRawUnsafe(
          `UPDATE usage_events SET prompt = NULL, response = NULL, error = NULL
            WHERE id IN (SELECT id FROM usage_events WHERE occurred_at < $1::timestamptz
                           AND (prompt IS NOT NULL OR response IS NOT NULL OR error IS NOT NULL) LIMIT ${batch})`,
          cutoff.toISOString(),
        )
      : await db.$executeRawUnsafe(
          `DELETE FROM usage_events WHERE id IN (SELECT id FROM usage_events WHERE occurred_at < $1::timestamptz LIMIT ${batch})`,
          cutoff.toISOString(),
        );
    affected += n;
    options.onProgress?.(affected);
    if (n < batch) break;
  }
  await db.$transaction((tx) =>
    writeAudit(tx, actor, { action: options.contentOnly ? "retention.clear_content" : "retention.delete_events", targetType: "usage_events", after: { cutoff: cutoff.toISOString(), affected } }),
  );
  return { cutoff: cutoff.toISOString(), affected, mode: options.contentOnly ? "content" : "delete" };
}
