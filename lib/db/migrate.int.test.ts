import { describe, expect, it } from "vitest";
import { openDatabase } from "./client";
import { migrate, readMigrations } from "./migrate";
import type { SqlRunner } from "./sql";
import { createScratchPostgres, postgresServerUrl } from "@/test/database";
import { diffMigrationsToSchema } from "@/scripts/schema-engine";

// The PostgreSQL cases run on every run, the embedded-database one included.
const server = postgresServerUrl();

async function describeSchema(sql: SqlRunner) {
  const columns = await sql.query<{ t: string; c: string; type: string; nullable: string; dflt: string | null }>(
    `SELECT table_name AS t, column_name AS c, udt_name AS type, is_nullable AS nullable, column_default AS dflt
       FROM information_schema.columns WHERE table_schema = 'public' ORDER BY table_name, column_name`,
  );
  const indexes = await sql.query<{ indexdef: string }>(`SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY indexname`);
  const constraints = await sql.query<{ def: string }>(
    `SELECT conrelid::regclass::text || ' ' || conname || ' ' || pg_get_constraintdef(oid) AS def
       FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND contype <> 'n' ORDER BY conrelid::regclass::text, conname`,
  );
  return { columns, indexes: indexes.map((i) => i.indexdef), constraints: constraints.map((c) => c.def) };
}

describe("migrations", () => {
  it("apply once, record Prisma's _prisma_migrations rows, and apply nothing the second time", async () => {
    const db = await openDatabase({ dataDir: "memory" });
    try {
      const first = await migrate(db.sql);
      expect(first.applied).toEqual(readMigrations().map((m) => m.name));
      expect((await migrate(db.sql)).applied).toEqual([]);
      const rows = await db.sql.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" ORDER BY migration_name`,
      );
      expect(rows.map((r) => [r.migration_name, r.checksum])).toEqual(readMigrations().map((m) => [m.name, m.checksum]));
      expect(rows.every((r) => r.finished_at !== null)).toBe(true);
    } finally {
      await db.close();
    }
  });

  it("match prisma/schema.prisma exactly (no drift)", async () => {
    expect(await diffMigrationsToSchema()).toBe("");
  });

  it("produce the same tables, indexes and constraints on PostgreSQL and PGlite", async () => {
    const scratch = await createScratchPostgres(server);
    const pgDb = await openDatabase({ url: scratch.url });
    const lite = await openDatabase({ dataDir: "memory" });
    try {
      await migrate(pgDb.sql);
      await migrate(lite.sql);
      const [a, b] = [await describeSchema(pgDb.sql), await describeSchema(lite.sql)];
      expect(a.columns.length).toBeGreaterThan(100);
      expect(b).toEqual(a);
    } finally {
      await pgDb.close();
      await lite.close();
      await scratch.drop();
    }
  });

  it("two instances migrating one empty PostgreSQL database at once do not break each other", async () => {
    const scratch = await createScratchPostgres(server);
    const one = await openDatabase({ url: scratch.url });
    const two = await openDatabase({ url: scratch.url });
    try {
      const results = await Promise.all([migrate(one.sql), migrate(two.sql)]);
      const applied = results.flatMap((r) => r.applied);
      expect(applied.sort()).toEqual(readMigrations().map((m) => m.name).sort());
      const [{ n }] = await one.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "_prisma_migrations"`);
      expect(n).toBe(readMigrations().length);
    } finally {
      await one.close();
      await two.close();
      await scratch.drop();
    }
  });
});
