// Demo data (SPEC §2): several organisations with projects, hundreds of end users, several
// providers and models from the seeded price catalog, N days of traffic with a daily and weekly
// rhythm, budgets near and over their limits, and the alerts those raise. Every event goes
// through recordUsageBatch, the code path of POST /api/v1/usage, so budgets, roll-ups and
// alerts are exactly what real traffic would produce. Events are generated a batch at a time
// from a seeded PRNG: memory stays flat at ten million events, and a seed gives the same world.
import { prisma } from "@/lib/db/client";
import { dec, toCostString, type Decimal } from "@/lib/money";
import { addDays, isoDay } from "@/lib/dashboard/dates";
import { updateAlertSettings } from "./alerts";
import { authenticateApiKey, createApiKey, type ApiKeyPrincipal } from "./api-keys";
import type { Actor } from "./authz";
import { backgroundWorkSettled, setBudget } from "./budgets";
import { AppError } from "./errors";
import { createOrganization } from "./organizations";
import { listPrices, seedPriceCatalogIfEmpty } from "./pricing";
import { recordUsageBatch } from "./usage-ingest";
import { createAccount } from "./accounts";
import { randomBytes } from "node:crypto";
import { demoWorld, FIRST_NAMES, HOUR_CUMULATIVE, HOUR_TOTAL, PROMPTS, RESPONSES, WANTED, type DemoModel, type DemoOrgSpec } from "@/lib/demo/world";

const DEMO_ACTOR: Actor = { kind: "system", label: "demo:seed" };
const DAY_MS = 86_400_000;

export interface DemoOptions {
  events: number;
  days: number;
  seed: number;
  /** Add the demo to a database that already has data. */
  force?: boolean;
  batchSize?: number;
  now?: Date;
  onProgress?: (done: number, total: number) => void;
}

export interface DemoResult {
  organizations: number;
  projects: number;
  endUsers: number;
  events: number;
  created: number;
  budgets: number;
  alerts: number;
  from: string;
  to: string;
  totalCostUsd: string;
  /** Console logins made for the first organisation (owner and viewer), passwords shown only here. */
  logins: { email: string; password: string; role: "owner" | "viewer"; organization: string }[];
}

export const DEMO_DEFAULTS = { events: 40_000, days: 90, seed: 1 } as const;

// ---- deterministic randomness -----------------------------------------------------------------

/** mulberry32: small, fast and good enough for synthetic traffic. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickWeighted<T>(rand: () => number, items: readonly T[], weight: (t: T) => number): T {
  const total = items.reduce((s, i) => s + weight(i), 0);
  let r = rand() * total;
  for (const i of items) {
    r -= weight(i);
    if (r <= 0) return i;
  }
  return items[items.length - 1];
}

/** Roughly log-normal around `median`, clamped to [min, max]. */
function logNormal(rand: () => number, median: number, spread: number, min: number, max: number): number {
  const gaussian = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  return Math.round(Math.min(max, Math.max(min, median * Math.exp(gaussian * spread))));
}

// ---- the world ------------------------------------------------------------------------------

async function catalogModels(): Promise<{ cheap: DemoModel[]; strong: DemoModel[] }> {
  const prices = await listPrices(DEMO_ACTOR);
  const available = new Set(prices.map((p) => `${p.provider}/${p.model}`));
  const byProvider = Object.fromEntries(Object.entries(WANTED).map(([provider, models]) => [provider, models.filter((m) => available.has(`${provider}/${m}`))]));
  const cheap: DemoModel[] = [];
  const strong: DemoModel[] = [];
  // Several models per provider: its two cheapest-listed ones for routine work, its two strongest for the rest.
  for (const [provider, models] of Object.entries(byProvider)) {
    if (models.length === 0) continue;
    const share = provider === "openai" ? 5 : provider === "anthropic" ? 4 : 2;
    const low = models.slice(0, 2);
    const high = models.length > 2 ? models.slice(-2) : models.slice(-1);
    low.forEach((model, i) => cheap.push({ provider, model, weight: share / (i + 1) }));
    high.forEach((model, i) => strong.push({ provider, model, weight: share / (2 - i) }));
  }
  if (cheap.length === 0) {
    // No catalog at all: fall back to whatever prices exist, so the demo still shows costs.
    const any = prices.filter((p) => p.current).slice(0, 4).map((p, i) => ({ provider: p.provider, model: p.model, weight: 4 - i }));
    if (any.length === 0) throw new AppError("bad_request", "The price catalog is empty; import prices first (spendline prices:import).");
    return { cheap: any, strong: any };
  }
  return { cheap, strong };
}

