// The batch form of the ingest contract: what it costs when nothing is in scope, and how the
// ingest transaction around it survives a deadlock.
import pg from "pg";
import { describe, expect, it } from "vitest";
import { getDatabase, prisma } from "@/lib/db/client";
import { dec } from "@/lib/money";
import { useTestDatabase, withPostgresTestDatabase } from "@/test/database";
import { importTestPrice, makeOrg, SYSTEM } from "@/test/fixtures";
import { AppError } from "../errors";
import { authenticateApiKey, createApiKey } from "../api-keys";
import { ensureEndUser, ensureProject } from "../projects";
import { verifyRollups } from "../rollups";
import { recordUsageBatch } from "../usage-ingest";
import { listBudgets, setBudget } from "./manage";
import { applySpendBatchInTransaction, NO_BUDGET_EFFECT, type SpendInput } from "./spend";
import { budgetsInScopeOfEvents, withRetry, type Tx } from "./store";
import { verifyBudgetCounters } from "./verify";

await useTestDatabase();

/** The transaction client, recording every database call made through it. */
function counting(tx: Tx): { tx: Tx; calls: string[] } {
  const calls: string[] = [];
  const wrap = (target: object, path: string): object =>
    new Proxy(target, {
      get(t, prop, receiver) {
        const value: unknown = Reflect.get(t, prop, receiver);
        const name = path ? `${path}.${String(prop)}` : String(prop);
        if (typeof value === "function") {
          return (...args: unknown[]) => {
            calls.push(name);
            return (value as (...a: unknown[]) => unknown).apply(t, args);
          };
        }
        return value && typeof value === "object" && typeof prop === "string" && !prop.startsWith("$") ? wrap(value, name) : value;
      },
    });
  return { tx: wrap(tx, "") as Tx, calls };
}

function input(orgId: string, n: number, scope: { projectId?: string | null; endUserId?: string | null; cost?: string | null } = {}): SpendInput {
  return {
    orgId,
    eventRowId: BigInt(-n),
    eventId: `e${n}`,
    projectId: scope.projectId ?? null,
    endUserId: scope.endUserId ?? null,
    occurredAt: new Date(),
    costUsd: scope.cost === null ? null : dec(scope.cost ?? "0.5"),
    reservationId: null,
    overrideToken: null,
  };
}

describe("applySpendBatchInTransaction", () => {
  it("costs one query when no budget is in scope of the batch, and none when nothing in it is priced", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "other", limitUsd: "1", mode: "hard" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "someone-else", limitUsd: "1", mode: "hard" });
    const db = await prisma();
    const project = await ensureProject(db, org.id, "chatbot");
    const user = await ensureEndUser(db, org.id, "alice");
    const inputs = Array.from({ length: 200 }, (_, n) => input(org.id, n, { projectId: project.id, endUserId: n % 2 ? user.id : null }));

    const priced = await db.$transaction(async (tx) => {
      const counted = counting(tx);
      return { outcomes: await applySpendBatchInTransaction(counted.tx, inputs), calls: counted.calls };
    });
    expect(priced.calls).toEqual(["$queryRawUnsafe"]);
    expect(priced.outcomes).toEqual(inputs.map(() => NO_BUDGET_EFFECT));

    const unpriced = await db.$transaction(async (tx) => {
      const counted = counting(tx);
      await applySpendBatchInTransaction(counted.tx, inputs.map((i) => ({ ...i, costUsd: null })));
      return counted.calls;
    });
    expect(unpriced).toEqual([]);
  });

  it("with the budgets the ingest statement read: one statement for a batch they count, none for a batch they do not", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1000" });
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "other", limitUsd: "1000" });
    const db = await prisma();
    const project = await ensureProject(db, org.id, "chatbot");
    const other = await ensureProject(db, org.id, "other");
    const budgets = await budgetsInScopeOfEvents(db, org.id, { projectIds: [project.id, other.id], endUserIds: [] });
    expect(budgets.map((b) => b.scope)).toEqual(["organization", "project"]);
    const inputs = Array.from({ length: 50 }, (_, n) => input(org.id, n, { projectId: project.id }));
    // Rolled back: these inputs stand for no stored event, so the counters must not keep them.
    const rolledBack = new Error("roll back");
    let calls: string[] = [];
    let spent: string[] = [];
    await db
      .$transaction(async (tx) => {
        const counted = counting(tx);
        await applySpendBatchInTransaction(counted.tx, inputs, { budgets });
        calls = counted.calls;
        spent = (await tx.budgetPeriodSpend.findMany({ where: { budget: { orgId: org.id } }, include: { budget: true } })).map((c) => `${c.budget.scope} ${c.spentUsd.toString()}`);
        throw rolledBack;
      })
      .catch((err: unknown) => {
        if (err !== rolledBack) throw err;
      });
    expect(calls).toEqual(["$queryRawUnsafe"]);
    expect(spent.sort()).toEqual(["organization 25", "project 0"]);
    // Read for a batch whose new events none of them counts (its priced events were replays): nothing to lock.
    const projectOnly = budgets.filter((b) => b.scope === "project");
    const none = await db.$transaction(async (tx) => {
      const counted = counting(tx);
      await applySpendBatchInTransaction(counted.tx, inputs, { budgets: projectOnly });
      return counted.calls;
    });
    expect(none).toEqual([]);
  });

  it("refuses a batch that mixes organisations", async () => {
    const [a, b] = [await makeOrg(), await makeOrg()];
    const db = await prisma();
    await expect(db.$transaction((tx) => applySpendBatchInTransaction(tx, [input(a.id, 1), input(b.id, 2)]))).rejects.toThrow(/one organisation/);
  });
});

