// bills:import, bills:fetch and bills:reconcile as an operator runs them: a real process, a real
// database (PGlite in a temporary folder, or a scratch PostgreSQL with TEST_DATABASE_URL), events
// sent through the real ingest path, and a local stand-in of the providers' admin APIs.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { openDatabase, setDatabase } from "@/lib/db/client";
import { authenticateApiKey, createApiKey } from "@/lib/server/api-keys";
import { recordUsageBatch } from "@/lib/server/usage-ingest";
import { setupTestCli } from "@/test/cli";
import { startCostReportServer } from "@/test/cost-report-server";
import { SYSTEM } from "@/test/fixtures";

const fixtures = path.resolve(import.meta.dirname, "..", "..", "test", "fixtures", "bills");
const { cli, databaseUrl, dataDir } = await setupTestCli({ name: "bills", unset: ["OPENAI_ADMIN_KEY", "ANTHROPIC_ADMIN_KEY"] });

/** Sends events through the real ingest path, with the database opened in this process meanwhile. */
async function sendEvents(slug: string, events: Record<string, unknown>[]) {
  const db = await openDatabase(databaseUrl ? { url: databaseUrl } : { dataDir });
  setDatabase(db);
  try {
    const org = await db.prisma.organization.findUniqueOrThrow({ where: { slug } });
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const results = await recordUsageBatch((await authenticateApiKey(key))!, events, new Date("2025-06-04T12:00:00Z"));
    expect(results.every((r) => r.status === "created")).toBe(true);
  } finally {
    setDatabase(undefined);
    await db.close();
  }
}

const errorLine = (r: { stderr: string }) => r.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn") && !l.startsWith("Fetched page") && !l.includes("waiting"));