// ---- traffic --------------------------------------------------------------------------------

/** Events per day: weekends quieter, gentle growth, a few busy days; the last day only up to `now`. */
export function eventsPerDay(total: number, days: number, now: Date, rand: () => number): { day: string; count: number; until: number }[] {
  const today = isoDay(now);
  const first = addDays(today, -(days - 1));
  // One visible spike: the last weekday at least three days ago carries 3.5 times its traffic.
  let spikeIndex = days - 4;
  while (spikeIndex > 0 && [0, 6].includes(new Date(`${addDays(first, spikeIndex)}T00:00:00Z`).getUTCDay())) spikeIndex -= 1;
  const shares = Array.from({ length: days }, (_, i) => {
    const day = addDays(first, i);
    const weekday = new Date(`${day}T00:00:00Z`).getUTCDay();
    const weekend = weekday === 0 || weekday === 6 ? 0.35 : 1;
    const growth = 0.7 + (0.6 * i) / Math.max(1, days - 1);
    const busy = (i === spikeIndex ? 3.5 : 1) * (rand() < 0.04 ? 1.8 : 0.85 + rand() * 0.3);
    const elapsed = day === today ? Math.max(0.02, (now.getTime() - Date.parse(`${day}T00:00:00Z`)) / DAY_MS) : 1;
    return { day, share: weekend * growth * busy * elapsed, until: day === today ? now.getTime() : Date.parse(`${day}T00:00:00Z`) + DAY_MS };
  });
  const sumShares = shares.reduce((s, d) => s + d.share, 0);
  let assigned = 0;
  let carried = 0;
  return shares.map((d) => {
    carried += (d.share / sumShares) * total;
    const count = Math.round(carried) - assigned;
    assigned += count;
    return { day: d.day, count, until: d.until };
  });
}

/** A time within the day, following HOUR_WEIGHTS, before `until`. */
function timeInDay(rand: () => number, day: string, until: number): Date {
  const start = Date.parse(`${day}T00:00:00Z`);
  for (let attempt = 0; attempt < 8; attempt++) {
    const r = rand() * HOUR_TOTAL;
    const hour = HOUR_CUMULATIVE.findIndex((c) => r < c);
    const t = start + hour * 3_600_000 + Math.floor(rand() * 3_600_000);
    if (t < until) return new Date(t);
  }
  return new Date(start + Math.floor(rand() * Math.max(1, until - start)));
}

interface OrgRuntime {
  spec: DemoOrgSpec;
  orgId: string;
  principal: ApiKeyPrincipal;
  users: { id: string; weight: number; email: string | null; name: string | null }[];
}