/** Records the statements ingest sends on its own driver (autocommit, and inside its transaction) while `fn` runs. */
async function statementsOf<T>(fn: () => Promise<T>): Promise<{ result: T; statements: string[] }> {
  const database = await getDatabase();
  const sql = database.sql;
  const { query, transaction } = sql;
  const statements: string[] = [];
  const label = (text: string, name?: string) => name ?? text.trim().split(/\s+/).slice(0, 3).join(" ");
  const inTransaction = transaction.bind(sql);
  const run = query.bind(sql);
  sql.query = <R,>(text: string, params?: unknown[], name?: string) => {
    statements.push(label(text, name));
    return run<R>(text, params, name);
  };
  sql.transaction = (inner) =>
    inTransaction((tx) => {
      statements.push("BEGIN");
      return inner({ ...tx, query: (text, params, name) => (statements.push(label(text, name)), tx.query(text, params, name)) });
    }).then((r) => (statements.push("COMMIT"), r));
  try {
    return { result: await fn(), statements };
  } finally {
    Object.assign(sql, { query, transaction });
  }
}

/** An organisation and its API key's principal, with `model` of provider "test" priced so that 10 input tokens cost 0.01. */
async function orgWithPricedModel(model: string) {
  await importTestPrice({ provider: "test", model, inputPerMtok: "1000", outputPerMtok: "0" });
  const org = await makeOrg();
  const { key } = await createApiKey(SYSTEM, { orgId: org.id });
  return { org, principal: (await authenticateApiKey(key))! };
}

