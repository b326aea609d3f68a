import { spawn } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { closeDatabase, openDatabase, setDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createScratchPostgres } from "@/lib/db/scratch";
import { createApiKey } from "@/lib/server/api-keys";
import { seedPriceCatalogIfEmpty } from "@/lib/server/pricing";
import { setBudget } from "@/lib/server/budgets/manage";
const root = process.cwd();
const mode = process.argv[2] ?? "single";
const scratch = await createScratchPostgres("postgres://postgres@127.0.0.1:5432/postgres", "spendline_prof");
const db = await openDatabase({ url: scratch.url, poolSize: 2 });
setDatabase(db);
await migrate(db.sql);
await seedPriceCatalogIfEmpty();
const actor = { kind: "system", label: "bench" } as const;
const org = await db.prisma.organization.create({ data: { slug: "p", name: "P" } });
const { key } = await createApiKey(actor, { orgId: org.id });
if (mode !== "single") { await setBudget(actor, org.id, { scope: "organization", limitUsd: "1000000000" }); await setBudget(actor, org.id, { scope: "user", scopeKey: "user-1", limitUsd: "100000" }); }
await closeDatabase();
const child = spawn(process.execPath, ["--cpu-prof", "--cpu-prof-dir=/tmp/i10prof/out", path.join(root, "node_modules/next/dist/bin/next"), "start", "-p", "3141", "-H", "127.0.0.1"], { cwd: root, stdio: ["ignore", "pipe", "inherit"], env: { ...process.env, NODE_ENV: "production", DATABASE_URL: scratch.url, PORT: "3141", HOSTNAME_BIND: "127.0.0.1", ADMIN_EMAIL: "b@x.test", ADMIN_PASSWORD: "bench-password-not-secret", SPENDLINE_RATE_LIMIT_BURST: "100000000", SPENDLINE_RATE_LIMIT_PER_MINUTE: "100000000" } });
let out = ""; child.stdout!.on("data", (c) => (out += c));
for (;;) { try { if ((await fetch("http://127.0.0.1:3141/api/health")).ok) break; } catch {} await new Promise((r) => setTimeout(r, 300)); }
const agent = new http.Agent({ keepAlive: true });
let n = 0, ok = 0;
function post(p: string, body: string) { return new Promise<number>((res) => { const r = http.request({ host: "127.0.0.1", port: 3141, path: p, method: "POST", agent, headers: { authorization: `Bearer ${key}`, "content-type": "application/json" } }, (x) => { x.resume(); x.on("end", () => res(x.statusCode ?? 0)); }); r.on("error", () => res(0)); r.end(body); }); }
const end = Date.now() + 20000;
await Promise.all(Array.from({ length: 8 }, async () => { while (Date.now() < end) { const i = n++; const s = mode === "check" ? await post("/api/v1/budgets/check", JSON.stringify({ user: "user-1", estimated_cost_usd: "0.001" })) : await post("/api/v1/usage", JSON.stringify({ event_id: `e-${i}`, provider: "openai", model: "gpt-4o-mini", user: "user-1", category: "chat", input_tokens: 1000, output_tokens: 200, duration_ms: 500 })); if (s === 200) ok++; } }));
console.log(mode, "requests", n, "ok", ok, "rate", ok / 20);
child.kill("SIGTERM"); await new Promise((r) => child.once("exit", r)); agent.destroy();
await scratch.drop();
