// Console benchmark (SPEC §9: overview ≤ 150 ms server time at 10 million events, the page's own
// queries, all of them): fills a scratch PostgreSQL database with generated events straight in SQL
// (not through HTTP), rebuilds the roll-ups, then times the overview page's data — getOverview,
// the same loadOverview the page calls, so the bench cannot drift from the page — and the usage
// log's first page (keyset), beside figures computed from the raw usage_events table in the same run.
// A report, not a test. Settings: BENCH_DATABASE_URL (server, default
// postgres://postgres@127.0.0.1:5432/postgres), BENCH_CONSOLE_EVENTS or --events N (default
// 10,000,000), BENCH_CONSOLE_DAYS (default 90), BENCH_REPEAT (timed runs per figure, default 7),
// BENCH_KEEP=1 keeps the database and prints its URL.
import os from "node:os";
import { parseArgs } from "node:util";
import pg from "pg";
import { closeDatabase, openDatabase, setDatabase } from "@/lib/db/client";
import { migrate } from "@/lib/db/migrate";
import { createScratchPostgres } from "@/lib/db/scratch";
import { addDays, isoDay } from "@/lib/dashboard/dates";
import { defaultDateRange } from "@/lib/dashboard/filters";
import { dec } from "@/lib/money";
import type { Actor } from "@/lib/server/authz";
import type { DashboardScope } from "@/lib/server/dashboard";
import { getOverview } from "@/lib/server/overview";
import { seedPriceCatalogIfEmpty } from "@/lib/server/pricing";
import { rebuildRollups } from "@/lib/server/rollups";
import { listUsageEvents } from "@/lib/server/usage-log";

const { values: cli } = parseArgs({ options: { events: { type: "string" } }, strict: false });
const serverUrl = process.env.BENCH_DATABASE_URL ?? "postgres://postgres@127.0.0.1:5432/postgres";
const total = Number(String(cli.events ?? process.env.BENCH_CONSOLE_EVENTS ?? 10_000_000).replace(/_/g, ""));
const days = Number(process.env.BENCH_CONSOLE_DAYS ?? 90);
const repeat = Number(process.env.BENCH_REPEAT ?? 7);
const ORGS = 20;
const USERS = 1000;
const CHUNK = 500_000;
const SYSTEM: Actor = { kind: "system", label: "bench" };

const fmt = (n: number, digits = 0) => n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

type Filters = Parameters<typeof getOverview>[2];

/** The overview page's server time: loadOverview and every widget it starts, awaited (app/(console)/page.tsx streams them). */
async function overviewPage(scope: DashboardScope, filters: Filters, now: Date) {
  const overview = await getOverview(SYSTEM, scope, filters, now);
  if (!overview.widgets) throw new Error("the bench database has no usage");
  return overview.widgets;
}

