import { beforeAll, describe, expect, it } from "vitest";
import { dec, sum, toCostString } from "@/lib/money";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg, SYSTEM } from "@/test/fixtures";
import { authenticateApiKey, createApiKey } from "./api-keys";
import type { Actor } from "./authz";
import { getCostBreakdown, getCostOverTime, getFilterOptions, getStatCards, getTopOrganisations, getTopUsers, hasAnyUsage } from "./dashboard";
import { getOverview, loadOverview } from "./overview";
import { importPrices } from "./pricing";
import { recordUsage } from "./usage-ingest";
import { exportUsageCsv, getUsageEvent, listUsageEvents } from "./usage-log";

await useTestDatabase();

// A Thursday; ingest and the dashboard both take this as "now".
const NOW = new Date("2026-11-19T12:00:00Z");
const MONTH = { from: "2026-11-01", to: "2026-11-19" };

let orgA: { id: string; slug: string };
let orgB: { id: string; slug: string };
const costs: { org: "A" | "B"; at: string; provider: string; category: string; user: string; cost: string }[] = [];

async function principal(orgId: string) {
  const { key } = await createApiKey(SYSTEM, { orgId, projectKey: "app" });
  return (await authenticateApiKey(key))!;
}

async function drain(gen: AsyncGenerator<string>): Promise<string> {
  let out = "";
  for await (const chunk of gen) out += chunk;
  return out;
}

