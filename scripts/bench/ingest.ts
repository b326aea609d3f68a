// Ingest benchmark (SPEC §8): single-event HTTP ingest and batched ingest against PostgreSQL,
// and pgbench running the same insert + roll-up statement on the same machine in the same run,
// then the same HTTP traffic for an organisation whose events count against budgets.
// A report, not a test. Settings: BENCH_DATABASE_URL (server to create a scratch database on,
// default postgres://postgres@127.0.0.1:5432/postgres), BENCH_SECONDS (per phase, default 10),
// BENCH_CLIENTS (concurrent single-event clients and pgbench clients, default 8),
// BENCH_INSTANCES (app processes, default 2), BENCH_BATCH (events per batch, default 1000).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import http from "node:http";
import os from "node:os";
import path from "node:path";
import { closeDatabase, openDatabase, setDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createScratchPostgres } from "@/lib/db/scratch";
import { createApiKey } from "@/lib/server/api-keys";
import { seedPriceCatalogIfEmpty } from "@/lib/server/pricing";
import { setBudget } from "@/lib/server/budgets/manage";
import { INGEST_UNBUDGETED_SQL } from "@/lib/server/usage-ingest";

const root = path.resolve(import.meta.dirname, "..", "..");
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const clients = Number(process.env.BENCH_CLIENTS ?? 8);
const instanceCount = Number(process.env.BENCH_INSTANCES ?? 2);
const batchSize = Number(process.env.BENCH_BATCH ?? 1000);

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

function startInstance(url: string): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/http-server.ts")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: url, PORT: "0", DATABASE_POOL_SIZE: String(Math.max(4, clients)), SPENDLINE_RATE_LIMIT_BURST: "100000000", SPENDLINE_RATE_LIMIT_PER_MINUTE: "100000000" },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /listening (\d+)/.exec(out);
      if (m) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => reject(new Error(`app instance exited with ${code}`)));
  });
}

const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });

function postJson(port: number, key: string, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: "127.0.0.1", port, path: "/api/v1/usage", method: "POST", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json", "content-length": Buffer.byteLength(body) } },
      (res) => {
        res.resume();
        res.on("end", () => resolve(res.statusCode ?? 0));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

interface PhaseResult {
  events: number;
  seconds: number;
  latenciesMs: number[];
  errors: number;
}

/** `concurrency` loops posting for `durationS` seconds, round-robin over the instances. */
async function runHttpPhase(ports: number[], key: string, concurrency: number, durationS: number, body: () => { json: string; events: number }): Promise<PhaseResult> {
  const latenciesMs: number[] = [];
  let events = 0;
  let errors = 0;
  const start = performance.now();
  const end = start + durationS * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, c) => {
      let i = c;
      while (performance.now() < end) {
        const { json, events: n } = body();
        const t0 = performance.now();
        const status = await postJson(ports[i++ % ports.length], key, json);
        latenciesMs.push(performance.now() - t0);
        if (status === 200) events += n;
        else errors += 1;
      }
    }),
  );
  return { events, seconds: (performance.now() - start) / 1000, latenciesMs: latenciesMs.sort((a, b) => a - b), errors };
}