function makeEvent(rand: () => number, org: OrgRuntime, at: Date, eventId: string): Record<string, unknown> {
  const project = pickWeighted(rand, org.spec.projects, (p) => p.categories.reduce((s, c) => s + c.weight, 0));
  const category = pickWeighted(rand, project.categories, (c) => c.weight);
  const model = pickWeighted(rand, category.models, (m) => m.weight);
  const user = pickWeighted(rand, org.users, (u) => u.weight);
  const input = logNormal(rand, category.inputMedian, 0.6, 20, 200_000);
  const output = logNormal(rand, category.outputMedian, 0.7, 1, 32_000);
  const cached = rand() < 0.35 ? Math.floor(input * (0.3 + rand() * 0.6)) : 0;
  const reasoning = category.name === "reasoning" ? Math.floor(output * 0.6) : 0;
  const failed = rand() < 0.02;
  const withContent = rand() < 0.08;
  const sample = Math.floor(rand() * PROMPTS.length);
  return {
    event_id: eventId,
    timestamp: at.toISOString(),
    provider: model.provider,
    model: model.model,
    project: project.key,
    category: category.name,
    user: user.id,
    ...(user.email ? { user_email: user.email, user_name: user.name } : {}),
    input_tokens: input,
    cache_read_tokens: cached,
    output_tokens: failed ? 0 : output,
    reasoning_tokens: failed ? 0 : reasoning,
    duration_ms: logNormal(rand, 900 + output * 12, 0.4, 80, 120_000),
    success: !failed,
    ...(failed ? { error: rand() < 0.5 ? "rate_limit_exceeded: try again in 20s" : "upstream timeout after 60s" } : {}),
    ...(withContent ? { prompt: PROMPTS[sample], response: failed ? undefined : RESPONSES[sample] } : {}),
    ...(rand() < 0.2 ? { document: `doc-${Math.floor(rand() * 5000)}` } : {}),
    metadata: { app_version: `2.${Math.floor(rand() * 4)}.0`, region: rand() < 0.7 ? "eu-west-1" : "us-east-1" },
  };
}

// ---- entry points ----------------------------------------------------------------------------

/** Empty means no organisation and no usage event (accounts and prices do not count). */
export async function databaseIsEmpty(): Promise<{ empty: boolean; organizations: number }> {
  const db = await prisma();
  const [organizations, anyEvent] = await Promise.all([db.organization.count(), db.usageEvent.findFirst({ select: { id: true } })]);
  return { empty: organizations === 0 && anyEvent === null, organizations };
}

async function freeSlug(slug: string): Promise<string> {
  const db = await prisma();
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? slug : `${slug}-${n}`;
    if (!(await db.organization.findUnique({ where: { slug: candidate } }))) return candidate;
  }
}

/** Spend of a scope in the current month so far and its daily rate over the last week, from the roll-ups. */
async function spendFigures(orgId: string, today: string, column?: { name: "project_key" | "user_external_id"; value: string }): Promise<{ monthToDate: Decimal; dailyRate: Decimal }> {
  const db = await prisma();
  const monthStart = `${today.slice(0, 7)}-01`;
  const weekAgo = addDays(today, -7);
  const rows = await db.$queryRawUnsafe<{ mtd: string | null; week: string | null }[]>(
    `SELECT sum(cost_usd) FILTER (WHERE day >= $2::date)::text AS mtd, sum(cost_usd) FILTER (WHERE day >= $3::date AND day < $4::date)::text AS week
     FROM daily_rollups WHERE org_id = $1::uuid AND day >= LEAST($2::date, $3::date)${column ? ` AND ${column.name} = $5` : ""}`,
    orgId,
    monthStart,
    weekAgo,
    today,
    ...(column ? [column.value] : []),
  );
  return { monthToDate: dec(rows[0]?.mtd ?? 0), dailyRate: dec(rows[0]?.week ?? 0).dividedBy(7) };
}

const money = (d: Decimal) => {
  const v = d.toDecimalPlaces(2, 0);
  return v.lessThan("0.01") ? "0.01" : v.toFixed(2);
};

/**
 * Budgets, set shortly before the last days of traffic arrive so that those events cross them
 * (through ingest, raising the alerts real traffic would): some end a little over the limit,
 * some near the warning threshold.
 */
