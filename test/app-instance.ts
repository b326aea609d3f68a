// Test support: one app instance in its own Node process (its own connection pool and caches), on
// a free loopback port, for tests of what must hold across instances on one PostgreSQL.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

export const repoRoot = path.resolve(import.meta.dirname, "..");

export interface AppInstance {
  child: ChildProcess;
  base: string;
}

/** Starts test/http-server.ts against `databaseUrl` with `env` on top of this process's. */
export function startAppInstance(databaseUrl: string, env: Record<string, string>): Promise<AppInstance> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(repoRoot, "test/http-server.ts")], {
    cwd: repoRoot,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: "0", ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, base: `http://127.0.0.1:${m[1]}` });
    });
    child.once("exit", (code) => reject(new Error(`instance exited with ${code}: ${out}`)));
  });
}
