import type { PGlite } from "@electric-sql/pglite";
import type { Pool, PoolClient } from "pg";

/** The few raw-SQL operations the migrator and bootstrap need, on either database. */
export interface SqlRunner {
  /**
   * Runs one statement. `name` makes it a prepared statement on PostgreSQL: each connection parses
   * and plans the text once and then sends only the values — for the statements of the hot paths
   * (ingest, budget check), whose texts are constant and long. Names must be unique per text.
   */
  query<T = Record<string, unknown>>(sql: string, params?: unknown[], name?: string): Promise<T[]>;
  /** Runs a multi-statement script. */
  exec(sql: string): Promise<void>;
  /** Runs fn with exclusive use of one connection (a session for advisory locks). */
  withConnection<R>(fn: (conn: SqlRunner) => Promise<R>): Promise<R>;
  /**
   * Runs fn inside BEGIN … COMMIT on one connection (ROLLBACK when it throws): a short
   * transaction through the driver, without an ORM's interactive-transaction machinery.
   */
  transaction<R>(fn: (tx: SqlRunner) => Promise<R>): Promise<R>;
}

type PGliteLike = Pick<PGlite, "query" | "exec">;

function pgliteTxRunner(tx: PGliteLike): SqlRunner {
  const runner: SqlRunner = {
    async query<T>(sql: string, params?: unknown[]) {
      return (await tx.query<T>(sql, params as unknown[])).rows;
    },
    async exec(sql: string) {
      await tx.exec(sql);
    },
    withConnection: (fn) => fn(runner),
    transaction: (fn) => fn(runner),
  };
  return runner;
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
    // PGlite's own transaction() holds its lock until the end, so no other caller's statement
    // (Prisma's included) can land inside this transaction.
    transaction: (fn) => db.transaction((tx) => fn(pgliteTxRunner(tx as unknown as PGliteLike))),
  };
  return runner;
}

export function poolRunner(pool: Pool): SqlRunner {
  const clientRunner = (client: PoolClient): SqlRunner => {
    const conn: SqlRunner = {
      async query<T>(sql: string, params?: unknown[], name?: string) {
        const res = await client.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
        return res.rows as T[];
      },
      async exec(sql: string) {
        await client.query(sql);
      },
      withConnection: (inner) => inner(conn),
      transaction: (inner) => inner(conn),
    };
    return conn;
  };
  return {
    async query<T>(sql: string, params?: unknown[], name?: string) {
      const res = await pool.query(name ? { name, text: sql, values: params } : { text: sql, values: params });
      return res.rows as T[];
    },
    async exec(sql: string) {
      await pool.query(sql);
    },
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn(clientRunner(client));
      } finally {
        client.release();
      }
    },
    async transaction(fn) {
      const client = await pool.connect();
      let broken: unknown = undefined;
      try {
        await client.query("BEGIN");
        const result = await fn(clientRunner(client));
        await client.query("COMMIT");
        return result;
      } catch (err) {
        try {
          await client.query("ROLLBACK");
        } catch (rollbackErr) {
          // A connection that cannot roll back is not given back to the pool.
          broken = rollbackErr;
        }
        throw err;
      } finally {
        client.release(broken instanceof Error ? broken : undefined);
      }
    },
  };
}
