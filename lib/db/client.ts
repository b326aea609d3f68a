// The one way to reach the database: embedded PGlite in ./.data (no DATABASE_URL) or PostgreSQL
// through @prisma/adapter-pg. Everything above this module sees the same Prisma client.
import { mkdirSync, readFileSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { PGlite } from "@electric-sql/pglite";
import { PrismaPGlite } from "pglite-prisma-adapter";
import { PrismaPg } from "@prisma/adapter-pg";
import pg from "pg";
import { PrismaClient } from "@/lib/generated/prisma/client";
import { dataDir as defaultDataDir, databaseUrl } from "./config";
import { pgliteRunner, poolRunner, type SqlRunner } from "./sql";

export type Prisma = InstanceType<typeof PrismaClient>;

export interface Database {
  kind: "pglite" | "postgres";
  prisma: Prisma;
  sql: SqlRunner;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** PostgreSQL URL; when absent the embedded database is used. */
  url?: string;
  /** Folder of the embedded database; "memory" for a throw-away in-memory one (tests). */
  dataDir?: string;
  poolSize?: number;
}

export class EmbeddedDatabaseBusyError extends Error {
  constructor(dir: string, pid: number) {
    super(
      `The embedded database in ${dir} is in use by another Spendline process (pid ${pid}). ` +
        `Stop the server first, or set DATABASE_URL to use PostgreSQL.`,
    );
    this.name = "EmbeddedDatabaseBusyError";
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

// PGlite is one process's database: a second process opening the same files would corrupt them.
function acquireLock(dir: string): () => void {
  const lockPath = path.join(dir, "spendline.lock");
  const mine = JSON.stringify({ pid: process.pid, ppid: process.ppid, since: new Date().toISOString(), argv: process.argv.slice(1, 3) });
  try {
    writeFileSync(lockPath, mine, { flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
    let holder = 0;
    try {
      holder = Number(JSON.parse(readFileSync(lockPath, "utf8")).pid) || 0;
    } catch {
      holder = 0;
    }
    if (holder && holder !== process.pid && isAlive(holder)) throw new EmbeddedDatabaseBusyError(dir, holder);
    writeFileSync(lockPath, mine);
  }
  const release = () => {
    try {
      if (JSON.parse(readFileSync(lockPath, "utf8")).pid === process.pid) unlinkSync(lockPath);
    } catch {
      // already gone
    }
  };
  process.once("exit", release);
  return release;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const url = options.url ?? databaseUrl();
  if (url) {
    const pool = new pg.Pool({
      connectionString: url,
      max: options.poolSize ?? Number(process.env.DATABASE_POOL_SIZE ?? 10),
      connectionTimeoutMillis: 5_000,
    });
    // An idle client losing its server must not crash the process; the next query reports it.
    pool.on("error", () => {});
    const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
    return {
      kind: "postgres",
      prisma,
      sql: poolRunner(pool),
      async close() {
        await prisma.$disconnect();
        await pool.end().catch(() => {});
      },
    };
  }

  const dir = options.dataDir ?? defaultDataDir();
  let release = () => {};
  let pglite: PGlite;
  if (dir === "memory") {
    pglite = new PGlite();
  } else {
    mkdirSync(dir, { recursive: true });
    release = acquireLock(dir);
    try {
      pglite = new PGlite(path.join(dir, "pglite"));
      await pglite.waitReady;
    } catch (err) {
      release();
      throw err;
    }
  }
  await pglite.waitReady;
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });
  return {
    kind: "pglite",
    prisma,
    sql: pgliteRunner(pglite),
    async close() {
      await prisma.$disconnect();
      await pglite.close();
      release();
    },
  };
}

const globalKey = Symbol.for("spendline.database");
type GlobalWithDb = typeof globalThis & { [globalKey]?: Promise<Database> };

/** The process-wide database (one PGlite instance or one pool), opened on first use. */
export function getDatabase(): Promise<Database> {
  const g = globalThis as GlobalWithDb;
  if (!g[globalKey]) {
    g[globalKey] = openDatabase().catch((err) => {
      delete g[globalKey];
      throw err;
    });
  }
  return g[globalKey];
}

/** Replaces the process-wide database (tests, CLI). */
export function setDatabase(db: Database | undefined): void {
  const g = globalThis as GlobalWithDb;
  if (db) g[globalKey] = Promise.resolve(db);
  else delete g[globalKey];
}

export async function closeDatabase(): Promise<void> {
  const g = globalThis as GlobalWithDb;
  const db = g[globalKey];
  delete g[globalKey];
  if (db) await (await db).close();
}

export async function prisma(): Promise<Prisma> {
  return (await getDatabase()).prisma;
}
