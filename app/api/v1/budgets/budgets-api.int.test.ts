import { describe, expect, it } from "vitest";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { createApiKey } from "@/lib/server/api-keys";
import { setBudget } from "@/lib/server/budgets/manage";
import { recordTestEvent } from "@/lib/server/budgets/spend-fixture";
import { POST as checkRoute } from "./check/route";
import { GET as listRoute } from "./route";

await useTestDatabase();

function post(key: string | null, body: unknown, contentType: string | null = "application/json") {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (contentType) headers["content-type"] = contentType;
  return checkRoute(new Request("http://test/api/v1/budgets/check", { method: "POST", headers, body: typeof body === "string" ? body : JSON.stringify(body) }), undefined);
}

function get(key: string | null) {
  return listRoute(new Request("http://test/api/v1/budgets", { headers: key ? { authorization: `Bearer ${key}` } : {} }), undefined);
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("POST /api/v1/budgets/check", () => {
  it("answers the SPEC shape and reserves", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "10", mode: "hard" });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "1" });
    const res = await post(key, { user: "alice", estimated_cost_usd: "0.25", organization: "ignored" });
    expect(res.status).toBe(200);
    const body = await res.json();
    expect(Object.keys(body).sort()).toEqual(["budgets", "decision", "reservation_id"]);
    expect(body.decision).toBe("allow");
    expect(body.reservation_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.budgets).toEqual([
      { scope: "organization", limit_usd: "10", spent_usd: "0", reserved_usd: "0.25", remaining_usd: "9.75", period_end: expect.stringMatching(ISO), mode: "hard" },
      { scope: "user", limit_usd: "1", spent_usd: "0", reserved_usd: "0.25", remaining_usd: "0.75", period_end: expect.stringMatching(ISO), mode: "soft" },
    ]);
  });

  it("answers confirm with an override token over a soft limit, allow with no budget", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const none = await (await post(key, { estimated_cost_usd: 5 })).json();
    expect(none).toEqual({ decision: "allow", budgets: [] });
    await setBudget(SYSTEM, org.id, { scope: "organization", limitUsd: "1" });
    await recordTestEvent(org.id, { costUsd: "1" });
    const body = await (await post(key, { estimated_cost_usd: "0.01" })).json();
    expect(body.decision).toBe("confirm");
    expect(body.override_token).toEqual(expect.any(String));
    expect(body.reservation_id).toBeUndefined();
  });

  it("answers 401, 415, 400 and 422 in the error shape", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    expect((await post(null, {})).status).toBe(401);
    expect((await post("spl_abcdefgh_wrongwrongwrongwrongwrongwrongwrong", {})).status).toBe(401);
    expect((await post(key, {}, "text/plain")).status).toBe(415);
    expect((await post(key, {}, null)).status).toBe(415);
    expect((await post(key, "{nope", "application/json; charset=utf-8")).status).toBe(400);
    for (const bad of [{ estimated_cost_usd: "-1" }, { estimated_cost_usd: "abc" }, { estimated_input_tokens: 10 }, { estimated_input_tokens: 1.5, estimated_output_tokens: 1, model: "m" }, [], { user: 42 }]) {
      const res = await post(key, bad);
      expect(res.status, JSON.stringify(bad)).toBe(422);
      const body = await res.json();
      expect(body.error).toMatchObject({ code: "validation_failed", message: expect.any(String) });
    }
  });

  it("uses the key's organisation and project, never another organisation's budgets", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    await setBudget(SYSTEM, b.id, { scope: "organization", limitUsd: "1", mode: "hard" });
    await setBudget(SYSTEM, a.id, { scope: "project", scopeKey: "bound", limitUsd: "1", mode: "hard" });
    const { key: keyA } = await createApiKey(SYSTEM, { orgId: a.id, projectKey: "bound" });
    const body = await (await post(keyA, { project: "elsewhere", organization: b.slug, estimated_cost_usd: "5" })).json();
    expect(body.decision).toBe("block");
    expect(body.budgets.map((x: { scope: string }) => x.scope)).toEqual(["project"]);
  });
});

describe("GET /api/v1/budgets", () => {
  it("lists the key's organisation's budgets in the SPEC shape", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    await setBudget(SYSTEM, b.id, { scope: "organization", limitUsd: "999" });
    await setBudget(SYSTEM, a.id, { scope: "organization", limitUsd: "100", mode: "hard" });
    await setBudget(SYSTEM, a.id, { scope: "project", scopeKey: "chatbot", limitUsd: "20", period: "weekly", warnPercent: 90 });
    await setBudget(SYSTEM, a.id, { scope: "user", scopeKey: "alice", limitUsd: "1.5", period: "daily" });
    await recordTestEvent(a.id, { costUsd: "0.000125", project: "chatbot", user: "alice" });
    const { key } = await createApiKey(SYSTEM, { orgId: a.id });
    expect((await get(null)).status).toBe(401);
    const res = await get(key);
    expect(res.status).toBe(200);
    const { budgets } = await res.json();
    expect(budgets).toHaveLength(3);
    for (const x of budgets) {
      expect(Object.keys(x).sort()).toEqual(["id", "limit_usd", "mode", "period", "period_end", "period_start", "remaining_usd", "reserved_usd", "scope", "scope_key", "spent_usd", "warn_percent"].sort());
      expect(x.period_start).toMatch(ISO);
      expect(x.period_end).toMatch(ISO);
    }
    expect(budgets.map((x: Record<string, unknown>) => [x.scope, x.scope_key, x.period, x.mode, x.limit_usd, x.spent_usd, x.remaining_usd, x.warn_percent])).toEqual([
      ["organization", null, "monthly", "hard", "100", "0.000125", "99.999875", 80],
      ["project", "chatbot", "weekly", "soft", "20", "0.000125", "19.999875", 90],
      ["user", "alice", "daily", "soft", "1.5", "0.000125", "1.499875", 80],
    ]);
    const daily = budgets.find((x: { period: string }) => x.period === "daily");
    expect(new Date(daily.period_end).getTime() - new Date(daily.period_start).getTime()).toBe(86_400_000);
  });
});
