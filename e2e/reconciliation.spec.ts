import { expect, test } from "@playwright/test";
import { ADMIN, ingest, orgWithKey, screenshots, signIn } from "./helpers";

const DAY = 86_400_000;
const isoDay = (ms: number) => new Date(ms).toISOString().slice(0, 10);

/** An OpenAI organization/costs page as the admin API returns it, for the given days. */
function openAiPage(days: { start: number; results: [string, number][] }[]) {
  return {
    object: "page",
    data: days.map((d) => ({
      object: "bucket",
      start_time: d.start / 1000,
      end_time: d.start / 1000 + 86_400,
      results: d.results.map(([lineItem, value]) => ({ object: "organization.costs.result", amount: { value, currency: "usd" }, line_item: lineItem, project_id: null })),
    })),
    has_more: false,
    next_page: null,
  };
}

test("reconciliation: upload a bill, see gaps first with causes, the chart and links to the usage log", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const { slug, key } = await orgWithKey(page, "recon", "Recon");
  const today = Date.parse(`${isoDay(Date.now())}T00:00:00Z`);
  const yesterday = today - DAY;

  // gpt-4o at $2.50 / $10 per million: yesterday $0.75, today $1.00.
  await ingest(page.request, key, [
    { event_id: "y1", timestamp: new Date(yesterday + 10 * 3600_000).toISOString(), provider: "openai", model: "gpt-4o-2024-08-06", input_tokens: 100_000, output_tokens: 50_000 },
    { event_id: "t1", timestamp: new Date(Math.min(Date.now() - 60_000, today + 60_000)).toISOString(), provider: "openai", model: "gpt-4o", input_tokens: 400_000 },
  ]);

  const from = isoDay(yesterday);
  const to = isoDay(today);
  await page.goto(`/reconciliation?org=${slug}&from=${from}&to=${to}`);
  await expect(page.getByRole("heading", { name: "Reconciliation" })).toBeVisible();
  await expect(page.getByText("Nothing billed or tracked in this range")).toHaveCount(0);

  // A malformed bill is refused with the bad field named, and stores nothing.
  await page.getByLabel("Provider").selectOption("openai");
  const bad = openAiPage([{ start: yesterday, results: [["gpt-4o-2024-08-06, input", 0.25]] }]);
  (bad.data[0].results[0].amount as { value: unknown }).value = "lots";
  await page.getByLabel("Cost report (JSON)").setInputFiles({ name: "bad.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bad)) });
  await page.getByRole("button", { name: "Import bill" }).click();
  await expect(page.locator("#bill-file-error")).toContainText("data[0].results[0].amount.value");
  await expect(page.getByText("No bills imported yet.")).toBeVisible();

  const bill = openAiPage([
    { start: yesterday, results: [["gpt-4o-2024-08-06, input", 0.25], ["gpt-4o-2024-08-06, output", 0.5], ["gpt-4o-mini-2024-07-18, input", 0.05]] },
    { start: today, results: [["gpt-4o-2024-08-06, input", 1.0], ["gpt-4o-2024-08-06, cached input", 0.1]] },
  ]);
  await page.getByLabel("Cost report (JSON)").setInputFiles({ name: "openai-costs.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bill)) });
  await page.getByRole("button", { name: "Import bill" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Stored 5 openai bill lines (2 days), total $1.90" })).toBeVisible();

  const table = page.getByTestId("reconciliation-table");
  const rows = table.locator(":scope > tbody > tr");
  await expect(rows).toHaveCount(3);
  // Gaps first: today's gpt-4o is $0.10 under, yesterday's gpt-4o-mini untracked, then the ok row.
  await expect(rows.nth(0)).toHaveAttribute("data-status", "under");
  await expect(rows.nth(0)).toContainText(to);
  await expect(rows.nth(0).locator('[data-cause="cache_tokens_not_reported"]')).toBeVisible();
  await expect(rows.nth(1)).toHaveAttribute("data-status", "untracked");
  await expect(rows.nth(1).locator('[data-cause="traffic_not_reported"]')).toContainText("traffic not reported");
  await expect(rows.nth(2)).toHaveAttribute("data-status", "ok");
  await expect(rows.nth(2)).toContainText("gpt-4o");

  // The token-type split of the bill.
  await rows.nth(0).locator("summary", { hasText: "Split by token type" }).click();
  await expect(rows.nth(0).getByRole("cell", { name: "Cached input" })).toBeVisible();

  await expect(page.getByRole("figure", { name: /Billed and tracked USD per day/ })).toBeVisible();
  await expect(page.getByText("openai-costs.json")).toBeVisible();
  await screenshots(page, "reconciliation");

  // Links lead to the usage log filtered to that day and model.
  const link = rows.nth(2).getByRole("link", { name: "events" });
  await expect(link).toHaveAttribute("href", `/usage?from=${from}&to=${from}&model=gpt-4o-2024-08-06&provider=openai&org=${slug}`);
  await link.click();
  await expect(page).toHaveURL(/\/usage\?/);
  await expect(page.getByRole("cell", { name: "gpt-4o-2024-08-06" })).toBeVisible();
  await expect(page.getByText("1 rows on this page")).toBeVisible();

  // Re-importing the same bill replaces those days: still three rows.
  await page.goto(`/reconciliation?org=${slug}&from=${from}&to=${to}`);
  await page.getByLabel("Cost report (JSON)").setInputFiles({ name: "openai-costs.json", mimeType: "application/json", buffer: Buffer.from(JSON.stringify(bill)) });
  await page.getByRole("button", { name: "Import bill" }).click();
  await expect(page.getByRole("status").filter({ hasText: "replacing 5 imported before" })).toBeVisible();
  await expect(page.getByTestId("reconciliation-table").locator(":scope > tbody > tr")).toHaveCount(3);
});

test("reconciliation is not found for an organisation that does not exist", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const res = await page.goto("/reconciliation?org=no-such-org-anywhere");
  expect(res?.status()).toBe(404);
});
