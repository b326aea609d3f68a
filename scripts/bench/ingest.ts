// Server benchmark (SPEC §9): every HTTP figure against the server users run — `npm start`
// (bin/start.mjs: migrate, build when stale, `next start`) on a scratch PostgreSQL database — and,
// in the same run, pgbench of the ingest statement on the same database. Phases: pgbench (one
// event per transaction), single events and batches without and with budgets in scope, budget
// checks at 1 and 8 clients, GET /api/health at 1 client; then every SPEC §9 ratio with met / not
// met. `npm run bench -- ingest` runs this part alone. A report, not a test.
// Settings: BENCH_DATABASE_URL (server to create the scratch database on, default
// postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS (per phase, default 10),
// BENCH_CLIENTS (concurrent clients, default 8), BENCH_INSTANCES (app processes, default 1),
// BENCH_BATCH (events per batch, default 1000), BENCH_PORT (first port, default 3140),
// BENCH_PHASES (comma-separated phases to run, e.g. `check1,health`; default all: pgbench, single,
// single-b, batch, batch-b, check8, check1, health — ratios are printed for what was measured;
// check1 and health run in alternating slices).
// Load goes only to 127.0.0.1, for a bounded time per phase.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import pg from "pg";
import path from "node:path";
import { closeDatabase, openDatabase, setDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createScratchPostgres } from "@/lib/db/scratch";
import { createApiKey, type ApiKeyPrincipal } from "@/lib/server/api-keys";
import { getPriceIndex, seedPriceCatalogIfEmpty, type CatalogPrice } from "@/lib/server/pricing";
import type { PriceIndex } from "@/lib/pricing/match";
import { prepareEvents } from "@/lib/server/ingest/prepare";
import { recordsJson, toRecord } from "@/lib/server/ingest/record";
import { setBudget } from "@/lib/server/budgets/manage";
import { INGEST_UNBUDGETED_SQL } from "@/lib/server/usage-ingest";

const root = path.resolve(import.meta.dirname, "..", "..");
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const clients = Number(process.env.BENCH_CLIENTS ?? 8);
const instanceCount = Number(process.env.BENCH_INSTANCES ?? 1);
const batchSize = Number(process.env.BENCH_BATCH ?? 1000);
const firstPort = Number(process.env.BENCH_PORT ?? 3140);
const PHASES = ["pgbench", "single", "single-b", "batch", "batch-b", "check8", "check1", "health"];
const phases = new Set((process.env.BENCH_PHASES ?? PHASES.join(",")).split(",").map((p) => p.trim()).filter(Boolean));
for (const p of phases) if (!PHASES.includes(p)) throw new Error(`BENCH_PHASES: unknown phase "${p}" (known: ${PHASES.join(", ")})`);

const USERS = 200;
const CATEGORIES = ["chat", "search", "summarize", "classify"];

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

let sequence = 0;
function makeEvent(prefix: string) {
  sequence += 1;
  const n = sequence;
  return {
    event_id: `${prefix}-${n}`,
    provider: "openai",
    model: n % 2 ? "gpt-4o-mini" : "gpt-4o",
    user: `user-${n % USERS}`,
    category: CATEGORIES[n % CATEGORIES.length],
    input_tokens: 1200 + (n % 500),
    cache_read_tokens: 200,
    output_tokens: 300 + (n % 100),
    duration_ms: 850,
  };
}

