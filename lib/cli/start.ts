// What `npm start` does: apply migrations, create the super admin and the auth secret, build the
// console when the sources are newer than the last build, then serve it and print the URL.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { closeDatabase, getDatabase } from "@/lib/db/client";
import { describeDatabase } from "@/lib/db/config";
import { migrate } from "@/lib/db/migrate";
import { bootstrapSuperAdmin } from "@/lib/server/accounts";
import { getAuthSecret } from "@/lib/server/app-settings";
import { describeError } from "./main";
import { prepareDatabase } from "./prepare";

const SOURCE_DIRS = ["app", "components", "lib", "public"];
const SOURCE_FILES = ["next.config.mjs", "package.json", "proxy.ts", "instrumentation.ts", "tailwind.config.ts", "postcss.config.mjs", "tsconfig.json"];

function newestMtime(p: string): number {
  if (!existsSync(p)) return 0;
  const st = statSync(p);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(p)) {
    if (entry === "generated" || entry.endsWith(".test.ts")) continue;
    newest = Math.max(newest, newestMtime(path.join(p, entry)));
  }
  return newest;
}

export function buildIsStale(root: string, distDir: string): boolean {
  const buildId = path.join(root, distDir, "BUILD_ID");
  if (!existsSync(buildId)) return true;
  const built = statSync(buildId).mtimeMs;
  const sources = Math.max(...SOURCE_DIRS.map((d) => newestMtime(path.join(root, d))), ...SOURCE_FILES.map((f) => newestMtime(path.join(root, f))));
  return sources > built;
}

async function prepare(): Promise<void> {
  const db = await getDatabase();
  const result = await migrate(db.sql);
  for (const name of result.applied) console.log(`Applied migration ${name}`);
  await prepareDatabase();
  const admin = await bootstrapSuperAdmin({ email: process.env.ADMIN_EMAIL, password: process.env.ADMIN_PASSWORD });
  if (admin.status === "created") {
    if (admin.generatedPassword) {
      console.log(`Created super admin ${admin.email} with the generated password: ${admin.generatedPassword}`);
      console.log("This password is shown only once. Set ADMIN_EMAIL / ADMIN_PASSWORD to choose your own.");
    } else {
      console.log(`Created super admin ${admin.email}.`);
    }
  } else if (!admin.isSuperAdmin) {
    console.warn(`warning: the account ${admin.email} exists but is not a super admin; it was left unchanged.`);
  }
  await getAuthSecret();
}

async function waitForHealth(url: string, child: ReturnType<typeof spawn>, timeoutMs = 120_000): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until && child.exitCode === null) {
    try {
      const res = await fetch(`${url}/api/health`);
      if (res.ok) return true;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  return false;
}

export async function start(root: string): Promise<number> {
  process.env.NEXT_TELEMETRY_DISABLED = "1";
  const port = Number(process.env.PORT ?? 3000);
  const host = process.env.HOSTNAME_BIND ?? "0.0.0.0";
  const url = `http://localhost:${port}`;
  process.env.NEXTAUTH_URL ??= url;
  const distDir = process.env.NEXT_DIST_DIR || ".next";
  const nextBin = path.join(root, "node_modules", "next", "dist", "bin", "next");

  console.log(`Spendline: database is ${describeDatabase()}`);
  try {
    await prepare();
  } catch (err) {
    console.error(`error: ${describeError(err)}`);
    return 1;
  } finally {
    // The server process opens the database itself; the embedded one allows one process only.
    await closeDatabase();
  }

  if (buildIsStale(root, distDir)) {
    console.log("Building the console (first start or changed sources)…");
    const build = spawnSync(process.execPath, [nextBin, "build"], { cwd: root, stdio: "inherit", env: { ...process.env, SPENDLINE_BUILDING: "1" } });
    if (build.status !== 0) {
      console.error("error: the console build failed (see above).");
      return build.status ?? 1;
    }
  }

  const child = spawn(process.execPath, [nextBin, "start", "-p", String(port), "-H", host], { cwd: root, stdio: "inherit", env: process.env });
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.on(signal, () => child.kill(signal));
  }
  if (await waitForHealth(url, child)) console.log(`\nSpendline is running at ${url}\n`);
  return new Promise((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? 0 : 1))));
}
