// `npm run bench`: runs every scripts/bench/*.ts in name order, each in its own process, and
// prints their reports. Benchmarks report ratios measured in one run; they never fail a build.
import { spawnSync } from "node:child_process";
import { readdirSync } from "node:fs";
import path from "node:path";

const dir = path.join(import.meta.dirname, "bench");
// `npm run bench -- console --events 1000000`: names first, then options passed to each bench.
const args = process.argv.slice(2);
const firstOption = args.findIndex((a) => a.startsWith("-"));
const only = firstOption === -1 ? args : args.slice(0, firstOption);
const options = firstOption === -1 ? [] : args.slice(firstOption);
const files = readdirSync(dir)
  .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.startsWith(o)))
  .sort();

let failed = 0;
for (const file of files) {
  console.log(`\n=== ${file.replace(/\.ts$/, "")} ===`);
  const res = spawnSync(process.execPath, ["--import", "tsx", path.join(dir, file), ...options], { stdio: "inherit", cwd: path.resolve(import.meta.dirname, "..") });
  if (res.status !== 0) {
    failed += 1;
    console.log(`(${file} exited with ${res.status ?? res.signal})`);
  }
}
process.exitCode = failed ? 1 : 0;
