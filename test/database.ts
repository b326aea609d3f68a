// Integration tests run against a real database: a fresh PostgreSQL database when
// TEST_DATABASE_URL (or DATABASE_URL) is set, otherwise an in-memory PGlite. Both get the real
// migrations, and the data layer is pointed at the test database.
import { afterAll } from "vitest";
import { getDatabase, openDatabase, setDatabase, type Database } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createScratchPostgres } from "@/lib/db/scratch";

export function testServerUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
  // CI's PostgreSQL run sets this, so a missing server fails every test instead of quietly running
  // them on the embedded database and skipping the PostgreSQL-only ones.
  if (!url && process.env.SPENDLINE_REQUIRE_POSTGRES === "1") throw new Error("SPENDLINE_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
  return url;
}

/** The local server of these machines (trust auth), for tests that need PostgreSQL whatever the run. */
const LOCAL_POSTGRES = "postgres://postgres@127.0.0.1:5432/postgres";

/**
 * The server for tests that only make sense on PostgreSQL (two app instances on one database,
 * PostgreSQL against PGlite): TEST_DATABASE_URL when set, otherwise the local server. Such tests
 * never skip: without a reachable PostgreSQL they fail, naming the URL they tried.
 */
export function postgresServerUrl(): string {
  return testServerUrl() ?? LOCAL_POSTGRES;
}

export { createScratchPostgres } from "@/lib/db/scratch";

async function scratchPostgres(server: string) {
  return createScratchPostgres(server).catch((err: unknown) => {
    throw new Error(`These tests need PostgreSQL; ${server.replace(/\/\/[^@]*@/, "//…@")} is not reachable (set TEST_DATABASE_URL): ${err instanceof Error ? err.message : String(err)}`);
  });
}

export interface TestDatabase extends Database {
  url?: string;
}

/**
 * Opens a migrated test database for this test file, installs it as the process database and
 * closes (and drops) it after the file's tests.
 */
export async function setupTestDatabase(options: { poolSize?: number; postgres?: boolean } = {}): Promise<TestDatabase> {
  // `postgres`: this file's tests need PostgreSQL, on the embedded-database run too.
  const server = options.postgres ? postgresServerUrl() : testServerUrl();
  let db: TestDatabase;
  let drop = async () => {};
  if (server) {
    const scratch = await scratchPostgres(server);
    drop = scratch.drop;
    db = Object.assign(await openDatabase({ url: scratch.url, poolSize: options.poolSize ?? 20 }), { url: scratch.url });
  } else {
    db = await openDatabase({ dataDir: "memory" });
  }
  await migrate(db.sql);
  setDatabase(db);
  afterAll(async () => {
    setDatabase(undefined);
    await db.close();
    await drop();
  });
  return db;
}

/**
 * Runs `fn` with a migrated scratch PostgreSQL database installed as the process database, whatever
 * database the rest of the file uses, then puts the file's database back and drops the scratch
 * one: for the cases of a file that only make sense on PostgreSQL.
 */
export async function withPostgresTestDatabase<T>(fn: (db: TestDatabase) => Promise<T>): Promise<T> {
  const previous = await getDatabase();
  const scratch = await scratchPostgres(postgresServerUrl());
  const db: TestDatabase = Object.assign(await openDatabase({ url: scratch.url, poolSize: 10 }), { url: scratch.url });
  try {
    await migrate(db.sql);
    setDatabase(db);
    return await fn(db);
  } finally {
    setDatabase(previous);
    await db.close();
    await scratch.drop();
  }
}

/** The same as setupTestDatabase (older name). */
export const useTestDatabase = setupTestDatabase;