beforeAll(async () => {
  await importPrices(
    SYSTEM,
    [
      { provider: "testai", model: "t-1", aliases: [], inputPerMtok: "3", cachedInputPerMtok: null, cacheWritePerMtok: null, outputPerMtok: "15", perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z") },
      { provider: "otherai", model: "o-1", aliases: [], inputPerMtok: "0.7", cachedInputPerMtok: null, cacheWritePerMtok: null, outputPerMtok: "1.1", perRequest: null, effectiveFrom: new Date("2024-01-01T00:00:00Z") },
    ],
    { source: "test" },
  );
  orgA = await makeOrg();
  orgB = await makeOrg();
  const pa = await principal(orgA.id);
  const pb = await principal(orgB.id);
  const events = [
    { org: "A", at: "2026-11-19T08:00:00Z", provider: "testai", model: "t-1", category: "chat", user: "alice", input: 1234, output: 567 },
    { org: "A", at: "2026-11-19T09:30:00Z", provider: "otherai", model: "o-1", category: "search", user: "bob", input: 999, output: 1 },
    { org: "A", at: "2026-11-18T23:59:59Z", provider: "testai", model: "t-1", category: "chat", user: "alice", input: 10, output: 20 },
    { org: "A", at: "2026-11-10T10:00:00Z", provider: "testai", model: "t-1", category: "chat", user: "carol", input: 5000, output: 100 },
    { org: "A", at: "2026-10-20T10:00:00Z", provider: "otherai", model: "o-1", category: "search", user: "alice", input: 7777, output: 333 },
    { org: "B", at: "2026-11-19T07:00:00Z", provider: "testai", model: "t-1", category: "chat", user: "zed", input: 100000, output: 1000 },
  ] as const;
  let n = 0;
  for (const e of events) {
    n += 1;
    const r = await recordUsage(e.org === "A" ? pa : pb, { event_id: `ev-${n}`, timestamp: e.at, provider: e.provider, model: e.model, category: e.category, user: e.user, input_tokens: e.input, output_tokens: e.output, prompt: "mail me at a@b.example" }, NOW);
    expect(r.status).toBe("created");
    costs.push({ org: e.org, at: e.at, provider: e.provider, category: e.category, user: e.user, cost: r.cost_usd! });
  }
  await recordUsage(pa, { event_id: "unpriced-1", timestamp: "2026-11-19T10:00:00Z", provider: "mystery", model: "m-9", input_tokens: 5 }, NOW);
});

const total = (pred: (c: (typeof costs)[number]) => boolean) => toCostString(sum(costs.filter(pred).map((c) => c.cost)));
const inA = (c: (typeof costs)[number]) => c.org === "A";
const between = (from: string, to: string) => (c: (typeof costs)[number]) => c.at.slice(0, 10) >= from && c.at.slice(0, 10) <= to;

describe("overview figures equal the sums of ingested events", () => {
  it("stat cards for one organisation", async () => {
    const { cards, projection } = await getStatCards(SYSTEM, { orgId: orgA.id }, {}, NOW);
    const byKey = Object.fromEntries(cards.map((c) => [c.key, c]));
    expect(byKey.today.costUsd).toBe(total((c) => inA(c) && between("2026-11-19", "2026-11-19")(c)));
    expect(byKey.today.previousCostUsd).toBe(total((c) => inA(c) && between("2026-11-18", "2026-11-18")(c)));
    expect(byKey.today.requests).toBe(3); // two priced events and the unpriced one
    expect(byKey.week.costUsd).toBe(total((c) => inA(c) && between("2026-11-16", "2026-11-19")(c)));
    expect(byKey.week.previousCostUsd).toBe(total((c) => inA(c) && between("2026-11-09", "2026-11-12")(c)));
    expect(byKey.month.costUsd).toBe(total((c) => inA(c) && between(MONTH.from, MONTH.to)(c)));
    expect(byKey.month.previousCostUsd).toBe(total((c) => inA(c) && between("2026-10-01", "2026-10-19")(c)));
    expect(byKey.all.costUsd).toBe(total(inA));
    expect(byKey.all.previousCostUsd).toBe(total((c) => inA(c) && c.at < "2026-11-01"));
    expect(projection.monthToDate).toBe(byKey.month.costUsd);
    expect(dec(projection.projected).greaterThan(dec(projection.monthToDate))).toBe(true);
  });

  it("compares early in a month with the same first days of last month", async () => {
    const early = new Date("2026-11-05T12:00:00Z");
    const { cards } = await getStatCards(SYSTEM, { orgId: orgA.id }, {}, early);
    const month = cards.find((c) => c.key === "month")!;
    expect(month.previousCostUsd).toBe(total((c) => inA(c) && between("2026-10-01", "2026-10-05")(c)));
    expect(month.costUsd).toBe(total((c) => inA(c) && c.at >= "2026-11-01")); // the month so far, as the roll-ups hold it
  });

  it("reads whole months from the monthly roll-ups with the same result as the daily ones", async () => {
    const filters = { ...MONTH, project: null, provider: null, model: null, category: null };
    for (const dim of ["provider", "category", "model", "project"] as const) {
      expect(await getCostBreakdown(SYSTEM, { orgId: orgA.id }, filters, dim, NOW)).toEqual(await getCostBreakdown(SYSTEM, { orgId: orgA.id }, filters, dim, new Date("2026-12-15T00:00:00Z")));
    }
    const october = { ...filters, from: "2026-10-01", to: "2026-10-31" };
    expect((await getTopUsers(SYSTEM, { orgId: orgA.id }, october, 10, NOW)).map((u) => [u.userExternalId, u.costUsd])).toEqual([["alice", total((c) => inA(c) && c.at < "2026-11-01")]]);
  });

  it("reads a month mostly inside the range as the month minus its other days, with the same figures", async () => {
    // November 11 to 30 seen on December 15: November's monthly roll-ups minus November 1 to 10.
    const filters = { from: "2026-11-11", to: "2026-11-30", project: null, provider: null, model: null, category: null };
    const later = new Date("2026-12-15T00:00:00Z");
    const users = await getTopUsers(SYSTEM, { orgId: orgA.id }, filters, 10, later);
    // carol's only event (November 10) is subtracted away: she drops out instead of showing 0.
    expect(users.map((u) => [u.userExternalId, u.costUsd]).sort()).toEqual([
      ["alice", total((c) => inA(c) && c.user === "alice" && between("2026-11-11", "2026-11-30")(c))],
      ["bob", total((c) => inA(c) && c.user === "bob")],
    ]);
    const providers = await getCostBreakdown(SYSTEM, { orgId: orgA.id }, filters, "provider", later);
    expect(providers.find((p) => p.key === "testai")).toMatchObject({ cost: total((c) => inA(c) && c.provider === "testai" && between("2026-11-11", "2026-11-30")(c)), requests: 2 });
  });

  it("all organisations for a super admin, filtered by provider", async () => {
    const { cards } = await getStatCards(SYSTEM, { orgId: null }, { provider: "testai" }, NOW);
    expect(cards.find((c) => c.key === "all")!.costUsd).toBe(total((c) => c.provider === "testai"));
  });

  it("charts, breakdowns and top lists", async () => {
    const filters = { ...MONTH, project: null, provider: null, model: null, category: null };
    const over = await getCostOverTime(SYSTEM, { orgId: orgA.id }, filters, 30);
    expect(over.from).toBe("2026-10-21");
    expect(toCostString(sum(over.rows.map((r) => r.cost)))).toBe(total((c) => inA(c) && between("2026-10-21", "2026-11-19")(c)));
    const providers = await getCostBreakdown(SYSTEM, { orgId: orgA.id }, filters, "provider");
    expect(providers.find((p) => p.key === "testai")!.cost).toBe(total((c) => inA(c) && c.provider === "testai" && between(MONTH.from, MONTH.to)(c)));
    expect(providers.find((p) => p.key === "mystery")).toMatchObject({ cost: "0", requests: 1 });
    const categories = await getCostBreakdown(SYSTEM, { orgId: orgA.id }, { ...filters, category: "chat" }, "category");
    expect(categories.map((c) => c.key)).toEqual(["chat"]);
    const orgs = await getTopOrganisations(SYSTEM, { orgId: null }, filters);
    expect(orgs.map((o) => o.slug)).toEqual([orgB.slug, orgA.slug]); // B spent more this month
    expect(orgs.find((o) => o.slug === orgA.slug)!.costUsd).toBe(total((c) => inA(c) && between(MONTH.from, MONTH.to)(c)));
    const users = await getTopUsers(SYSTEM, { orgId: orgA.id }, filters);
    expect(users[0]).toMatchObject({ userExternalId: "carol", costUsd: total((c) => c.user === "carol") });
    expect(users.map((u) => u.userExternalId).sort()).toEqual(["alice", "bob", "carol"]);
    const options = await getFilterOptions(SYSTEM, { orgId: orgA.id });
    expect(options).toEqual({ projects: ["app"], providers: ["mystery", "otherai", "testai"], models: ["m-9", "o-1", "t-1"], categories: ["chat", "search"] });
    const { widgets: overview, filterOptions } = await getOverview(SYSTEM, { orgId: orgA.id }, filters, NOW);
    expect(filterOptions).toEqual(options);
    expect(overview!.topUsers).toEqual(users);
    expect(overview!.topOrganisations).toBeNull(); // shown only across organisations
    // One shared daily read gives the same stat cards and chart as separate reads.
    expect(overview!.stats).toEqual(await getStatCards(SYSTEM, { orgId: orgA.id }, filters, NOW));
    // The chart follows the selected range.
    expect(overview!.costOverTime).toEqual(await getCostOverTime(SYSTEM, { orgId: orgA.id }, filters, 19));
    expect((await getOverview(SYSTEM, { orgId: orgA.id }, { ...filters, from: "2026-10-21" }, NOW)).widgets!.costOverTime).toEqual(over);
    expect(overview!.answers.totalCostUsd).toBe(toCostString(sum(overview!.byProvider.map((r) => r.cost))));
  });
});

describe("tenant isolation", () => {
  let ownerA: Actor;
  let viewerA: Actor;
  beforeAll(async () => {
    ownerA = await makeMember(orgA.id, "owner");
    viewerA = await makeMember(orgA.id, "viewer");
  });

  it("an owner of A reads A and gets not_found for B", async () => {
    await expect(getStatCards(ownerA, { orgId: orgB.id }, {}, NOW)).rejects.toMatchObject({ code: "not_found" });
    await expect(listUsageEvents(ownerA, { orgId: orgB.id }, MONTH)).rejects.toMatchObject({ code: "not_found" });
    await expect(exportUsageCsv(ownerA, { orgId: orgB.id }, MONTH)).rejects.toMatchObject({ code: "not_found" });
    const bEvent = (await listUsageEvents(SYSTEM, { orgId: orgB.id }, MONTH)).rows[0];
    await expect(getUsageEvent(ownerA, bEvent.id)).rejects.toMatchObject({ code: "not_found" });
    await expect(getUsageEvent(ownerA, "not-a-number")).rejects.toMatchObject({ code: "not_found" });
    // Without an organisation, a member sees only their own.
    const { cards } = await getStatCards(ownerA, { orgId: null }, {}, NOW);
    expect(cards.find((c) => c.key === "all")!.costUsd).toBe(total(inA));
    const orgs = await getTopOrganisations(ownerA, { orgId: null }, { ...MONTH, project: null, provider: null, model: null, category: null });
    expect(orgs.map((o) => o.slug)).toEqual([orgA.slug]);
    const page = await listUsageEvents(ownerA, { orgId: null }, MONTH);
    expect(new Set(page.rows.map((r) => r.orgSlug))).toEqual(new Set([orgA.slug]));
  });

  it("the overview answers not_found for another organisation and shows only readable ones across organisations", async () => {
    const filters = { ...MONTH, project: null, provider: null, model: null, category: null };
    await expect(loadOverview(ownerA, { orgId: orgB.id }, filters, NOW)).rejects.toMatchObject({ code: "not_found" });
    const { widgets } = await getOverview(ownerA, { orgId: null }, filters, NOW);
    expect(widgets!.topOrganisations!.map((o) => o.slug)).toEqual([orgA.slug]);
    expect(widgets!.stats.cards.find((c) => c.key === "all")!.costUsd).toBe(total(inA));
  });

  it("the overview of an organisation without usage starts no widget", async () => {
    const empty = await makeOrg();
    const overview = await loadOverview(SYSTEM, { orgId: empty.id }, { ...MONTH, project: null, provider: null, model: null, category: null }, NOW);
    expect(overview).toMatchObject({ anyUsage: false, widgets: null, filterOptions: { projects: [], providers: [], models: [], categories: [] } });
  });

  it("a viewer reads the dashboards and events of their organisation", async () => {
    expect(await hasAnyUsage(viewerA, { orgId: orgA.id })).toBe(true);
    const page = await listUsageEvents(viewerA, { orgId: orgA.id }, MONTH);
    const detail = await getUsageEvent(viewerA, page.rows[0].id);
    expect(detail.orgSlug).toBe(orgA.slug);
  });
});

describe("usage log", () => {
  it("pages with keyset cursors in both directions, sorted by time or cost", async () => {
    const range = { from: "2026-10-01", to: "2026-11-30" };
    const all = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { limit: 100 });
    expect(all.rows).toHaveLength(6);
    expect(all.rows.map((r) => r.occurredAt)).toEqual([...all.rows.map((r) => r.occurredAt)].sort().reverse());
    const p1 = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { limit: 4 });
    expect(p1.previous).toBeNull();
    const p2 = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { limit: 4, after: p1.next });
    expect([...p1.rows, ...p2.rows].map((r) => r.id)).toEqual(all.rows.map((r) => r.id));
    expect(p2.next).toBeNull();
    const back = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { limit: 4, before: p2.previous });
    expect(back.rows.map((r) => r.id)).toEqual(p1.rows.map((r) => r.id));
    expect(back.previous).toBeNull();

    const sort = { key: "cost" as const, dir: "desc" as const };
    const byCost = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { sort, limit: 100 });
    expect(byCost.rows.at(-1)!.costUsd).toBeNull(); // unpriced last
    const costs = byCost.rows.slice(0, -1).map((r) => dec(r.costUsd!));
    for (let i = 1; i < costs.length; i++) expect(costs[i - 1].greaterThanOrEqualTo(costs[i])).toBe(true);
    const c1 = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { sort, limit: 2 });
    const c2 = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { sort, limit: 2, after: c1.next });
    const c3 = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { sort, limit: 2, after: c2.next });
    expect([...c1.rows, ...c2.rows, ...c3.rows].map((r) => r.id)).toEqual(byCost.rows.map((r) => r.id));
    const c2back = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { sort, limit: 2, before: c3.previous });
    expect(c2back.rows.map((r) => r.id)).toEqual(c2.rows.map((r) => r.id));
    const asc = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { sort: { key: "cost", dir: "asc" }, limit: 3 });
    const asc2 = await listUsageEvents(SYSTEM, { orgId: orgA.id }, range, { sort: { key: "cost", dir: "asc" }, limit: 3, after: asc.next });
    expect([...asc.rows, ...asc2.rows].map((r) => r.costUsd)).toEqual([...byCost.rows.slice(0, -1).reverse(), byCost.rows.at(-1)!].map((r) => r.costUsd));
  });

  it("filters by user, status and category", async () => {
    const range = { from: "2026-10-01", to: "2026-11-30" };
    expect((await listUsageEvents(SYSTEM, { orgId: orgA.id }, { ...range, user: "alice" })).rows).toHaveLength(3);
    expect((await listUsageEvents(SYSTEM, { orgId: orgA.id }, { ...range, status: "unpriced" })).rows.map((r) => r.model)).toEqual(["m-9"]);
    expect((await listUsageEvents(SYSTEM, { orgId: orgA.id }, { ...range, category: "search", project: "app" })).rows).toHaveLength(2);
  });

  it("shows one event's detail with its price version and redacted prompt", async () => {
    const row = (await listUsageEvents(SYSTEM, { orgId: orgA.id }, { ...MONTH, user: "carol" })).rows[0];
    const d = await getUsageEvent(SYSTEM, row.id);
    expect(d).toMatchObject({ userExternalId: "carol", tokens: { inputUncached: 5000, output: 100, cacheRead: 0 }, price: { provider: "testai", model: "t-1", inputPerMtok: "3" } });
    expect(d.costUsd).toBe(costs.find((c) => c.user === "carol")!.cost);
    expect(d.prompt).toContain("[REDACTED:email]");
    expect(d.redactionSummary).toMatchObject({ email: 1 });
  });

  it("exports the filtered set as CSV in batches", async () => {
    const csv = await drain(await exportUsageCsv(SYSTEM, { orgId: orgA.id }, { from: "2026-10-01", to: "2026-11-30", provider: "testai" }));
    const lines = csv.trim().split("\r\n");
    expect(lines[0]).toMatch(/^id,event_id,occurred_at,organization/);
    expect(lines).toHaveLength(4);
    const costColumn = lines[0].split(",").indexOf("cost_usd");
    for (const line of lines.slice(1)) expect(line).toMatch(/^"[^"]*"(,"[^"]*")*$/);
    expect(toCostString(sum(lines.slice(1).map((l) => l.split(",")[costColumn].slice(1, -1))))).toBe(total((c) => inA(c) && c.provider === "testai"));
  });
});