async function createBudgets(orgs: OrgRuntime[], today: string, remainingDays: number): Promise<number> {
  let count = 0;
  const monthEnd = (f: { monthToDate: Decimal; dailyRate: Decimal }) => f.monthToDate.plus(f.dailyRate.times(remainingDays));
  for (const [i, org] of orgs.entries()) {
    const f = await spendFigures(org.orgId, today);
    if (f.monthToDate.isZero() && f.dailyRate.isZero()) continue;
    // Alternately over (limit below the expected month-end spend) and near (about 88 %).
    const factor = i % 2 === 0 ? "0.97" : "1.14";
    await setBudget(DEMO_ACTOR, org.orgId, { scope: "organization", limitUsd: money(monthEnd(f).times(factor)), period: "monthly", mode: "soft", warnPercent: 80 });
    count += 1;
    const project = org.spec.projects[0].key;
    const p = await spendFigures(org.orgId, today, { name: "project_key", value: project });
    if (!p.dailyRate.isZero()) {
      await setBudget(DEMO_ACTOR, org.orgId, { scope: "project", scopeKey: project, limitUsd: money(p.dailyRate.times(7).times(i % 2 === 0 ? "1.25" : "0.9")), period: "weekly", mode: i === 2 ? "hard" : "soft", warnPercent: 75 });
      count += 1;
    }
    const heavy = org.users[0];
    const u = await spendFigures(org.orgId, today, { name: "user_external_id", value: heavy.id });
    if (!u.dailyRate.isZero()) {
      await setBudget(DEMO_ACTOR, org.orgId, { scope: "user", scopeKey: heavy.id, limitUsd: money(u.dailyRate.times("0.8")), period: "daily", mode: "soft", warnPercent: 80 });
      count += 1;
    }
  }
  return count;
}

/** Creates the demo world. Refuses a database that has organisations or events unless `force`. */
export async function seedDemo(options: DemoOptions): Promise<DemoResult> {
  const now = options.now ?? new Date();
  const batchSize = options.batchSize ?? 1000;
  if (!Number.isInteger(options.events) || options.events < 0) throw new AppError("validation_failed", "--events must be a whole number ≥ 0.");
  if (!Number.isInteger(options.days) || options.days < 1 || options.days > 400) throw new AppError("validation_failed", "--days must be a whole number from 1 to 400.");
  const state = await databaseIsEmpty();
  if (!state.empty && !options.force) {
    throw new AppError("conflict", `the database is not empty (${state.organizations} organisation${state.organizations === 1 ? "" : "s"}); demo:seed fills an empty database (pass --force to add the demo anyway)`);
  }
  await seedPriceCatalogIfEmpty();
  const rand = seededRandom(options.seed);
  const specs = demoWorld(await catalogModels());

  const orgs: OrgRuntime[] = [];
  for (const spec of specs) {
    const created = await createOrganization(DEMO_ACTOR, { slug: await freeSlug(spec.slug), name: spec.name });
    const { key } = await createApiKey(DEMO_ACTOR, { orgId: created.id, name: "demo traffic" });
    const principal = await authenticateApiKey(key);
    if (!principal) throw new Error("demo API key did not authenticate");
    const users = Array.from({ length: spec.users }, (_, n) => {
      const first = FIRST_NAMES[Math.floor(rand() * FIRST_NAMES.length)];
      const named = rand() < 0.6;
      return {
        id: `u-${1000 + n}`,
        // Zipf-like: a few heavy users, a long tail.
        weight: 1 / Math.pow(n + 1, 0.9),
        email: named ? `${first.toLowerCase()}.${1000 + n}@${spec.slug}.example` : null,
        name: named ? `${first} ${String.fromCharCode(65 + Math.floor(rand() * 26))}.` : null,
      };
    });
    orgs.push({ spec, orgId: created.id, principal, users });
  }
  await updateAlertSettings(DEMO_ACTOR, orgs[1].orgId, { singleCallThresholdUsd: "0.25" });
  const logins = await createDemoLogins(orgs[0]);

  const plan = eventsPerDay(options.events, options.days, now, rand);
  const today = isoDay(now);
  // Budgets arrive before the last two days of traffic (see createBudgets).
  const budgetDay = plan.length > 2 ? plan[plan.length - 2].day : plan[0].day;
  let done = 0;
  let created = 0;
  let budgets = 0;
  let totalCost = dec(0);
  // Events wait in a buffer per organisation and go out in batches of `batchSize`. Ingest
  // accepts events up to 35 days old relative to "now", so each batch is sent as if it arrived
  // right after its latest event, and a buffer never spans more than MAX_BUFFER_DAYS.
  const MAX_BUFFER_DAYS = 28;
  const buffers = new Map<OrgRuntime, { events: Record<string, unknown>[]; firstDay: string; latest: number }>();
  async function flush(org: OrgRuntime): Promise<void> {
    const buffer = buffers.get(org);
    if (!buffer || buffer.events.length === 0) return;
    buffers.delete(org);
    const arrival = new Date(Math.min(now.getTime(), buffer.latest + 60_000));
    const results = await recordUsageBatch(org.principal, buffer.events, arrival);
    for (const r of results) {
      if (r.status === "rejected") throw new Error(`demo event ${r.event_id} was rejected: ${r.error?.message}`);
      if (r.status === "created") created += 1;
      if (r.cost_usd) totalCost = totalCost.plus(dec(r.cost_usd));
    }
    done += results.length;
    options.onProgress?.(done, options.events);
  }
  async function flushAll(): Promise<void> {
    for (const org of [...buffers.keys()]) await flush(org);
  }
  options.onProgress?.(0, options.events);
  for (const [dayIndex, day] of plan.entries()) {
    if (day.day === budgetDay && options.events > 0) {
      await flushAll();
      budgets = await createBudgets(orgs, today, Math.max(1, plan.length - dayIndex));
    }
    for (const [org, buffer] of buffers) if (addDays(buffer.firstDay, MAX_BUFFER_DAYS) <= day.day) await flush(org);
    for (let sequence = 0; sequence < day.count; sequence++) {
      const org = pickWeighted(rand, orgs, (o) => o.spec.weight);
      const at = timeInDay(rand, day.day, day.until);
      const buffer = buffers.get(org) ?? { events: [], firstDay: day.day, latest: 0 };
      buffer.events.push(makeEvent(rand, org, at, `demo-${options.seed}-${day.day}-${sequence}`));
      buffer.latest = Math.max(buffer.latest, at.getTime());
      buffers.set(org, buffer);
      if (buffer.events.length >= batchSize) await flush(org);
    }
  }
  await flushAll();
  await backgroundWorkSettled();
  const db = await prisma();
  const ids = orgs.map((o) => o.orgId);
  const [projects, endUsers, alerts] = await Promise.all([
    db.project.count({ where: { orgId: { in: ids } } }),
    db.endUser.count({ where: { orgId: { in: ids } } }),
    db.alert.count({ where: { orgId: { in: ids } } }),
  ]);
  return {
    organizations: orgs.length,
    projects,
    endUsers,
    events: options.events,
    created,
    budgets,
    alerts,
    from: plan[0].day,
    to: today,
    totalCostUsd: toCostString(totalCost),
    logins,
  };
}