function pgbenchScript(orgId: string, keyId: string, eventsPerTransaction: number): string {
  // The statements ingest sends, with their parameters spelled out; :client_id and :n make event ids unique.
  const records = Array.from({ length: eventsPerTransaction }, (_, i) => {
    const e = makeEvent("pgb");
    return {
      event_id: `pgb-:client_id-:n-${i}`,
      body_hash: "0".repeat(64),
      occurred_at: new Date().toISOString(),
      day: new Date().toISOString().slice(0, 10),
      month: `${new Date().toISOString().slice(0, 7)}-01`,
      project_id: null,
      project_key: "",
      end_user_id: null,
      user_key: e.user,
      document_ref: null,
      category: e.category,
      purpose_detail: null,
      provider: e.provider,
      model: e.model,
      input_uncached_tokens: e.input_tokens - e.cache_read_tokens,
      cache_read_tokens: e.cache_read_tokens,
      cache_write_tokens: 0,
      output_tokens: e.output_tokens,
      reasoning_tokens: 0,
      duration_ms: e.duration_ms,
      success: true,
      error: null,
      prompt: null,
      response: null,
      redaction_summary: {},
      redaction_summary_without_content: {},
      metadata: null,
      raw_usage: null,
      cost_usd: "0.0012345",
      priced: true,
      price_id: null,
      client_cost_usd: null,
      reservation_id: null,
    };
  });
  // For an organisation that no budget counts, ingest is this one autocommit statement.
  const sql = INGEST_UNBUDGETED_SQL.replaceAll("$1::uuid", `'${orgId}'::uuid`)
    .replace("$2::uuid", `'${keyId}'::uuid`)
    .replace("$3::jsonb", `'${JSON.stringify(records).replaceAll("'", "''")}'::jsonb`)
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

function line(label: string, r: PhaseResult, unit = "events/s"): string {
  const rate = r.events / r.seconds;
  return `${label.padEnd(44)} ${fmt(rate).padStart(9)} ${unit}   p50 ${fmt(percentile(r.latenciesMs, 50), 2).padStart(7)} ms   p99 ${fmt(percentile(r.latenciesMs, 99), 2).padStart(7)} ms${r.errors ? `   (${r.errors} errors)` : ""}`;
}

async function main(): Promise<void> {
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
    // A second organisation whose every event counts against two budgets (its own and its end
    // user's): that traffic takes the budget transaction, the other organisation's does not.
    const budgeted = await db.prisma.organization.create({ data: { slug: "bench-budgets", name: "Bench with budgets" } });
    const { key: budgetedKey } = await createApiKey(actor, { orgId: budgeted.id });
    await setBudget(actor, budgeted.id, { scope: "organization", limitUsd: "1000000000" });
    for (let u = 0; u < USERS; u++) await setBudget(actor, budgeted.id, { scope: "user", scopeKey: `user-${u}`, limitUsd: "1000000" });

    console.log(`Ingest benchmark — PostgreSQL ${new URL(serverUrl).host}, ${os.cpus().length} CPUs, ${seconds}s per phase, ${clients} clients, ${instanceCount} app instance(s)`);

    const hasPgbench = spawnSync("pgbench", ["--version"]).status === 0;
    if (!hasPgbench) console.log("pgbench not found: install PostgreSQL's client tools to get the ratio.");
    const pgSingle = hasPgbench ? runPgbench(dbUrl, pgbenchScript(org.id, keyId, 1), 1) : null;
    if (pgSingle) console.log(line("pgbench, same SQL, 1 event per transaction", pgSingle, "tx/s    "));

    const instances = await Promise.all(Array.from({ length: instanceCount }, () => startInstance(dbUrl)));
    children.push(...instances.map((i) => i.child));
    const ports = instances.map((i) => i.port);
    // Warm-up: compile routes, fill pools, the price catalog and the key cache in every instance.
    await runHttpPhase(ports, key, clients, 2, () => ({ json: JSON.stringify(makeEvent("warm")), events: 1 }));
    await runHttpPhase(ports, budgetedKey, clients, 2, () => ({ json: JSON.stringify(makeEvent("warm")), events: 1 }));

    const single = await runHttpPhase(ports, key, clients, seconds, () => ({ json: JSON.stringify(makeEvent("single")), events: 1 }));
    console.log(line("HTTP POST /api/v1/usage, one event", single));

    const batchClients = Math.max(2, Math.min(4, clients));
    const batched = await runHttpPhase(ports, key, batchClients, seconds, () => ({ json: JSON.stringify({ events: Array.from({ length: batchSize }, () => makeEvent("batch")) }), events: batchSize }));
    console.log(line(`HTTP POST /api/v1/usage, batches of ${batchSize} (${batchClients} clients)`, batched));

    if (hasPgbench) console.log(line("pgbench, same SQL, 100 events per transaction", runPgbench(dbUrl, pgbenchScript(org.id, keyId, 100), 100)));

    const singleBudgeted = await runHttpPhase(ports, budgetedKey, clients, seconds, () => ({ json: JSON.stringify(makeEvent("single-b")), events: 1 }));
    console.log(line("HTTP one event, 2 budgets in scope", singleBudgeted));
    const batchedBudgeted = await runHttpPhase(ports, budgetedKey, batchClients, seconds, () => ({ json: JSON.stringify({ events: Array.from({ length: batchSize }, () => makeEvent("batch-b")) }), events: batchSize }));
    console.log(line(`HTTP batches of ${batchSize}, 2 budgets in scope`, batchedBudgeted));

    if (pgSingle) {
      const ratio = single.events / single.seconds / (pgSingle.events / pgSingle.seconds);
      console.log(`Single-event ingest vs pgbench: ${fmt(ratio * 100, 1)}% (goal ≥ 50%) — ${ratio >= 0.5 ? "met" : "NOT met"}`);
    }
    const batchRate = batched.events / batched.seconds;
    console.log(`Batched ingest: ${fmt(batchRate)} events/s (goal ≥ 10,000 events/s) — ${batchRate >= 10_000 ? "met" : "NOT met"}`);
    const budgetedRatio = (r: PhaseResult, base: PhaseResult) => fmt(((r.events / r.seconds) / (base.events / base.seconds)) * 100, 1);
    console.log(`With 2 budgets in scope: one event at ${budgetedRatio(singleBudgeted, single)}%, batches at ${budgetedRatio(batchedBudgeted, batched)}% of the rate without budgets`);
    await closeDatabase();
  } finally {
    for (const c of children) c.kill("SIGTERM");
    await new Promise((r) => setTimeout(r, 300));
    await scratch.drop();
    agent.destroy();
  }
}

await main();
