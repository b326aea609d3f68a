import type { PGlite } from "@electric-sql/pglite";
import type { Pool } from "pg";

/** The few raw-SQL operations the migrator and bootstrap need, on either database. */
export interface SqlRunner {
  query<T = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<T[]>;
  /** Runs a multi-statement script. */
  exec(sql: string): Promise<void>;
  /** Runs fn with exclusive use of one connection (a session for advisory locks). */
  withConnection<R>(fn: (conn: SqlRunner) => Promise<R>): Promise<R>;
}

export function pgliteRunner(db: PGlite): SqlRunner {
  const runner: SqlRunner = {
    async query<T>(sql: string, params?: unknown[]) {
      const res = await db.query<T>(sql, params as unknown[]);
      return res.rows;
    },
    async exec(sql: string) {
      await db.exec(sql);
    },
    // PGlite has a single connection and serialises callers itself.
    withConnection: (fn) => fn(runner),
  };
  return runner;
}

export function poolRunner(pool: Pool): SqlRunner {
  return {
    async query<T>(sql: string, params?: unknown[]) {
      const res = await pool.query(sql, params);
      return res.rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        const conn: SqlRunner = {
          async query<T>(sql: string, params?: unknown[]) {
            const res = await client.query(sql, params);
            return res.rows as T[];
          },
          async exec(sql: string) {
            await client.query(sql);
          },
          withConnection: (inner) => inner(conn),
        };
        return await fn(conn);
      } finally {
        client.release();
      }
    },
  };
}