/** An owner and a viewer of the organisation, so a newcomer sees the console as each role does. */
async function createDemoLogins(org: OrgRuntime): Promise<DemoResult["logins"]> {
  const db = await prisma();
  const slug = (await db.organization.findUniqueOrThrow({ where: { id: org.orgId } })).slug;
  const logins: DemoResult["logins"] = [];
  for (const role of ["owner", "viewer"] as const) {
    const email = `${role}@${slug}.example`;
    if (await db.account.findUnique({ where: { email } })) continue;
    const password = randomBytes(12).toString("base64url");
    await createAccount(DEMO_ACTOR, { email, password, name: `Demo ${role}`, orgId: org.orgId, role });
    logins.push({ email, password, role, organization: org.spec.name });
  }
  return logins;
}

/** For `SPENDLINE_DEMO=1 npm start`: the default demo on an empty database, else nothing. */
export async function seedDemoIfEmpty(options: Partial<Omit<DemoOptions, "force">> = {}): Promise<DemoResult | null> {
  if (!(await databaseIsEmpty()).empty) return null;
  return seedDemo({ events: options.events ?? DEMO_DEFAULTS.events, days: options.days ?? DEMO_DEFAULTS.days, seed: options.seed ?? DEMO_DEFAULTS.seed, ...options });
}