describe("bills commands", { timeout: 600_000 }, () => {
  it("imports bills, reconciles them against events (--json lines and a table), re-imports idempotently", async () => {
    expect((await cli(["migrate"])).code).toBe(0);
    expect((await cli(["orgs:create", "acme", "Acme"])).code).toBe(0);
    expect((await cli(["orgs:create", "other", "Other"])).code).toBe(0);
    await sendEvents("acme", [
      { event_id: "a1", timestamp: "2025-06-02T10:00:00Z", provider: "openai", model: "gpt-4o", input_tokens: 100_000, output_tokens: 50_000 },
      { event_id: "a2", timestamp: "2025-06-03T10:00:00Z", provider: "openai", model: "gpt-4o-2024-08-06", input_tokens: 400_000 },
      { event_id: "a3", timestamp: "2025-06-03T11:00:00Z", provider: "openai", model: "gpt-4o-mini", input_tokens: 100_000 },
      { event_id: "c1", timestamp: "2025-06-02T12:00:00Z", provider: "anthropic", model: "claude-sonnet-4-20250514", input_tokens: 100_000, output_tokens: 100_000 },
    ]);
    const imported = await cli(["bills:import", "--org", "acme", "--provider", "openai", path.join(fixtures, "openai-costs.json")]);
    expect(imported).toMatchObject({ code: 0 });
    expect(imported.stdout.trim()).toMatch(/^Stored 4 openai bill lines for acme \(2 days, 2025-06-02 to 2025-06-03\), total \$1\.90; source sha256 [0-9a-f]{64}\.$/);
    const again = await cli(["bills:import", "--org", "acme", "--provider", "openai", path.join(fixtures, "openai-costs.json")]);
    expect(again.stdout).toContain("replacing 4 lines imported before");
    expect((await cli(["bills:import", "--org", "acme", "--provider", "anthropic", path.join(fixtures, "anthropic-cost-report.json")])).stdout).toContain("total $1.80123456789");

    const json = await cli(["bills:reconcile", "--org", "acme", "--from", "2025-06-01", "--to", "2025-06-30", "--json"]);
    expect(json.code).toBe(0);
    expect(json.stdout.trim().split("\n").map((l) => JSON.parse(l))).toEqual([
      { date: "2025-06-02", provider: "anthropic", model: "claude-sonnet-4-0", billed_usd: "1.80123456789", tracked_usd: "1.8", difference_usd: "-0.00123456789", status: "ok" },
      { date: "2025-06-02", provider: "openai", model: "gpt-4o", billed_usd: "0.75", tracked_usd: "0.75", difference_usd: "0", status: "ok" },
      { date: "2025-06-02", provider: "openai", model: "gpt-4o-mini", billed_usd: "0.05", tracked_usd: "0", difference_usd: "-0.05", status: "untracked" },
      { date: "2025-06-03", provider: "openai", model: "gpt-4o", billed_usd: "1.1", tracked_usd: "1", difference_usd: "-0.1", status: "under" },
      { date: "2025-06-03", provider: "openai", model: "gpt-4o-mini", billed_usd: "0", tracked_usd: "0.015", difference_usd: "0.015", status: "unbilled" },
    ]);
    const table = await cli(["bills:reconcile", "--org", "acme", "--from", "2025-06-01", "--to", "2025-06-30"]);
    expect(table.stdout).toMatch(/^DATE\s+PROVIDER\s+MODEL\s+BILLED\s+TRACKED\s+DIFFERENCE\s+STATUS$/m);
    expect(table.stdout).toMatch(/^2025-06-03\s+openai\s+gpt-4o\s+\$1\.10\s+\$1\.00\s+-\$0\.10\s+under$/m);
    expect(table.stdout).toContain("5 rows, 3 outside tolerance");
    // Another organisation sees none of it.
    expect((await cli(["bills:reconcile", "--org", "other", "--from", "2025-06-01", "--to", "2025-06-30", "--json"])).stdout).toBe("");
  });

  it("a malformed file stores nothing and says which field, on one line", async () => {
    const bad = await cli(["bills:import", "--org", "other", "--provider", "openai", path.join(fixtures, "openai-costs-malformed.json")]);
    expect(bad.code).not.toBe(0);
    expect(errorLine(bad)).toHaveLength(1);
    expect(errorLine(bad)[0]).toMatch(/^error: .*openai-costs-malformed\.json: \[1\]\.data\[0\]\.results\[0\]\.amount\.value: /);
    expect((await cli(["bills:reconcile", "--org", "other", "--from", "2025-06-01", "--to", "2025-06-30", "--json"])).stdout).toBe("");
    const cases: [string[], RegExp][] = [
      [["bills:import", "--org", "other", "--provider", "google", "x.json"], /--provider must be openai or anthropic/],
      [["bills:import", "--org", "other", "--provider", "openai", "/nonexistent.json"], /cannot read \/nonexistent\.json: file not found/],
      [["bills:import", "--org", "nope", "--provider", "openai", path.join(fixtures, "openai-costs.json")], /unknown organisation "nope"/],
      [["bills:reconcile", "--org", "other", "--from", "2025-06-31", "--to", "2025-07-01"], /--from must be a date/],
      [["bills:fetch", "--org", "other", "--provider", "openai", "--from", "2025-06-02", "--to", "2025-06-03"], /OPENAI_ADMIN_KEY is not set/],
    ];
    for (const [args, message] of cases) {
      const r = await cli(args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(errorLine(r), args.join(" ")).toHaveLength(1);
      expect(errorLine(r)[0], args.join(" ")).toMatch(message);
    }
  });

  it("bills:fetch pages through a local admin API that throttles, then imports what it got", async () => {
    const pages = JSON.parse(readFileSync(path.join(fixtures, "openai-costs.json"), "utf8"));
    const api = await startCostReportServer({ provider: "openai", pages, adminKey: "sk-admin-local", retryAfter: "1" });
    try {
      const r = await cli(["bills:fetch", "--org", "other", "--provider", "openai", "--from", "2025-06-02", "--to", "2025-06-03", "--base-url", api.url], { OPENAI_ADMIN_KEY: "sk-admin-local" });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toContain("openai answered 429; waiting 1 s before trying again");
      expect(r.stdout.trim()).toBe("Fetched 2 pages and stored 4 openai bill lines for other (2 days), total $1.90.");
      expect(api.requests.map((q) => q.status)).toEqual([429, 200, 200]);
      const rows = (await cli(["bills:reconcile", "--org", "other", "--from", "2025-06-01", "--to", "2025-06-30", "--json"])).stdout.trim().split("\n").map((l) => JSON.parse(l));
      expect(rows.map((x) => x.status)).toEqual(["untracked", "untracked", "untracked"]);
      const refused = await cli(["bills:fetch", "--org", "other", "--provider", "openai", "--from", "2025-06-02", "--to", "2025-06-03", "--base-url", api.url], { OPENAI_ADMIN_KEY: "wrong" });
      expect(refused.code).not.toBe(0);
      expect(errorLine(refused)).toEqual(["error: openai refused the admin key (HTTP 401): invalid admin key"]);
    } finally {
      await api.close();
    }
  });
});
