// Applies prisma/migrations/*/migration.sql without Prisma's native engine and records each one
// in Prisma's own `_prisma_migrations` table (same columns, same sha256 checksum), so that
// `prisma migrate deploy` on a machine that has the engine sees the same history.
import { createHash, randomUUID } from "node:crypto";
import { existsSync, readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import type { SqlRunner } from "./sql";

export const defaultMigrationsDir = path.resolve(import.meta.dirname, "..", "..", "prisma", "migrations");

// The advisory lock id Prisma Migrate itself uses, so that both never run at once.
const MIGRATION_LOCK_ID = 72707369;

const CREATE_MIGRATIONS_TABLE = `CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
    "id"                    VARCHAR(36) PRIMARY KEY NOT NULL,
    "checksum"              VARCHAR(64) NOT NULL,
    "finished_at"           TIMESTAMPTZ,
    "migration_name"        VARCHAR(255) NOT NULL,
    "logs"                  TEXT,
    "rolled_back_at"        TIMESTAMPTZ,
    "started_at"            TIMESTAMPTZ NOT NULL DEFAULT now(),
    "applied_steps_count"   INTEGER NOT NULL DEFAULT 0
)`;

export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

export function readMigrations(dir = defaultMigrationsDir): Migration[] {
  if (!existsSync(dir)) throw new Error(`Migrations folder not found: ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory() && existsSync(path.join(dir, d.name, "migration.sql")))
    .map((d) => d.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, "migration.sql"), "utf8");
      return { name, sql, checksum: createHash("sha256").update(sql).digest("hex") };
    });
}

export interface MigrateResult {
  applied: string[];
  total: number;
}

/**
 * Applies pending migrations, each in its own transaction. Concurrent callers (two instances
 * starting on one empty database) serialise on an advisory lock; the second finds nothing to do.
 */
export async function migrate(db: SqlRunner, dir = defaultMigrationsDir): Promise<MigrateResult> {
  const migrations = readMigrations(dir);
  return db.withConnection(async (conn) => {
    await conn.query("SELECT pg_advisory_lock($1)", [MIGRATION_LOCK_ID]);
    try {
      await conn.exec(CREATE_MIGRATIONS_TABLE);
      const rows = await conn.query<{ migration_name: string; checksum: string; finished_at: Date | null }>(
        `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
      );
      const done = new Map(rows.map((r) => [r.migration_name, r]));
      for (const r of rows) {
        if (!r.finished_at) {
          throw new Error(
            `Migration ${r.migration_name} was started but never finished; fix the database by hand, then mark it rolled back.`,
          );
        }
      }
      const applied: string[] = [];
      for (const m of migrations) {
        const prior = done.get(m.name);
        if (prior) {
          if (prior.checksum !== m.checksum) {
            console.warn(`warning: migration ${m.name} was edited after it was applied (checksum differs).`);
          }
          continue;
        }
        const id = randomUUID();
        await conn.exec("BEGIN");
        try {
          await conn.exec(m.sql);
          await conn.query(
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count)
             VALUES ($1, $2, $3, now(), now(), 1)`,
            [id, m.checksum, m.name],
          );
          await conn.exec("COMMIT");
        } catch (err) {
          await conn.exec("ROLLBACK");
          throw new Error(`Migration ${m.name} failed: ${(err as Error).message}`);
        }
        applied.push(m.name);
      }
      return { applied, total: migrations.length };
    } finally {
      await conn.query("SELECT pg_advisory_unlock($1)", [MIGRATION_LOCK_ID]);
    }
  });
}
