// Table upkeep where autovacuum is off (lib/server/jobs/maintenance.ts).
import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/database";
import { maintainTables } from "./maintenance";

const database = await useTestDatabase();

async function deadRows(table: string): Promise<number> {
  const [row] = await database.sql.query<{ n: string }>("SELECT n_dead_tup::text AS n FROM pg_stat_user_tables WHERE relname = $1", [table]);
  return Number(row?.n ?? 0);
}

describe(`table upkeep (${database.kind})`, () => {
  it("vacuums a table full of dead rows and leaves the others alone", async () => {
    await database.sql.withConnection(async (conn) => {
      await conn.query("INSERT INTO rate_limit_buckets (key, tokens, refilled_at) SELECT 'maint-' || i, 1, now() FROM generate_series(1, 3000) i");
      await conn.query("DELETE FROM rate_limit_buckets WHERE key LIKE 'maint-%'");
      if (database.kind === "postgres") {
        // Statistics reach the shared counters at the end of the next transaction of this session.
        await conn.query("SELECT pg_stat_force_next_flush()");
        await conn.query("SELECT 1");
      }
    });
    const result = await maintainTables({ always: true });
    if (database.kind === "pglite") {
      // One process, small data: nothing to do.
      expect(result).toEqual({ vacuumed: [], analyzed: [] });
      return;
    }
    expect(result.vacuumed).toContain("rate_limit_buckets");
    expect(result.vacuumed).not.toContain("organizations");
    expect(await deadRows("rate_limit_buckets")).toBe(0);
    // Done: a second pass finds nothing left to vacuum there.
    expect((await maintainTables({ always: true })).vacuumed).not.toContain("rate_limit_buckets");
  });
});
