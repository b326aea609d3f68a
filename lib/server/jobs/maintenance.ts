// Table upkeep by the worker where the database does not do it itself. Budget checks and ingest
// update the same counter and roll-up rows and insert and delete reservation links thousands of
// times a minute, and planning relies on current statistics. With autovacuum off (as on the CI
// machines, `autovacuum = off` in their PostgreSQL configuration) dead rows pile up and every
// check walks them: measured here, 135,922 dead reservation links made one budget check take
// 25 ms instead of under 1 ms. So when autovacuum is off, the worker vacuums the tables with many
// dead rows and analyzes those with many changes since their last analysis, with the thresholds
// autovacuum itself would use (scaled down: hot tables are small). PostgreSQL only: the embedded
// database serves one process and is small.
import { getDatabase } from "@/lib/db/client";

const MIN_ROWS = 1_000;

export interface MaintenanceResult {
  vacuumed: string[];
  analyzed: string[];
}

interface TableStats {
  relname: string;
  needs_vacuum: boolean;
  needs_analyze: boolean;
}

/** Vacuums / analyzes this schema's tables that need it; with `always`, also when autovacuum is on. */
export async function maintainTables(options: { always?: boolean } = {}): Promise<MaintenanceResult> {
  const db = await getDatabase();
  const none: MaintenanceResult = { vacuumed: [], analyzed: [] };
  if (db.kind !== "postgres") return none;
  if (!options.always) {
    const [setting] = await db.sql.query<{ on: boolean }>("SELECT current_setting('autovacuum') = 'on' AS on");
    if (setting?.on) return none;
  }
  const tables = await db.sql.query<TableStats>(
    `SELECT relname,
            n_dead_tup >= $1 AND n_dead_tup > 0.2 * n_live_tup AS needs_vacuum,
            n_mod_since_analyze >= $1 AND n_mod_since_analyze > 0.1 * n_live_tup AS needs_analyze
     FROM pg_stat_user_tables WHERE schemaname = current_schema() AND relname <> '_prisma_migrations'
     ORDER BY relname`,
    [MIN_ROWS],
  );
  const result: MaintenanceResult = { vacuumed: [], analyzed: [] };
  for (const t of tables) {
    // The name comes from the catalog; quoted as an identifier all the same.
    const table = `"${t.relname.replaceAll('"', '""')}"`;
    if (t.needs_vacuum) {
      await db.sql.query(`VACUUM (ANALYZE) ${table}`);
      result.vacuumed.push(t.relname);
    } else if (t.needs_analyze) {
      await db.sql.query(`ANALYZE ${table}`);
      result.analyzed.push(t.relname);
    }
  }
  return result;
}
