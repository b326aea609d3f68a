import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { dec } from "@/lib/money";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { invalidatePriceCatalog } from "../pricing";
import { checkBudget, sweepExpiredReservations } from "./check";
import { getBudget, listBudgets, setBudget } from "./manage";
import { recordTestEvent } from "./spend-fixture";
import { releaseExpiredReservations } from "./store";
import { verifyBudgetCounters } from "./verify";

const database = await useTestDatabase();

type Conn = Parameters<Parameters<typeof database.sql.withConnection>[0]>[0];

/**
 * Runs fn in a transaction on one connection and rolls it back, its statistics counted apart:
 * pg_stat_xact_* then shows what fn alone read and called (earlier statements' counts flushed first).
 */
async function inRolledBackTransaction<T>(fn: (conn: Conn) => Promise<T>): Promise<T> {
  return database.sql.withConnection(async (conn) => {
    await conn.query("SELECT pg_stat_force_next_flush()");
    await conn.query("SELECT 1");
    await conn.query("BEGIN");
    try {
      return await fn(conn);
    } finally {
      await conn.query("ROLLBACK");
    }
  });
}

describe("budget check", () => {
  it(`with $1.00 left on a hard budget, 20 parallel $0.10 checks give exactly 10 allow and 10 block (${database.kind})`, async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "5", mode: "hard", warnPercent: 100 });
    await recordTestEvent(org.id, { costUsd: "4" });
    const results = await Promise.all(Array.from({ length: 20 }, () => checkBudget(org.id, { estimated_cost_usd: "0.10" })));
    const decisions = results.map((r) => r.decision);
    expect(decisions.filter((d) => d === "allow" || d === "warn")).toHaveLength(10);
    expect(decisions.filter((d) => d === "block")).toHaveLength(10);
    expect(results.filter((r) => r.reservationId).length).toBe(10);
    const [budget] = await listBudgets(SYSTEM, org.id);
    expect(budget).toMatchObject({ spentUsd: "4", reservedUsd: "1", remainingUsd: "0" });
    expect(await verifyBudgetCounters()).toEqual([]);
  });

  it("reserves against every budget in scope and blocks when any hard one is full", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "100", mode: "hard" });
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "chatbot", limitUsd: "10", mode: "hard" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "1", mode: "hard" });
    const first = await checkBudget(org.id, { project: "chatbot", user: "alice", estimated_cost_usd: "0.6" });
    expect(first.decision).toBe("allow");
    expect(first.budgets.map((b) => [b.scope, b.reservedUsd])).toEqual([["organization", "0.6"], ["project", "0.6"], ["user", "0.6"]]);
    const second = await checkBudget(org.id, { project: "chatbot", user: "alice", estimated_cost_usd: "0.6" });
    expect(second.decision).toBe("block");
    expect(second.reservationId).toBeNull();
    // Nothing was reserved by the blocked check, not even on the budgets that had room.
    expect(second.budgets.map((b) => b.reservedUsd)).toEqual(["0.6", "0.6", "0.6"]);
    // Another user of the same project still fits.
    expect((await checkBudget(org.id, { project: "chatbot", user: "bob", estimated_cost_usd: "0.6" })).decision).toBe("allow");
  });

  it("reaches the budgets in scope and their counters by key, never by scanning every budget of the instance", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1000" });
    // 300 end-user budgets with open counters, and fresh statistics. Generic plans of the earlier
    // check function hashed the budgets and counters of the whole instance (4 sequential scans of
    // budgets and 7 of budget_periods per check here): a cost that grew with every budget.
    await database.sql.query("INSERT INTO budgets (org_id, scope, scope_key, limit_usd) SELECT $1::uuid, 'user', 'user-' || g, 100 FROM generate_series(1, 300) g", [org.id]);
    await database.sql.query("INSERT INTO budget_periods (budget_id, period_start, period_end) SELECT id, spendline_period_start(period::text, now()), spendline_period_end(period::text, now()) FROM budgets WHERE org_id = $1::uuid ON CONFLICT DO NOTHING", [org.id]);
    await database.sql.exec("ANALYZE budgets; ANALYZE budget_periods");
    const scans = await inRolledBackTransaction(async (conn) => {
      for (let i = 0; i < 3; i++) {
        const [{ r }] = await conn.query<{ r: { decision: string; budgets: unknown[] } }>("SELECT spendline_budget_check($1::uuid, NULL, $2, 0.01, now(), now() + interval '10 minutes') AS r", [org.id, `user-${i + 1}`]);
        expect(r.decision).toBe("allow");
        expect(r.budgets).toHaveLength(2);
      }
      const seqScans = async (table: string) => (await conn.query<{ seq_scan: string }>("SELECT seq_scan::text FROM pg_stat_xact_user_tables WHERE relname = $1", [table]))[0]?.seq_scan ?? "0";
      return { budgets: await seqScans("budgets"), periods: await seqScans("budget_periods") };
    });
    expect(scans).toEqual({ budgets: "0", periods: "0" });
  });

  it("reads no reservation link while none of the counters' reservations can have expired", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1000" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "100" });
    // Settled and released links stay in the expiry index as dead entries until vacuum: a check
    // that read the front of that index each time paid for the reservations of the last minutes.
    const first = await checkBudget(org.id, { user: "alice", estimated_cost_usd: "0.01" });
    await recordTestEvent(org.id, { costUsd: "0.01", user: "alice", reservationId: first.reservationId! });
    const scans = await inRolledBackTransaction(async (conn) => {
      for (let i = 0; i < 3; i++) {
        const [{ r }] = await conn.query<{ r: { decision: string } }>("SELECT spendline_budget_check($1::uuid, NULL, 'alice', 0.01, now(), now() + interval '10 minutes') AS r", [org.id]);
        expect(r.decision).toBe("allow");
      }
      return (await conn.query<{ n: string }>("SELECT (seq_scan + COALESCE(idx_scan, 0))::text AS n FROM pg_stat_xact_user_tables WHERE relname = 'reservation_budgets'"))[0]?.n ?? "0";
    });
    expect(scans).toBe("0");

    // aggregates:verify reports a counter whose next expiry would hide a reservation's.
    await checkBudget(org.id, { user: "alice", estimated_cost_usd: "0.01" });
    expect(await verifyBudgetCounters()).toEqual([]);
    const userCounters = "budget_id IN (SELECT id FROM budgets WHERE org_id = $1::uuid AND scope = 'user')";
    await database.sql.query(`UPDATE budget_periods SET next_expiry = NULL WHERE ${userCounters}`, [org.id]);
    const lines = await verifyBudgetCounters();
    await database.sql.query(`UPDATE budget_periods bp SET next_expiry = (SELECT min(expires_at) FROM reservation_budgets WHERE budget_period_id = bp.id) WHERE ${userCounters}`, [org.id]);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`${org.slug}, user alice.*next expiry none is later than its earliest reservation's`));
  });

  it("still releases a reservation that expires after an earlier one was settled", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", mode: "hard" });
    const t0 = new Date("2026-02-10T12:00:00Z");
    const early = await checkBudget(org.id, { estimated_cost_usd: "0.4" }, { now: t0 });
    expect((await checkBudget(org.id, { estimated_cost_usd: "0.4" }, { now: new Date(t0.getTime() + 5_000) })).reservationId).not.toBeNull();
    // The earlier reservation is settled: the counter's earliest expiry is now the later one's.
    await recordTestEvent(org.id, { costUsd: "0.1", reservationId: early.reservationId!, occurredAt: new Date(t0.getTime() + 1_000) });
    const between = await checkBudget(org.id, { estimated_cost_usd: "0.6" }, { now: new Date(t0.getTime() + 602_000) });
    expect(between.decision).toBe("block");
    expect(between.budgets[0]).toMatchObject({ spentUsd: "0.1", reservedUsd: "0.4" });
    const after = await checkBudget(org.id, { estimated_cost_usd: "0.6" }, { now: new Date(t0.getTime() + 606_000) });
    expect(after.reservationId).not.toBeNull();
    expect(after.budgets[0]).toMatchObject({ spentUsd: "0.1", reservedUsd: "0.6" });
    expect(await verifyBudgetCounters()).toEqual([]);
  });

  it("runs no SQL function of its own apart from the check itself (the period helpers are inlined into its statements)", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1000", period: "daily" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "100" });
    // A SQL function that PostgreSQL cannot inline is planned and run apart on every call: the
    // period helpers cost 80 µs per budget and check that way on an idle 2-core machine.
    const called = await inRolledBackTransaction(async (conn) => {
      await conn.query("SET LOCAL track_functions = 'all'");
      for (let i = 0; i < 2; i++) {
        const [{ r }] = await conn.query<{ r: { decision: string; budgets: unknown[] } }>("SELECT spendline_budget_check($1::uuid, NULL, 'alice', 0.01, now(), now() + interval '10 minutes') AS r", [org.id]);
        expect(r.decision).toBe("allow");
        expect(r.budgets).toHaveLength(2);
      }
      return (await conn.query<{ funcname: string }>("SELECT funcname FROM pg_stat_xact_user_functions WHERE calls > 0 ORDER BY funcname")).map((f) => f.funcname);
    });
    expect(called).toEqual(["spendline_budget_check"]);
  });

  describe("releasing expired reservations reads each one by its key, however many the instance holds", () => {
    const t0 = new Date("2026-03-10T12:00:00Z");
    const expired = 3000;

    /**
     * An organisation budget whose counter holds `expired` reservations that expire at t0, beside
     * as many reservations of another organisation, with fresh statistics: the planner then
     * expects half the links to expire, which made the old release hash every reservation.
     */
    async function counterWithExpiredReservations() {
      const org = await makeOrg();
      const other = await makeOrg();
      await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1000000" });
      const seed = await checkBudget(org.id, { estimated_cost_usd: "0.01" }, { now: new Date(t0.getTime() - 600_000) });
      const [{ id: counterId }] = await database.sql.query<{ id: string }>("SELECT budget_period_id::text AS id FROM reservation_budgets WHERE reservation_id = $1::uuid", [seed.reservationId]);
      await database.sql.query(
        `WITH r AS (
           INSERT INTO reservations (org_id, amount_usd, expires_at) SELECT $1::uuid, 0.01, $3::timestamptz FROM generate_series(1, $4::int) RETURNING id
         ), l AS (
           INSERT INTO reservation_budgets (reservation_id, budget_period_id, expires_at) SELECT id, $2::uuid, $3::timestamptz FROM r
         )
         UPDATE budget_periods SET reserved_usd = reserved_usd + 0.01 * $4::int WHERE id = $2::uuid`,
        [org.id, counterId, t0.toISOString(), expired - 1],
      );
      await database.sql.query("INSERT INTO reservations (org_id, amount_usd, expires_at, status) SELECT $1::uuid, 0.01, $2::timestamptz, 'settled' FROM generate_series(1, $3::int)", [other.id, t0.toISOString(), expired]);
      await database.sql.exec("ANALYZE reservations; ANALYZE reservation_budgets; ANALYZE budget_periods");
      return { org, counterId };
    }

    /** Counts the rows of reservations that fn read (in a transaction that is rolled back). */
    async function reservationReads(fn: (conn: Conn) => Promise<void>): Promise<number> {
      return inRolledBackTransaction(async (conn) => {
        await fn(conn);
        const [row] = await conn.query<{ reads: string }>("SELECT (seq_tup_read + COALESCE(idx_tup_fetch, 0))::text AS reads FROM pg_stat_xact_user_tables WHERE relname = 'reservations'");
        return Number(row?.reads ?? 0);
      });
    }

    it(`in the check (${database.kind})`, async () => {
      const { org } = await counterWithExpiredReservations();
      const reads = await reservationReads(async (conn) => {
        const [{ r }] = await conn.query<{ r: { decision: string; budgets: { reserved_usd: string }[] } }>(
          "SELECT spendline_budget_check($1::uuid, NULL, NULL, 0.5, $2::timestamptz, $3::timestamptz) AS r",
          [org.id, t0.toISOString(), new Date(t0.getTime() + 600_000).toISOString()],
        );
        expect(r.decision).toBe("allow");
        expect(Number(r.budgets[0].reserved_usd)).toBe(0.5);
      });
      // One read per released reservation (and a few for the foreign keys of the new one), where
      // the old statement read every reservation of the instance.
      expect(reads).toBeGreaterThanOrEqual(expired);
      expect(reads).toBeLessThan(expired + 50);
    });

    it(`in the sweep's release (${database.kind})`, async () => {
      const { counterId } = await counterWithExpiredReservations();
      const reads = await reservationReads(async (conn) => {
        const counter = { id: counterId, budgetId: "", periodStart: t0, periodEnd: t0, spent: dec(0), reserved: dec(0) };
        await releaseExpiredReservations(conn, [counter], t0);
        expect(counter.reserved.toFixed()).toBe("0");
      });
      expect(reads).toBeGreaterThanOrEqual(expired);
      expect(reads).toBeLessThan(expired + 50);
    });
  });

  it("answers allow without a reservation when no budget is in scope", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "other", limitUsd: "1", mode: "hard" });
    const r = await checkBudget(org.id, { project: "chatbot", estimated_cost_usd: "50" });
    expect(r).toMatchObject({ decision: "allow", reservationId: null, budgets: [] });
  });

  it("warns when spent + reserved reaches the warning threshold after the reservation", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "10", warnPercent: 50 });
    expect((await checkBudget(org.id, { estimated_cost_usd: "4.99" })).decision).toBe("allow");
    const warned = await checkBudget(org.id, { estimated_cost_usd: "0.01" });
    expect(warned.decision).toBe("warn");
    expect(warned.reservationId).not.toBeNull();
  });

  it("settles a reservation with the event's actual cost", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "10", mode: "hard" });
    const check = await checkBudget(org.id, { estimated_cost_usd: "2" });
    await recordTestEvent(org.id, { costUsd: "0.5", reservationId: check.reservationId! });
    const [budget] = await listBudgets(SYSTEM, org.id);
    expect(budget).toMatchObject({ spentUsd: "0.5", reservedUsd: "0" });
    const db = await prisma();
    expect(await db.reservation.findUniqueOrThrow({ where: { id: check.reservationId! } })).toMatchObject({ status: "settled" });
    // A second event with the same reservation id releases nothing more.
    await recordTestEvent(org.id, { costUsd: "0.5", reservationId: check.reservationId! });
    expect((await listBudgets(SYSTEM, org.id))[0]).toMatchObject({ spentUsd: "1", reservedUsd: "0" });
    expect(await verifyBudgetCounters()).toEqual([]);
  });

  it("lets reservations expire without any job, and sweeps them", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1", mode: "hard" });
    const t0 = new Date("2026-01-15T12:00:00Z");
    expect((await checkBudget(org.id, { estimated_cost_usd: "1" }, { now: t0 })).reservationId).not.toBeNull();
    expect((await checkBudget(org.id, { estimated_cost_usd: "1" }, { now: new Date(t0.getTime() + 1000) })).decision).toBe("block");
    const later = new Date(t0.getTime() + 601_000);
    // Listing already ignores the expired reservation; the next check releases it.
    expect((await listBudgets(SYSTEM, org.id, { now: later }))[0].reservedUsd).toBe("0");
    const afterExpiry = await checkBudget(org.id, { estimated_cost_usd: "1" }, { now: later });
    expect(afterExpiry.decision).toBe("warn");
    expect(afterExpiry.budgets[0].reservedUsd).toBe("1");
    const muchLater = new Date(t0.getTime() + 1_300_000);
    expect(await sweepExpiredReservations(muchLater)).toBe(2);
    const db = await prisma();
    expect(await db.reservation.count({ where: { orgId: org.id, status: "expired" } })).toBe(2);
    expect((await getBudget(SYSTEM, (await listBudgets(SYSTEM, org.id))[0].id, { now: muchLater })).budget.reservedUsd).toBe("0");
  });

  it("asks to confirm over a soft limit, reserving nothing, with an override token", async () => {
    const org = await makeOrg();
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "1", mode: "soft" });
    await recordTestEvent(org.id, { costUsd: "0.95", user: "alice" });
    const r = await checkBudget(org.id, { user: "alice", estimated_cost_usd: "0.10" });
    expect(r.decision).toBe("confirm");
    expect(r.reservationId).toBeNull();
    expect(r.overrideToken).toMatch(/^spo1\./);
    expect(r.budgets[0]).toMatchObject({ scope: "user", reservedUsd: "0", spentUsd: "0.95", remainingUsd: "0.05", mode: "soft" });
  });

  it("prices a token estimate with the catalog, and rejects an unknown model", async () => {
    const org = await makeOrg();
    const db = await prisma();
    await db.modelPrice.create({ data: { provider: "openai", model: "gpt-test-check", inputPerMtok: "2.5", outputPerMtok: "10", effectiveFrom: new Date("2020-01-01T00:00:00Z") } });
    await db.modelPrice.create({ data: { provider: "openai", model: "gpt-test-check", inputPerMtok: "5", outputPerMtok: "20", effectiveFrom: new Date("2099-01-01T00:00:00Z") } });
    invalidatePriceCatalog();
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "10" });
    const r = await checkBudget(org.id, { provider: "openai", model: "gpt-test-check", estimated_input_tokens: 1000, estimated_output_tokens: 500 });
    expect(r.estimateUsd).toBe("0.0075");
    expect(r.budgets[0].reservedUsd).toBe("0.0075");
    await expect(checkBudget(org.id, { model: "no-such-model", estimated_input_tokens: 1, estimated_output_tokens: 1 })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(checkBudget(org.id, { estimated_input_tokens: 1 })).rejects.toMatchObject({ code: "validation_failed" });
    await expect(checkBudget(org.id, { estimated_cost_usd: "-1" })).rejects.toMatchObject({ code: "validation_failed" });
  });
});
