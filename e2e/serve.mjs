// Starts `npm start`'s server for the browser tests on a fresh database: a new embedded one in
// a temporary folder, or E2E_DATABASE_URL (PostgreSQL) when set.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { spawn } from "node:child_process";

const env = { ...process.env };
if (process.env.E2E_DATABASE_URL) {
  env.DATABASE_URL = process.env.E2E_DATABASE_URL;
} else {
  delete env.DATABASE_URL;
  env.SPENDLINE_DATA_DIR = mkdtempSync(path.join(tmpdir(), "spendline-e2e-"));
}
const child = spawn(process.execPath, ["bin/start.mjs"], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => child.kill(signal));
child.on("exit", (code) => process.exit(code ?? 0));