/** `npm start` on the scratch database, listening on 127.0.0.1:port; resolves once healthy. */
async function startInstance(url: string, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, "bin", "start.mjs")], {
    cwd: root,
    env: {
      ...process.env,
      NODE_ENV: "production",
      DATABASE_URL: url,
      PORT: String(port),
      HOSTNAME_BIND: "127.0.0.1",
      ADMIN_EMAIL: "bench@spendline.test",
      ADMIN_PASSWORD: "bench-password-not-secret",
      DATABASE_POOL_SIZE: String(Math.max(10, clients + 2)),
      // Raised so the load is not throttled; the per-key limiter still runs on every request.
      SPENDLINE_RATE_LIMIT_BURST: "100000000",
      SPENDLINE_RATE_LIMIT_PER_MINUTE: "100000000",
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  let out = "";
  child.stdout!.on("data", (chunk: Buffer) => {
    out += chunk.toString();
    if (out.length > 20_000) out = out.slice(-10_000);
  });
  const until = Date.now() + 600_000;
  while (Date.now() < until) {
    if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${out}`);
    if (/Spendline is running at/.test(out)) return child;
    await new Promise((r) => setTimeout(r, 200));
  }
  child.kill("SIGTERM");
  throw new Error(`npm start did not become healthy:\n${out}`);
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function request(port: number, method: "GET" | "POST", urlPath: string, key: string | null, body: string | null): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string | number> = {};
    if (key) headers.authorization = `Bearer ${key}`;
    if (body !== null) {
      headers["content-type"] = "application/json";
      headers["content-length"] = Buffer.byteLength(body);
    }
    const req = http.request({ host: "127.0.0.1", port, path: urlPath, method, agent, headers }, (res) => {
      res.resume();
      res.on("end", () => resolve(res.statusCode ?? 0));
    });
    req.setTimeout(30_000, () => req.destroy(new Error("request timed out")));
    req.on("error", reject);
    req.end(body ?? undefined);
  });
}

interface PhaseResult {
  events: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
}

type Call = { method: "GET" | "POST"; path: string; key: string | null; body: string | null; events: number };

/** `concurrency` loops sending for `durationS` seconds, round-robin over the instances. */
async function runPhase(ports: number[], concurrency: number, durationS: number, next: () => Call): Promise<PhaseResult> {
  const latenciesMs: number[] = [];
  let events = 0;
  let errors = 0;
  const start = performance.now();
  const end = start + durationS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      let i = c;
      while (performance.now() < end) {
        const call = next();
        const t0 = performance.now();
        const status = await request(ports[i++ % ports.length], call.method, call.path, call.key, call.body).catch(() => 0);
        latenciesMs.push(performance.now() - t0);
        if (status === 200) events += call.events;
        else errors += 1;
      }
    }),
  );
  return { events, seconds: (performance.now() - start) / 1000, latenciesMs: latenciesMs.sort((a, b) => a - b), errors };
}

const usage = (key: string, prefix: string, n = 1): Call => ({
  method: "POST",
  path: "/api/v1/usage",
  key,
  body: JSON.stringify(n === 1 ? makeEvent(prefix) : { events: Array.from({ length: n }, () => makeEvent(prefix)) }),
  events: n,
});

let checks = 0;
const check = (key: string): Call => ({
  method: "POST",
  path: "/api/v1/budgets/check",
  key,
  body: JSON.stringify({ user: `user-${checks++ % USERS}`, estimated_cost_usd: "0.01" }),
  events: 1,
});

const health: Call = { method: "GET", path: "/api/health", key: null, body: null, events: 1 };

/**
 * The statement ingest sends, with its parameters spelled out; :client_id and :n make event ids
 * unique. The records are made by the server's own code (prepareEvents and toRecord), so the
 * script cannot drift from the columns the statement expects.
 */
function pgbenchScript(principal: ApiKeyPrincipal, index: PriceIndex<CatalogPrice>, eventsPerTransaction: number): string {
  const raw = Array.from({ length: eventsPerTransaction }, () => makeEvent("pgb"));
  const { prepared } = prepareEvents(principal, raw, new Date(), index, new Array(raw.length).fill(null));
  // No end user id, so no user in the roll-up key either: aggregates:verify stays clean.
  const records = recordsJson(prepared.map((p, i) => ({ ...toRecord(p), event_id: `pgb-:client_id-:n-${i}`, user_key: "" })));
  // For an organisation that no budget counts, ingest is this one autocommit statement.
  const sql = INGEST_UNBUDGETED_SQL.replaceAll("$1::uuid", `'${principal.orgId}'::uuid`)
    .replace("$2::uuid", `'${principal.keyId}'::uuid`)
    .replace("$3::jsonb", `'${records.replaceAll("'", "''")}'::jsonb`)
    .replace(/\s+/g, " ")
    .trim();
  return `\\set n random(1, 2000000000)\n${sql};\n`;
}

function runPgbench(url: string, script: string, eventsPerTransaction: number): PhaseResult {
  const dir = mkdtempSync(path.join(os.tmpdir(), "spendline-pgbench-"));
  try {
    const file = path.join(dir, "ingest.sql");
    writeFileSync(file, script);
    const u = new URL(url);
    const args = ["-n", "-c", String(clients), "-j", String(Math.min(clients, 2)), "-T", String(seconds), "-f", file, "-l", `--log-prefix=${path.join(dir, "log")}`, "-h", u.hostname, "-p", u.port || "5432", "-U", decodeURIComponent(u.username || "postgres"), u.pathname.slice(1)];
    const res = spawnSync("pgbench", args, { encoding: "utf8", env: { ...process.env, PGPASSWORD: decodeURIComponent(u.password) } });
    if (res.status !== 0) throw new Error(`pgbench failed: ${res.stderr || res.error?.message}`);
    const tps = Number(/tps = ([\d.]+)/.exec(res.stdout)?.[1] ?? NaN);
    const failed = Number(/number of failed transactions: (\d+)/.exec(res.stdout)?.[1] ?? 0);
    const latenciesMs: number[] = [];
    for (const f of readdirSync(dir).filter((n) => n.startsWith("log"))) {
      for (const line of readFileSync(path.join(dir, f), "utf8").split("\n")) {
        const parts = line.split(" ");
        if (parts.length >= 3) latenciesMs.push(Number(parts[2]) / 1000);
      }
    }
    return { events: tps * eventsPerTransaction * seconds, seconds, latenciesMs: latenciesMs.sort((a, b) => a - b), errors: failed };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const rate = (r: PhaseResult) => r.events / r.seconds;

function mergePhases(a: PhaseResult | null, b: PhaseResult): PhaseResult {
  if (!a) return b;
  return { events: a.events + b.events, seconds: a.seconds + b.seconds, latenciesMs: [...a.latenciesMs, ...b.latenciesMs].sort((x, y) => x - y), errors: a.errors + b.errors };
}

function line(label: string, r: PhaseResult, unit = "events/s"): string {
  return `${label.padEnd(48)} ${fmt(rate(r)).padStart(9)} ${unit}   p50 ${fmt(percentile(r.latenciesMs, 50), 2).padStart(7)} ms   p99 ${fmt(percentile(r.latenciesMs, 99), 2).padStart(7)} ms${r.errors ? `   (${r.errors} errors)` : ""}`;
}

function verdict(label: string, value: string, goal: string, met: boolean): string {
  return `${label.padEnd(58)} ${value.padStart(12)}   goal ${goal.padEnd(22)} ${met ? "met" : "NOT met"}`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const scratch = await createScratchPostgres(serverUrl, "spendline_bench");
  const dbUrl = scratch.url;
  const children: ChildProcess[] = [];
  try {
    const db = await openDatabase({ url: dbUrl, poolSize: 4 });
    setDatabase(db);
    await migrate(db.sql);
    await seedPriceCatalogIfEmpty();
    const actor = { kind: "system", label: "bench" } as const;
    const org = await db.prisma.organization.create({ data: { slug: "bench", name: "Bench" } });
    const { key, id: keyId } = await createApiKey(actor, { orgId: org.id });
    const principal: ApiKeyPrincipal = { keyId, prefix: "bench", orgId: org.id, projectId: null, projectKey: null };
    const pgbenchSingle = pgbenchScript(principal, await getPriceIndex(), 1);
    // A second organisation whose every event counts against two budgets (its own and its end
    // user's): its events take the budget path, the first organisation's the single statement.
    const budgeted = await db.prisma.organization.create({ data: { slug: "bench-budgets", name: "Bench with budgets" } });
    const { key: budgetedKey } = await createApiKey(actor, { orgId: budgeted.id });
    await setBudget(actor, budgeted.id, { scope: "organization", limitUsd: "1000000000" });
    for (let u = 0; u < USERS; u++) await setBudget(actor, budgeted.id, { scope: "user", scopeKey: `user-${u}`, limitUsd: "1000000" });
    await closeDatabase();

    const load = os.loadavg().map((l) => l.toFixed(2)).join(", ");
    console.log(`Server benchmark — npm start (next start) on PostgreSQL ${new URL(serverUrl).host}, ${os.cpus().length} CPUs, load average ${load}`);
    console.log(`${seconds}s per phase, ${clients} clients, ${instanceCount} app instance(s)`);
    console.log("The per-key rate limit (shared by all instances through the database) runs on every request below, its limits raised so that it never refuses.");

    const hasPgbench = spawnSync("pgbench", ["--version"]).status === 0;
    if (phases.has("pgbench") && !hasPgbench) console.log("pgbench not found: install PostgreSQL's client tools to get the ratio.");
    const pgSingle = phases.has("pgbench") && hasPgbench ? runPgbench(dbUrl, pgbenchSingle, 1) : null;
    if (pgSingle) console.log(line("pgbench, the ingest statement, 1 event/tx", pgSingle, "tx/s    "));

    const ports = Array.from({ length: instanceCount }, (_, i) => firstPort + i);
    // One after the other: the first start builds when the build is stale.
    for (const port of ports) children.push(await startInstance(dbUrl, port));
    // Warm-up: compile routes, fill pools, the price catalog and the key cache in every instance.
    await runPhase(ports, clients, 2, () => usage(key, "warm"));
    await runPhase(ports, clients, 2, () => usage(budgetedKey, "warm-b"));
    await runPhase(ports, clients, 1, () => check(budgetedKey));
    await runPhase(ports, 1, 1, () => health);

    const batchClients = Math.max(2, Math.min(4, clients));
    const measured: PhaseResult[] = [];
    async function phase(name: string, label: string, unit: string, concurrency: number, next: () => Call): Promise<PhaseResult | null> {
      if (!phases.has(name)) return null;
      const r = await runPhase(ports, concurrency, seconds, next);
      measured.push(r);
      console.log(line(label, r, unit));
      return r;
    }
    const single = await phase("single", "POST /api/v1/usage, one event", "events/s", clients, () => usage(key, "single"));
    const singleBudgeted = await phase("single-b", "POST /api/v1/usage, one event, 2 budgets in scope", "events/s", clients, () => usage(budgetedKey, "single-b"));
    const batched = await phase("batch", `POST /api/v1/usage, batches of ${batchSize} (${batchClients} clients)`, "events/s", batchClients, () => usage(key, "batch", batchSize));
    const batchedBudgeted = await phase("batch-b", "  the same, 2 budgets in scope", "events/s", batchClients, () => usage(budgetedKey, "batch-b", batchSize));
    const check8 = await phase("check8", `POST /api/v1/budgets/check, ${clients} clients`, "checks/s", clients, () => check(budgetedKey));
    // One client, checks against health: a checkpoint first (the batches left the database dirty
    // pages to write), then the two in alternating slices of equal length, so that whatever the
    // database does in the background (the worker's vacuum, the WAL writer) falls on both alike.
    let check1: PhaseResult | null = null;
    let health1: PhaseResult | null = null;
    if (phases.has("check1") || phases.has("health")) {
      const admin = new pg.Client({ connectionString: dbUrl });
      await admin.connect();
      await admin.query("CHECKPOINT");
      await admin.end();
      const slices = 5;
      for (let i = 0; i < slices; i++) {
        if (phases.has("check1")) check1 = mergePhases(check1, await runPhase(ports, 1, seconds / slices, () => check(budgetedKey)));
        if (phases.has("health")) health1 = mergePhases(health1, await runPhase(ports, 1, seconds / slices, () => health));
      }
      for (const r of [check1, health1]) if (r) measured.push(r);
      if (check1) console.log(line("POST /api/v1/budgets/check, 1 client", check1, "checks/s"));
      if (health1) console.log(line("GET /api/health, 1 client", health1, "req/s   "));
    }

    console.log("\nSPEC §9 (measured in this run):");
    if (pgSingle && single) {
      const r = rate(single) / rate(pgSingle);
      console.log(verdict("single-event ingest / pgbench of the same statement", `${fmt(r * 100, 1)} %`, "≥ 50 %", r >= 0.5));
    }
    if (batched) console.log(verdict("batched ingest", `${fmt(rate(batched))} ev/s`, "≥ 10,000 events/s", rate(batched) >= 10_000));
    if (single && singleBudgeted) {
      const rs = rate(singleBudgeted) / rate(single);
      console.log(verdict("single events with budgets / without", `${fmt(rs * 100, 1)} %`, "≥ 70 %", rs >= 0.7));
    }
    if (batched && batchedBudgeted) {
      const rb = rate(batchedBudgeted) / rate(batched);
      console.log(verdict("batches with budgets / without", `${fmt(rb * 100, 1)} %`, "≥ 70 %", rb >= 0.7));
    }
    if (check8 && single) {
      const rc = rate(check8) / rate(single);
      console.log(verdict(`budget checks (${clients} clients) / single-event ingest`, `${fmt(rc * 100, 1)} %`, "≥ 100 %", rc >= 1));
    }
    if (check1 && health1) {
      const p50 = percentile(check1.latenciesMs, 50) / percentile(health1.latenciesMs, 50);
      console.log(verdict("budget check p50 / health p50 (1 client)", `${fmt(p50, 2)}×`, "≤ 2×", p50 <= 2));
      const p99 = percentile(check1.latenciesMs, 99) / percentile(health1.latenciesMs, 99);
      console.log(verdict("budget check p99 / health p99 (1 client)", `${fmt(p99, 2)}×`, "≤ 3×", p99 <= 3));
    }
    const errors = measured.reduce((n, r) => n + r.errors, 0);
    if (errors > 0) console.log(`${errors} requests failed (non-200): the rates above count only answered ones.`);

    const verify = spawnSync(process.execPath, [path.join(root, "bin", "spendline.mjs"), "aggregates:verify"], { cwd: root, encoding: "utf8", env: { ...process.env, DATABASE_URL: dbUrl } });
    console.log(`\naggregates:verify after the run: ${verify.status === 0 ? "clean" : `NOT clean (exit ${verify.status})\n${verify.stdout}${verify.stderr}`}`);
    console.log(`(${fmt((Date.now() - started) / 1000)} s in all; load average now ${os.loadavg().map((l) => l.toFixed(2)).join(", ")})`);
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await Promise.all(children.map((c) => (c.exitCode !== null ? null : new Promise((r) => c.once("exit", r)))));
    await scratch.drop().catch((err: unknown) => console.error(`could not drop the scratch database: ${err instanceof Error ? err.message : String(err)}`));
    agent.destroy();
  }
}

await main();
