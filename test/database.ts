// Integration tests run against a real database: a fresh PostgreSQL database when
// TEST_DATABASE_URL (or DATABASE_URL) is set, otherwise an in-memory PGlite. Both get the real
// migrations, and the data layer is pointed at the test database.
import { afterAll } from "vitest";
import { openDatabase, setDatabase, type Database } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createScratchPostgres } from "@/lib/db/scratch";

export function testServerUrl(): string | undefined {
  const url = process.env.TEST_DATABASE_URL || process.env.DATABASE_URL || undefined;
  // CI's PostgreSQL run sets this, so a missing server fails every test instead of quietly running
  // them on the embedded database and skipping the PostgreSQL-only ones.
  if (!url && process.env.SPENDLINE_REQUIRE_POSTGRES === "1") throw new Error("SPENDLINE_REQUIRE_POSTGRES=1 but TEST_DATABASE_URL is not set");
  return url;
}

export { createScratchPostgres } from "@/lib/db/scratch";

export interface TestDatabase extends Database {
  url?: string;
}

/**
 * Opens a migrated test database for this test file, installs it as the process database and
 * closes (and drops) it after the file's tests.
 */
export async function setupTestDatabase(options: { poolSize?: number } = {}): Promise<TestDatabase> {
  const server = testServerUrl();
  let db: TestDatabase;
  let drop = async () => {};
  if (server) {
    const scratch = await createScratchPostgres(server);
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

/** The same as setupTestDatabase (older name). */
export const useTestDatabase = setupTestDatabase;
