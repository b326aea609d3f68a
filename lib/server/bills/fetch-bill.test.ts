import { readFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseBill } from "@/lib/bills/parse";
import { startCostReportServer, type CostReportServer } from "@/test/cost-report-server";
import { fetchBillPages } from "./fetch-bill";

const fixture = (name: string) => JSON.parse(readFileSync(path.resolve(import.meta.dirname, "../../../test/fixtures/bills", name), "utf8"));
let server: CostReportServer | null = null;
afterEach(async () => {
  await server?.close();
  server = null;
});

describe("fetchBillPages against a local server that pages and throttles", () => {
  it("OpenAI: waits out 429 with Retry-After, follows next_page to the last page, sends the admin key", async () => {
    server = await startCostReportServer({ provider: "openai", pages: fixture("openai-costs.json"), adminKey: "sk-admin-test", retryAfter: "1" });
    const waits: number[] = [];
    const started = Date.now();
    const pages = await fetchBillPages({ provider: "openai", from: "2025-06-02", to: "2025-06-03", adminKey: "sk-admin-test", baseUrl: server.url, onWait: (s) => waits.push(s) });
    expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    expect(waits).toEqual([1]);
    expect(pages).toHaveLength(2);
    expect(parseBill("openai", pages).lines).toHaveLength(4);
    expect(server.requests.map((r) => [r.status, r.query.get("page")])).toEqual([
      [429, null],
      [200, null],
      [200, "page_1"],
    ]);
    const q = server.requests[1].query;
    expect([q.get("start_time"), q.get("end_time"), q.get("bucket_width"), q.getAll("group_by")]).toEqual(["1748822400", "1748995200", "1d", ["line_item", "project_id"]]);
  });

  it("Anthropic: x-api-key and anthropic-version headers, RFC 3339 range, several throttles", async () => {
    const report = fixture("anthropic-cost-report.json");
    const pages = [report, { ...report, data: [{ ...report.data[0], starting_at: "2025-06-03T00:00:00Z", ending_at: "2025-06-04T00:00:00Z" }] }, { data: [] }];
    server = await startCostReportServer({ provider: "anthropic", pages, adminKey: "sk-ant-admin-test", throttleEvery: 3, retryAfter: "0" });
    const got = await fetchBillPages({ provider: "anthropic", from: "2025-06-02", to: "2025-06-03", adminKey: "sk-ant-admin-test", baseUrl: `${server.url}/v1/` });
    expect(got).toHaveLength(3);
    expect(parseBill("anthropic", got).days).toEqual(["2025-06-02", "2025-06-03"]);
    expect(server.requests.filter((r) => r.status === 429).length).toBe(2);
    const first = server.requests.find((r) => r.status === 200)!;
    expect(first.headers["anthropic-version"]).toBe("2023-06-01");
    expect([first.query.get("starting_at"), first.query.get("ending_at"), first.query.getAll("group_by[]")]).toEqual(["2025-06-02T00:00:00Z", "2025-06-04T00:00:00Z", ["description", "workspace_id"]]);
  });

  it("stops with one clear error on a refused key, and after too many throttles", async () => {
    server = await startCostReportServer({ provider: "openai", pages: fixture("openai-costs.json"), adminKey: "right", retryAfter: "0" });
    await expect(fetchBillPages({ provider: "openai", from: "2025-06-02", to: "2025-06-03", adminKey: "wrong", baseUrl: server.url })).rejects.toThrow("openai refused the admin key (HTTP 401): invalid admin key");
    await server.close();
    server = await startCostReportServer({ provider: "openai", pages: fixture("openai-costs.json"), adminKey: "k", throttleEvery: 1, retryAfter: "0" });
    await expect(fetchBillPages({ provider: "openai", from: "2025-06-02", to: "2025-06-03", adminKey: "k", baseUrl: server.url, maxRetries: 3 })).rejects.toThrow("openai answered 429 4 times in a row");
  });
});