describe("the budget path of ingest", () => {
  const event = (id: string, user: string, extra: Record<string, unknown> = {}) => ({ event_id: id, provider: "test", model: "tst-budget-path", input_tokens: 10, user, ...extra });

  it("stores a batch its budgets only add up as one statement, without a transaction", async () => {
    const { org, principal } = await orgWithPricedModel("tst-budget-path");
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "100" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "100" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "bob", limitUsd: "100" });
    await recordUsageBatch(principal, [event("a1", "alice")]);

    // A replay of a1 (counted once) beside two new events of alice and one of bob.
    const { result, statements } = await statementsOf(() => recordUsageBatch(principal, [event("a1", "alice"), event("a2", "alice"), event("a3", "alice"), event("b1", "bob")]));
    expect(result.map((r) => [r.status, r.over_budget])).toEqual([["duplicate", false], ["created", false], ["created", false], ["created", false]]);
    expect(statements).toEqual(["spendline_ingest_within_budgets", "SELECT event_id, body_hash,"]);
    expect((await listBudgets(SYSTEM, org.id)).map((b) => [b.scope, b.scopeKey, b.spentUsd])).toEqual([
      ["organization", null, "0.04"],
      ["user", "alice", "0.03"],
      ["user", "bob", "0.01"],
    ]);
    expect(await verifyBudgetCounters()).toEqual([]);
    expect((await verifyRollups()).drift).toEqual([]);
  });

  it("undoes that statement and takes the budget transaction when a budget goes over its limit, or a period has no counter yet", async () => {
    const { org, principal } = await orgWithPricedModel("tst-budget-path");
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "100" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "carol", limitUsd: "0.015", period: "daily" });
    await recordUsageBatch(principal, [event("c0", "someone")]);

    // carol's second event takes her daily budget over 0.015: flagged, from the transaction.
    const over = await statementsOf(() => recordUsageBatch(principal, [event("c1", "carol"), event("c2", "carol")]));
    expect(over.result.map((r) => [r.event_id, r.over_budget])).toEqual([["c1", false], ["c2", true]]);
    expect(over.statements).toEqual(["spendline_ingest_within_budgets", "BEGIN", "spendline_ingest", "spendline_lock_and_add_spend", "SELECT budget_id::text AS", "UPDATE usage_events e", "COMMIT"]);
    const db = await prisma();
    expect((await db.usageEvent.findMany({ where: { orgId: org.id, eventId: { in: ["c1", "c2"] } }, orderBy: { eventId: "asc" } })).map((e) => e.overBudget)).toEqual([false, true]);

    // Yesterday's daily period has no counter yet: the transaction creates it.
    const yesterday = new Date(Date.now() - 86_400_000).toISOString();
    const { org: org2, principal: principal2 } = await orgWithPricedModel("tst-budget-path");
    await setBudget(SYSTEM, org2.id, { scope: "user", scopeKey: "dave", limitUsd: "100", period: "daily" });
    await recordUsageBatch(principal2, [event("d0", "dave")]);
    const fresh = await statementsOf(() => recordUsageBatch(principal2, [event("d1", "dave", { timestamp: yesterday })]));
    expect(fresh.statements.slice(0, 2)).toEqual(["spendline_ingest_within_budgets", "BEGIN"]);
    expect(await db.budgetPeriodSpend.count({ where: { budget: { orgId: org2.id } } })).toBe(2);

    expect((await listBudgets(SYSTEM, org.id)).map((b) => [b.scopeKey, b.spentUsd])).toEqual([[null, "0.03"], ["carol", "0.02"]]);
    expect(await verifyBudgetCounters()).toEqual([]);
    expect((await verifyRollups()).drift).toEqual([]);
  });
});