/** p50 and max of `repeat` timed runs after one warm-up run (plans, caches, pool). */
async function time<T>(fn: () => Promise<T>): Promise<{ ms: number; max: number; value: T }> {
  await fn();
  const runs: number[] = [];
  let value!: T;
  for (let i = 0; i < repeat; i++) {
    const t = process.hrtime.bigint();
    value = await fn();
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  runs.sort((a, b) => a - b);
  return { ms: runs[Math.floor(runs.length / 2)], max: runs[runs.length - 1], value };
}

async function generate(client: pg.Client): Promise<void> {
  await client.query(`INSERT INTO organizations (slug, name) SELECT 'bench-' || n, 'Bench org ' || n FROM generate_series(1, ${ORGS}) n`);
  await client.query(`INSERT INTO projects (org_id, key, name) SELECT o.id, k, k FROM organizations o CROSS JOIN unnest(ARRAY['chat', 'docs', 'search']) k`);
  await client.query(`CREATE TEMP TABLE bench_users AS
    SELECT n, o.id AS org_id, gen_random_uuid() AS end_user_id, p.id AS project_id
    FROM generate_series(0, ${USERS - 1}) n
    JOIN organizations o ON o.slug = 'bench-' || (1 + n % ${ORGS})
    JOIN projects p ON p.org_id = o.id AND p.key = (ARRAY['chat', 'docs', 'search'])[1 + n % 3]`);
  await client.query(`INSERT INTO end_users (id, org_id, external_id) SELECT end_user_id, org_id, 'user-' || n FROM bench_users`);
  await client.query(`CREATE UNIQUE INDEX ON bench_users (n)`);
  // Current catalog versions of a few common models (the seeded catalog).
  await client.query(`CREATE TEMP TABLE bench_models AS
    SELECT (row_number() OVER (ORDER BY provider, model)) - 1 AS n, id AS price_id, provider, model, input_per_mtok, output_per_mtok
    FROM (SELECT DISTINCT ON (provider, model) * FROM model_prices
          WHERE model IN ('gpt-4o-mini', 'gpt-4o', 'gpt-4.1-mini', 'claude-3-5-haiku', 'claude-sonnet-4', 'gemini-2.0-flash', 'gemini-2.5-pro', 'mistral-small')
          ORDER BY provider, model, effective_from DESC) m`);
  const [{ count: models }] = (await client.query<{ count: string }>(`SELECT count(*)::text AS count FROM bench_models`)).rows;
  if (Number(models) === 0) throw new Error("no catalog prices found for the bench models");
  const started = Date.now();
  for (let lo = 1; lo <= total; lo += CHUNK) {
    const hi = Math.min(total, lo + CHUNK - 1);
    // Each user sticks to a few models and categories, as real applications do; times spread
    // over the last `days` days (more on weekdays than at weekends is not needed for timing).
    await client.query(
      `INSERT INTO usage_events (org_id, event_id, body_hash, occurred_at, received_at, project_id, end_user_id, category, provider, model,
         input_uncached_tokens, cache_read_tokens, output_tokens, duration_ms, success, cost_usd, priced, price_id)
       SELECT u.org_id, 'bench-' || g, 'bench', t.ts, t.ts, u.project_id, u.end_user_id,
              (ARRAY['chat', 'search', 'summarize', 'classify', 'extract'])[1 + (u.n + g % 2) % 5],
              m.provider, m.model, k.inp, k.cached, k.outp, 400 + (g * 13) % 4000, g % 50 <> 0,
              round((k.inp * m.input_per_mtok + k.outp * m.output_per_mtok) / 1000000, 12), true, m.price_id
       FROM generate_series($1::bigint, $2::bigint) g
       CROSS JOIN LATERAL (SELECT ((g * 7919) % ${USERS})::int AS un, ((g * 104729) % ($3::bigint * 86400)) AS age) x
       JOIN bench_users u ON u.n = x.un
       JOIN bench_models m ON m.n = (x.un + (g % 3)::int) % $4::int
       CROSS JOIN LATERAL (SELECT now() - make_interval(secs => x.age) AS ts) t
       CROSS JOIN LATERAL (SELECT (200 + (g * 31) % 3000)::int AS inp, CASE WHEN g % 3 = 0 THEN 150 ELSE 0 END AS cached, (50 + (g * 17) % 800)::int AS outp) k`,
      [lo, hi, days, Number(models)],
    );
    const rate = hi / ((Date.now() - started) / 1000);
    process.stderr.write(`Generating events: ${fmt(hi)}/${fmt(total)} (${fmt(rate)}/s)\n`);
  }
}

async function main(): Promise<void> {
  const scratch = await createScratchPostgres(serverUrl, "spendline_bench_console");
  const { name, url: dbUrl } = scratch;
  try {
    // Loading: generous sort memory and usage_events' secondary indexes built once at the end.
    // Both are undone before anything is timed.
    const loadAdmin = new pg.Client({ connectionString: serverUrl });
    await loadAdmin.connect();
    await loadAdmin.query(`ALTER DATABASE ${name} SET work_mem = '256MB'`);
    const loader = await openDatabase({ url: dbUrl, poolSize: 2 });
    setDatabase(loader);
    await migrate(loader.sql);
    await seedPriceCatalogIfEmpty();
    const client = new pg.Client({ connectionString: dbUrl });
    await client.connect();
    const indexes = (await client.query<{ name: string; def: string }>(
      `SELECT indexname AS name, indexdef AS def FROM pg_indexes WHERE tablename = 'usage_events' AND indexname NOT LIKE '%pkey' AND indexdef NOT LIKE '%UNIQUE%'`,
    )).rows;
    for (const i of indexes) await client.query(`DROP INDEX "${i.name}"`);
    // The generated rows reference rows created just before; skipping the per-row foreign-key
    // triggers makes loading several times faster.
    await client.query("SET session_replication_role = replica");
    const t0 = Date.now();
    await generate(client);
    await client.query("SET session_replication_role = DEFAULT");
    const genSeconds = (Date.now() - t0) / 1000;
    const t1 = Date.now();
    for (const i of indexes) await client.query(i.def);
    await rebuildRollups({});
    await client.query("VACUUM ANALYZE");
    const rollupSeconds = (Date.now() - t1) / 1000;
    await loader.close();
    await loadAdmin.query(`ALTER DATABASE ${name} RESET work_mem`);
    await loadAdmin.end();
    await client.end();
    const timed = new pg.Client({ connectionString: dbUrl });
    await timed.connect();
    const db = await openDatabase({ url: dbUrl, poolSize: 8 });
    setDatabase(db);
    const counts = (
      await timed.query<{ events: string; daily: string; monthly: string }>(
        `SELECT (SELECT count(*) FROM usage_events)::text AS events, (SELECT count(*) FROM daily_rollups)::text AS daily, (SELECT count(*) FROM monthly_rollups)::text AS monthly`,
      )
    ).rows[0];

    const load = () => os.loadavg().map((l) => fmt(l, 2)).join(", ");
    console.log(`Console benchmark — PostgreSQL ${new URL(dbUrl).host}, ${os.cpus().length} CPUs, p50 and max of ${repeat} runs after a warm-up; load average ${load()}`);
    console.log(`Data: ${fmt(Number(counts.events))} usage events over ${days} days, ${ORGS} organisations, ${USERS} end users; ${fmt(Number(counts.daily))} daily and ${fmt(Number(counts.monthly))} monthly roll-up rows`);
    console.log(`(generated in ${fmt(genSeconds, 1)} s straight in SQL; indexes and roll-ups (aggregates rebuild) in ${fmt(rollupSeconds, 1)} s)`);

    const now = new Date();
    const range = defaultDateRange(now);
    const filters = { ...range, project: null, provider: null, model: null, category: null };
    const org = (await timed.query<{ id: string }>(`SELECT id FROM organizations WHERE slug = 'bench-1'`)).rows[0].id;

    const overviewAll = await time(() => overviewPage({ orgId: null }, filters, now));
    const overviewOrg = await time(() => overviewPage({ orgId: org }, filters, now));
    const overview90 = await time(() => overviewPage({ orgId: null }, { ...filters, from: addDays(range.to, -89) }, now));
    const overviewProvider = await time(() => overviewPage({ orgId: null }, { ...filters, provider: "openai" }, now));
    const overviewModel = await time(() => overviewPage({ orgId: null }, { ...filters, provider: "openai", model: "gpt-4o-mini" }, now));

    // The same overview figures straight from the raw table, run like the data layer (in parallel).
    const today = isoDay(now);
    const raw = (orgId: string | null) => {
      const scope = orgId ? `AND org_id = '${orgId}'` : "";
      const monthStart = range.from;
      const q = (text: string) => db.sql.query(text);
      return Promise.all([
        q(`SELECT sum(cost_usd) FILTER (WHERE occurred_at >= '${today}') AS today, sum(cost_usd) FILTER (WHERE occurred_at >= '${addDays(today, -1)}' AND occurred_at < '${today}') AS yesterday,
                  sum(cost_usd) FILTER (WHERE occurred_at >= '${monthStart}') AS month, sum(cost_usd) AS all_time, count(*) AS requests FROM usage_events WHERE true ${scope}`),
        q(`SELECT (occurred_at AT TIME ZONE 'UTC')::date AS day, provider, sum(cost_usd) FROM usage_events WHERE occurred_at >= '${addDays(today, -29)}' ${scope} GROUP BY 1, 2`),
        q(`SELECT provider, sum(cost_usd), count(*) FROM usage_events WHERE occurred_at >= '${monthStart}' ${scope} GROUP BY 1`),
        q(`SELECT category, sum(cost_usd), count(*) FROM usage_events WHERE occurred_at >= '${monthStart}' ${scope} GROUP BY 1`),
        q(`SELECT org_id, sum(cost_usd) FROM usage_events WHERE occurred_at >= '${monthStart}' ${scope} GROUP BY 1 ORDER BY 2 DESC LIMIT 10`),
        q(`SELECT org_id, end_user_id, sum(cost_usd) FROM usage_events WHERE occurred_at >= '${monthStart}' ${scope} GROUP BY 1, 2 ORDER BY 3 DESC LIMIT 10`),
      ]);
    };
    const rawAll = await time(() => raw(null));
    const rawOrg = await time(() => raw(org));
    // Same answer both ways: this month's total, roll-ups vs raw events.
    const rollupMonth = overviewAll.value.stats.cards.find((c) => c.key === "month")!.costUsd;
    const rawMonth = String((rawAll.value[0][0] as { month: unknown }).month ?? "0");
    const agree = dec(rollupMonth).equals(dec(rawMonth));

    const firstPageAll = await time(() => listUsageEvents(SYSTEM, { orgId: null }, filters, { limit: 50 }));
    const firstPageOrg = await time(() => listUsageEvents(SYSTEM, { orgId: org }, filters, { limit: 50 }));
    const filtered = { ...filters, provider: "openai" };
    const firstPageFiltered = await time(() => listUsageEvents(SYSTEM, { orgId: org }, filtered, { limit: 50 }));
    const deepPage = await time(async () => {
      let page = await listUsageEvents(SYSTEM, { orgId: org }, filters, { limit: 50 });
      for (let i = 0; i < 20 && page.next; i++) page = await listUsageEvents(SYSTEM, { orgId: org }, filters, { limit: 50, after: page.next });
      return page;
    });
    const offsetPage = await time(() => db.sql.query(`SELECT * FROM usage_events WHERE occurred_at >= '${range.from}' ORDER BY occurred_at DESC, id DESC OFFSET 100000 LIMIT 50`));
    const countAll = await time(() => db.sql.query(`SELECT count(*) FROM usage_events WHERE occurred_at >= '${range.from}'`));

    const row = (label: string, ms: number, extra = "") => console.log(`${label.padEnd(58)} ${fmt(ms, 1).padStart(9)} ms${extra}`);
    const goal = (t: { ms: number; max: number }) => `   p50 ${t.ms <= 150 ? "met" : "NOT met"}, max ${t.max <= 150 ? "met" : "NOT met"} (goal ≤ 150 ms)`;
    const page = (label: string, t: { ms: number; max: number }) => row(label, t.ms, ` · max ${fmt(t.max, 1).padStart(7)} ms${goal(t)}`);
    console.log(`\nOverview page's server time: every query of app/(console)/page.tsx, started as the page starts them (lib/server/overview.ts loadOverview), all awaited — this month is ${range.from} to ${range.to}`);
    page("  all organisations (super admin), this month", overviewAll);
    page("  one organisation, this month", overviewOrg);
    page("  all organisations, last 90 days", overview90);
    page("  all organisations, this month, provider filter", overviewProvider);
    page("  all organisations, this month, provider + model filter", overviewModel);
    console.log("Raw usage_events for comparison (stat cards, 30-day chart, breakdowns, top lists only; in parallel)");
    row("  raw usage_events, all organisations", rawAll.ms, `   ${fmt(rawAll.ms / overviewAll.ms, 1)}× the page's p50`);
    row("  raw usage_events, one organisation", rawOrg.ms, `   ${fmt(rawOrg.ms / overviewOrg.ms, 1)}× the page's p50`);
    console.log(`  this month's total: roll-ups $${rollupMonth}, raw events $${dec(rawMonth).toFixed()} — ${agree ? "equal" : "DIFFERENT"}`);
    console.log("\nUsage log (50 rows, keyset pagination on (occurred_at, id))");
    row("  first page, all organisations", firstPageAll.ms);
    row("  first page, one organisation", firstPageOrg.ms);
    row("  first page, one organisation, provider filter", firstPageFiltered.ms);
    row("  21 pages walked with cursors, one organisation", deepPage.ms, `   (${fmt(deepPage.ms / 21, 1)} ms a page)`);
    row("  raw: OFFSET 100,000 page, all organisations", offsetPage.ms);
    row("  raw: count(*) of this month's events (page X of Y)", countAll.ms);
    console.log(`load average at the end: ${load()}`);
    await timed.end();
    await closeDatabase();
  } finally {
    if (process.env.BENCH_KEEP === "1") {
      console.log(`kept database ${dbUrl}`);
    } else {
      await scratch.drop();
    }
  }
}

await main();
