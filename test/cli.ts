// Test support: the `spendline` command line as an operator runs it — a real process
// (bin/spendline.mjs) against a database of this test file's own: a scratch PostgreSQL database
// when TEST_DATABASE_URL is set, otherwise the embedded database in a temporary folder.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll } from "vitest";
import { createScratchPostgres, testServerUrl } from "@/test/database";

const run = promisify(execFile);
const bin = path.resolve(import.meta.dirname, "..", "bin", "spendline.mjs");

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface TestCli {
  /**
   * Runs `spendline <args>` to its end with `env` on top; a failure is a non-zero code, not a throw.
   * `embedded`: on the embedded database in dataDir even when the file uses PostgreSQL.
   */
  cli(args: string[], env?: Record<string, string>, options?: { embedded?: boolean }): Promise<CliResult>;
  /** The scratch PostgreSQL database the commands use, or undefined on the embedded database. */
  databaseUrl: string | undefined;
  /** The embedded database's folder (used when databaseUrl is undefined). */
  dataDir: string;
}

export interface TestCliOptions {
  /** Names the temporary folder, e.g. "bills" → spendline-bills-XXXXXX. */
  name: string;
  /** Settings every command gets. */
  env?: Record<string, string>;
  /** Settings of this process the commands must not inherit (DATABASE_URL never is). */
  unset?: string[];
}

/**
 * Gives this test file a database of its own for the command line and a `cli` that runs commands
 * against it; the database is dropped (the folder removed) after the file's tests.
 */
export async function setupTestCli(options: TestCliOptions): Promise<TestCli> {
  const server = testServerUrl();
  const dataDir = mkdtempSync(path.join(tmpdir(), `spendline-${options.name}-`));
  const scratch = server ? await createScratchPostgres(server) : null;
  afterAll(async () => {
    await scratch?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  function env(extra: Record<string, string>, embedded: boolean): NodeJS.ProcessEnv {
    const e: NodeJS.ProcessEnv = { ...process.env, SPENDLINE_BCRYPT_COST: "4", ...options.env };
    for (const name of ["DATABASE_URL", ...(options.unset ?? [])]) delete e[name];
    if (scratch && !embedded) e.DATABASE_URL = scratch.url;
    else e.SPENDLINE_DATA_DIR = dataDir;
    return { ...e, ...extra };
  }

  async function cli(args: string[], extra: Record<string, string> = {}, runOptions: { embedded?: boolean } = {}): Promise<CliResult> {
    try {
      const { stdout, stderr } = await run(process.execPath, [bin, ...args], { env: env(extra, runOptions.embedded ?? false), timeout: 180_000 });
      return { code: 0, stdout, stderr };
    } catch (err) {
      const e = err as { code?: number; stdout?: string; stderr?: string };
      return { code: typeof e.code === "number" ? e.code : 1, stdout: e.stdout ?? "", stderr: e.stderr ?? "" };
    }
  }

  return { cli, databaseUrl: scratch?.url, dataDir };
}