describe("lock order of the one-statement budget path", () => {
  // The budget transaction takes the roll-up rows (its ingest statement), then the counters; the
  // one statement must too, or the two paths could deadlock. PostgreSQL only (PGlite has one connection).
  it("takes the roll-up rows before the counters", { timeout: 60_000 }, () => withPostgresTestDatabase(async (pgDb) => {
    const { org, principal } = await orgWithPricedModel("tst-lock-order");
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "100" });
    const event = (id: string) => ({ event_id: id, provider: "test", model: "tst-lock-order", input_tokens: 10, category: "chat" });
    await recordUsageBatch(principal, [event("first")]);

    const holder = new pg.Client({ connectionString: pgDb.url });
    const prober = new pg.Client({ connectionString: pgDb.url });
    await holder.connect();
    await prober.connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT 1 FROM daily_rollups WHERE org_id = $1 FOR UPDATE", [org.id]);
      const ingest = recordUsageBatch(principal, [event("second")]);
      const db = await prisma();
      for (let waited = 0; ; waited += 50) {
        const [row] = await db.$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query ILIKE '%jsonb_to_recordset%'`,
        );
        if (row.n > 0) break;
        if (waited > 20_000) throw new Error("ingest never waited for the roll-up row");
        await new Promise((r) => setTimeout(r, 50));
      }
      // Ingest waits for the roll-up row and holds no counter yet.
      await prober.query("BEGIN");
      const counters = await prober.query("SELECT bp.id FROM budget_periods bp JOIN budgets b ON b.id = bp.budget_id WHERE b.org_id = $1 FOR UPDATE OF bp NOWAIT", [org.id]);
      expect(counters.rowCount).toBe(1);
      await prober.query("ROLLBACK");
      await holder.query("ROLLBACK");
      expect((await ingest).map((r) => r.status)).toEqual(["created"]);
    } finally {
      await holder.end();
      await prober.end();
    }
    expect((await listBudgets(SYSTEM, org.id))[0].spentUsd).toBe("0.02");
    expect(await verifyBudgetCounters()).toEqual([]);
  }));
});

describe("transaction retries", () => {
  it("runs a transaction again after a conflict, and answers 503 once conflicts persist", async () => {
    let attempts = 0;
    const conflict = Object.assign(new Error("Transaction failed due to a write conflict or a deadlock"), { code: "P2034" });
    expect(
      await withRetry(async () => {
        attempts += 1;
        if (attempts < 3) throw conflict;
        return "committed";
      }),
    ).toBe("committed");
    expect(attempts).toBe(3);

    attempts = 0;
    const deadlock = Object.assign(new Error("driver error"), { cause: { originalCode: "40P01" } });
    const failure = await withRetry(async () => {
      attempts += 1;
      throw deadlock;
    }).catch((err: unknown) => err);
    expect(failure).toBeInstanceOf(AppError);
    expect(failure).toMatchObject({ code: "database_unavailable", status: 503 });
    expect(attempts).toBe(5);

    attempts = 0;
    await expect(
      withRetry(async () => {
        attempts += 1;
        throw new Error("syntax error");
      }),
    ).rejects.toThrow("syntax error");
    expect(attempts).toBe(1);
  });

  // PGlite has one connection: no second transaction can hold a lock against ingest, so this case
  // runs on PostgreSQL on every run.
  it("commits an ingest batch once after PostgreSQL aborted it for a deadlock", { timeout: 60_000 }, () => withPostgresTestDatabase(async (pgDb) => {
    const { org, principal } = await orgWithPricedModel("tst-deadlock");
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "100", mode: "hard" });
    const event = (id: string) => ({ event_id: id, provider: "test", model: "tst-deadlock", input_tokens: 10, category: "chat" });
    // Creates the roll-up rows and the counter that the two transactions below fight over.
    await recordUsageBatch(principal, [event("first")]);

    const other = new pg.Client({ connectionString: pgDb.url });
    await other.connect();
    try {
      await other.query("BEGIN");
      // This session waits longer before looking for deadlocks, so PostgreSQL aborts the ingest side.
      await other.query("SET LOCAL deadlock_timeout = '20s'");
      await other.query("SELECT bp.id FROM budget_periods bp JOIN budgets b ON b.id = bp.budget_id WHERE b.org_id = $1 FOR UPDATE OF bp", [org.id]);
      const otherPid = (await other.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0].pid;

      // Ingest updates the roll-up rows, then waits for the counter this session holds (in its one
      // statement, whose text pg_stat_activity cuts before the counter function's name)...
      const ingest = recordUsageBatch(principal, [event("second")]).then(
        (results) => ({ results }),
        (error: unknown) => ({ error }),
      );
      const db = await prisma();
      for (let waited = 0; ; waited += 50) {
        const [row] = await db.$queryRawUnsafe<{ n: number }[]>(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND pid <> $1 AND (query ILIKE '%budget_periods%' OR query ILIKE '%spendline_lock_and_add_spend%' OR query ILIKE '%jsonb_to_recordset%')`,
          otherPid,
        );
        if (row.n > 0) break;
        if (waited > 20_000) throw new Error("ingest never waited for the counter lock");
        await new Promise((r) => setTimeout(r, 50));
      }
      // ...and this session now waits for ingest's roll-up row: a deadlock. This update can only
      // finish once PostgreSQL has aborted the ingest transaction.
      await other.query("UPDATE daily_rollups SET requests = requests WHERE org_id = $1", [org.id]);
      await other.query("ROLLBACK");

      expect(await ingest).toEqual({ results: [expect.objectContaining({ event_id: "second", status: "created" })] });
    } finally {
      await other.end();
    }
    const db = await prisma();
    expect(await db.usageEvent.count({ where: { orgId: org.id } })).toBe(2);
    expect((await listBudgets(SYSTEM, org.id))[0].spentUsd).toBe("0.02");
    expect(await verifyBudgetCounters()).toEqual([]);
    expect((await verifyRollups()).drift).toEqual([]);
  }));
});
