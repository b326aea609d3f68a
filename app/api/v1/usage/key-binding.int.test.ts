// Review findings on the public API (issue 9): a project-bound key reports only its project, an
// override token works only with the key that asked for it, an API-key actor is never a super
// admin, revocation reaches every instance within a second, deep metadata is a 422.
import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { authenticateApiKey, createApiKey } from "@/lib/server/api-keys";
import { apiKeyActor, isSuperAdmin } from "@/lib/server/authz";
import { listMembers } from "@/lib/server/accounts";
import { listBudgets, setBudget } from "@/lib/server/budgets/manage";
import { importPrices } from "@/lib/server/pricing";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM, uniq } from "@/test/fixtures";
import { POST as checkRoute } from "../budgets/check/route";
import { POST as usageRoute } from "./route";

await useTestDatabase();

// $1,000 per million input tokens: N input tokens cost N / 1,000 dollars.
await importPrices(
  SYSTEM,
  [{ provider: "test", model: "tst-bind", aliases: [], inputPerMtok: "1000", cachedInputPerMtok: null, cacheWritePerMtok: null, outputPerMtok: "0", perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z") }],
  { source: "test" },
);

function post(route: typeof usageRoute, path: string, key: string, body: unknown) {
  return route(new Request(`http://localhost${path}`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) }), undefined);
}

describe("project-bound keys", () => {
  it("record every event and check under the key's project; a project in the body is ignored", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id, projectKey: "bound" });
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "bound", limitUsd: "1", mode: "hard" });
    await setBudget(SYSTEM, org.id, { scope: "project", scopeKey: "elsewhere", limitUsd: "100", mode: "hard" });

    const single = await post(usageRoute, "/api/v1/usage", key, { event_id: "e1", provider: "test", model: "tst-bind", input_tokens: 600, project: "elsewhere" });
    expect(single.status).toBe(200);
    const batch = await post(usageRoute, "/api/v1/usage", key, { events: [{ event_id: "e2", provider: "test", model: "tst-bind", input_tokens: 300, project: "elsewhere" }] });
    expect(batch.status).toBe(200);

    const db = await prisma();
    const rows = await db.usageEvent.findMany({ where: { orgId: org.id }, include: { project: true } });
    expect(rows.map((r) => r.project?.key)).toEqual(["bound", "bound"]);
    const rollups = await db.dailyRollup.findMany({ where: { orgId: org.id } });
    expect(rollups.map((r) => r.projectKey)).toEqual(["bound"]);
    const budgets = await listBudgets(SYSTEM, org.id);
    expect(Object.fromEntries(budgets.map((b) => [b.scopeKey, b.spentUsd]))).toEqual({ bound: "0.9", elsewhere: "0" });

    // The check counts the bound project's budget too: $0.90 spent of $1, so $0.20 is blocked.
    const check = await (await post(checkRoute, "/api/v1/budgets/check", key, { project: "elsewhere", estimated_cost_usd: "0.2" })).json();
    expect(check.decision).toBe("block");
  });
});

describe("override tokens", () => {
  it("are good only with the API key that asked for them", async () => {
    const org = await makeOrg();
    const asker = await createApiKey(SYSTEM, { orgId: org.id });
    const other = await createApiKey(SYSTEM, { orgId: org.id });
    await setBudget(SYSTEM, org.id, { scope: "user", scopeKey: "alice", limitUsd: "0.001", mode: "soft" });
    const confirm = await (await post(checkRoute, "/api/v1/budgets/check", asker.key, { user: "alice", estimated_cost_usd: "0.5" })).json();
    expect(confirm.decision).toBe("confirm");
    const token = confirm.override_token as string;

    const stolen = await (await post(usageRoute, "/api/v1/usage", other.key, { event_id: uniq("o"), provider: "test", model: "tst-bind", input_tokens: 100, user: "alice", override_token: token })).json();
    expect(stolen.results[0]).toMatchObject({ status: "created", budget_override: false, over_budget: true });
    const own = await (await post(usageRoute, "/api/v1/usage", asker.key, { event_id: uniq("o"), provider: "test", model: "tst-bind", input_tokens: 100, user: "alice", override_token: token })).json();
    expect(own.results[0]).toMatchObject({ status: "created", budget_override: true });
  });
});

describe("the API-key actor", () => {
  it("is never a super admin and reads only its own organisation", async () => {
    const a = await makeOrg();
    const b = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: a.id });
    const actor = apiKeyActor((await authenticateApiKey(key))!);
    expect(isSuperAdmin(actor)).toBe(false);
    await expect(listBudgets(actor, a.id)).resolves.toEqual([]);
    await expect(listBudgets(actor, b.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(listMembers(actor, a.id)).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("revocation", () => {
  it("reaches every instance within a second (another instance's revoke, seen through this one's cache)", async () => {
    const org = await makeOrg();
    const { key, prefix } = await createApiKey(SYSTEM, { orgId: org.id });
    expect(await authenticateApiKey(key)).not.toBeNull();
    // Another instance revokes: straight in the database, this process's cache is not told.
    await (await prisma()).apiKey.update({ where: { prefix }, data: { revokedAt: new Date() } });
    await new Promise((r) => setTimeout(r, 1100));
    expect(await authenticateApiKey(key)).toBeNull();
  });
});

describe("nesting depth", () => {
  it("metadata deeper than 32 levels is a 422; 10,000 levels answer quickly; 32 levels are stored", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const nest = (depth: number) => `${'{"a":'.repeat(depth - 1)}{"leaf":1}${"}".repeat(depth - 1)}`;
    const deep = `{"event_id":"deep","metadata":${nest(10_000)}}`;
    const started = performance.now();
    const res = await post(usageRoute, "/api/v1/usage", key, deep);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(res.status).toBe(422);
    expect((await res.json()).error).toMatchObject({ code: "validation_failed", message: "metadata may nest at most 32 levels." });
    const arrays = await post(usageRoute, "/api/v1/usage", key, `{"events":[{"event_id":"arr","metadata":{"x":${"[".repeat(100_000)}${"]".repeat(100_000)}}}]}`);
    expect(arrays.status).toBe(207);
    expect(await post(usageRoute, "/api/v1/usage", key, `{"event_id":"d33","metadata":${nest(33)}}`)).toHaveProperty("status", 422);
    expect(await post(usageRoute, "/api/v1/usage", key, `{"event_id":"d32","metadata":${nest(32)}}`)).toHaveProperty("status", 200);
    expect(await post(usageRoute, "/api/v1/usage", key, `{"event_id":"u","usage":${nest(5_000)}}`)).toHaveProperty("status", 422);
  });
});
