import AxeBuilder from "@axe-core/playwright";
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { readFileSync } from "node:fs";
import { sum, toCostString } from "../lib/money";
import { addPastPriceVersion, ADMIN, createBudget, createKey, createOrganisation, ingest, inviteMember, screenshots, signIn, signOut, uniqueSlug } from "./helpers";

// Server renders of chart pages can be slow on a busy 2-core machine.
const expect = baseExpect.configure({ timeout: 30_000 });

const today = new Date().toISOString().slice(0, 10);
const daysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

async function downloadText(page: Page, linkName: string): Promise<string> {
  const pending = page.waitForEvent("download");
  await page.getByRole("link", { name: linkName }).click();
  return readFileSync((await (await pending).path())!, "utf8");
}

function parseCsv(text: string): Record<string, string>[] {
  const [head, ...lines] = text.trimEnd().split("\r\n");
  const cols = head.split(",");
  // Data cells are quoted; the test data has no commas or quotes inside them.
  const cell = (v: string) => (v.startsWith('"') ? v.slice(1, -1) : v);
  return lines.map((l) => Object.fromEntries(l.split(",").map((v, i) => [cols[i], cell(v)])));
}

async function expectNoSeriousAxeViolations(page: Page, label: string) {
  const results = await new AxeBuilder({ page }).analyze();
  const serious = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(serious.map((v) => `${label}: ${v.id} (${v.impact}) ${v.nodes.length} nodes: ${v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | ")}`)).toEqual([]);
}

test.describe.configure({ mode: "serial" });

const slug = uniqueSlug("ans");
const other = uniqueSlug("zzz");
const name = `Answers ${slug}`;
const otherName = `Zulu ${other}`;
const model = `e2e-ans-${slug}`;
let key = "";
const costs: string[] = [];

test("setup: two organisations, a price and traffic over several days", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await createOrganisation(page, slug, name);
  await createOrganisation(page, other, otherName);
  await addPastPriceVersion(page, { provider: "e2e", model, inputPerMtok: "3", outputPerMtok: "15", effectiveFrom: "2020-01-01" });
  key = await createKey(page, slug);
  const otherKey = await createKey(page, other);
  const events = [
    { event_id: `${slug}-1`, provider: "e2e", model, input_tokens: 120_000, output_tokens: 9_000, project: "web", user: "alice", category: "chat", duration_ms: 800 },
    { event_id: `${slug}-2`, provider: "e2e", model, input_tokens: 20_000, output_tokens: 1_000, project: "api", user: "bob", category: "search", duration_ms: 300, success: false },
    { event_id: `${slug}-3`, provider: "e2e", model, input_tokens: 5_000, output_tokens: 500, project: "web", user: "alice", category: "chat", duration_ms: 200, timestamp: `${daysAgo(2)}T10:00:00Z` },
    { event_id: `${slug}-4`, provider: "e2e", model, input_tokens: 50_000, output_tokens: 2_000, project: "api", user: "carol", category: "chat", duration_ms: 1200, timestamp: `${daysAgo(10)}T10:00:00Z` },
  ];
  for (const r of await ingest(page.request, key, events)) {
    expect(r.status).toBe("created");
    costs.push(r.cost_usd!);
  }
  await ingest(page.request, otherKey, [{ event_id: `${other}-1`, provider: "e2e", model, input_tokens: 10, output_tokens: 10 }]);
});

test("the organisation switcher follows the URL, changes only on confirm, and super admins see every budget", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  // A page that needs one organisation names it in the URL, and the switcher shows the same one.
  await page.goto("/keys");
  await expect(page).toHaveURL(/\/keys\?org=/);
  const chosen = new URL(page.url()).searchParams.get("org")!;
  await expect(page.locator("#org-switcher")).toHaveValue(chosen);

  // Choosing does nothing until confirmed.
  await page.goto(`/usage?org=${slug}`);
  await page.locator("#org-switcher").selectOption(other);
  await expect(page).toHaveURL(new RegExp(`org=${slug}`));
  await page.getByRole("button", { name: "Switch" }).click();
  await expect(page).toHaveURL(new RegExp(`/usage\\?org=${other}`));
  // Kept across navigation.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Budgets" }).click();
  await expect(page).toHaveURL(new RegExp(`/budgets\\?org=${other}`));
  await expect(page.locator("#org-switcher")).toHaveValue(other);

  // Budgets in two organisations; "All organisations" lists both, each named.
  for (const s of [slug, other]) await createBudget(page, s, { limit: "0.50" });
  await page.goto("/budgets");
  await expect(page.locator("#org-switcher")).toHaveValue("");
  await expect(page.getByTestId("budget-org").filter({ hasText: name })).toBeVisible();
  await expect(page.getByTestId("budget-org").filter({ hasText: otherName })).toBeVisible();
  await screenshots(page, "v2-budgets-all");
  await page.goto(`/budgets?org=${slug}`);
  await expect(page.getByTestId("budget-org")).toHaveCount(0);

  // A member of two organisations: viewer of one, owner of the other.
  const email = `two-${slug}@e2e.test`;
  await inviteMember(page, other, email, "owner", "two-orgs-password-1");
  // The account exists now: the other organisation adds it as itself.
  await page.goto(`/members?org=${slug}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("status").filter({ hasText: /./ }).first()).toContainText("Added");
  await signOut(page);

  await signIn(page, email, "two-orgs-password-1");
  for (const path of ["/keys", "/members", "/budgets"]) {
    await page.goto(path);
    await expect(page).toHaveURL(new RegExp(`${path}\\?org=`));
    const inUrl = new URL(page.url()).searchParams.get("org")!;
    await expect(page.locator("#org-switcher")).toHaveValue(inUrl);
    // Keys and members need the owner role: the page chose the organisation they own.
    if (path !== "/budgets") expect(inUrl).toBe(other);
  }
  await page.goto(`/budgets?org=${slug}`);
  await expect(page.locator("#org-switcher")).toHaveValue(slug);
  await expect(page.getByRole("button", { name: "Create budget" })).toHaveCount(0);
});

test("drill-down and the range travel from the overview to the usage log, the event and back", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/?org=${slug}`);
  await page.getByRole("navigation", { name: "Date range" }).getByRole("link", { name: "7 days" }).click();
  await expect(page).toHaveURL(new RegExp(`from=${daysAgo(6)}&to=${today}`));
  const weekTotal = toCostString(sum(costs.slice(0, 3)));
  // Cost by model: one row, with share and change against the previous 7 days.
  const byModel = page.getByTestId("answers-model");
  await expect(byModel).toContainText(model);
  await expect(byModel).toContainText("100.0%");
  await expect(page.getByTestId("answers-project")).toContainText("web");
  // Performance: 3 requests, one failed.
  await expect(page.getByTestId("answers-performance")).toContainText("33.3%");
  await screenshots(page, "v2-overview");

  // A pie legend entry opens the usage log filtered to it, with the same range.
  await page.getByRole("list", { name: "Cost by category legend" }).getByRole("link", { name: "chat" }).click();
  await expect(page).toHaveURL(/\/usage\?/);
  let url = new URL(page.url());
  expect(url.searchParams.get("category")).toBe("chat");
  expect(url.searchParams.get("from")).toBe(daysAgo(6));
  await expect(page.getByTestId("usage-total-events")).toHaveText("2");

  // A project row opens the usage log of that project, most expensive first.
  await page.goBack();
  await page.getByTestId("answers-project").getByRole("link", { name: "api" }).click();
  await expect(page).toHaveURL(/project=api/);
  await expect(page).toHaveURL(/sort=cost/);
  await expect(page.getByTestId("usage-total-events")).toHaveText("1");

  // A day link of the chart: that day only.
  await page.goto(`/?org=${slug}&from=${daysAgo(6)}&to=${today}`);
  await page.getByTestId("chart-day-link").first().click();
  url = new URL(page.url());
  expect(url.pathname).toBe("/usage");
  expect(url.searchParams.get("from")).toBe(url.searchParams.get("to"));

  // Usage log: totals equal the events, sort by cost puts the largest first and keeps focus.
  await page.goto(`/usage?org=${slug}&from=${daysAgo(6)}&to=${today}`);
  await expect(page.getByTestId("usage-total-events")).toHaveText("3");
  await expect(page.getByTestId("usage-total-cost").getByTitle(`$${weekTotal} (exact)`)).toBeVisible();
  await page.locator('[data-sort-header="cost"]').click();
  await expect(page).toHaveURL(/sort=cost&dir=desc/);
  await expect(page.locator('[data-sort-header="cost"]')).toBeFocused();
  const firstRow = page.locator('[data-testid^="usage-row-"]').first();
  await expect(firstRow.getByTitle(`$${costs[0]} (exact)`)).toBeVisible();
  // Cost and Status are on screen at 1280 px without scrolling sideways.
  const cost = await page.getByRole("columnheader", { name: /Cost/ }).boundingBox();
  const status = await page.getByRole("columnheader", { name: "Status" }).boundingBox();
  expect(cost!.x + cost!.width).toBeLessThanOrEqual(1280);
  expect(status!.x + status!.width).toBeLessThanOrEqual(1280);
  const rowHeight = (await firstRow.boundingBox())!.height;
  expect(rowHeight).toBeLessThan(48);
  await screenshots(page, "v2-usage");

  // The event page and back to the same view.
  const listUrl = page.url();
  await firstRow.getByRole("link").first().click();
  await expect(page.getByRole("heading", { name: "Usage event" })).toBeVisible();
  await page.getByRole("link", { name: "Back to the usage log" }).click();
  await expect(page).toHaveURL(listUrl);
  // And back to the overview with the same range and filters.
  await page.getByRole("link", { name: "Overview of this range" }).click();
  url = new URL(page.url());
  expect(url.pathname).toBe("/");
  expect(url.searchParams.get("from")).toBe(daysAgo(6));
  expect(url.searchParams.get("org")).toBe(slug);
});

test("reports: chargeback and FOCUS 1.2 CSVs add up to the usage summary", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const from = daysAgo(30);
  await page.goto(`/reports?org=${slug}&from=${from}&to=${today}`);
  const summaryRes = await page.request.get(`/api/v1/usage/summary?from=${from}&to=${today}`, { headers: { authorization: `Bearer ${key}` } });
  expect(summaryRes.status()).toBe(200);
  const summary = (await summaryRes.json()) as { total: { cost_usd: string; requests: number } };
  expect(summary.total.cost_usd).toBe(toCostString(sum(costs)));

  const chargeback = parseCsv(await downloadText(page, "Download chargeback CSV"));
  expect(Object.keys(chargeback[0])).toEqual(["month", "organization", "organization_name", "project", "provider", "model", "requests", "input_tokens", "output_tokens", "cache_read_tokens", "cache_write_tokens", "total_tokens", "cost_usd"]);
  expect(toCostString(sum(chargeback.map((r) => r.cost_usd)))).toBe(summary.total.cost_usd);
  expect(chargeback.reduce((n, r) => n + Number(r.requests), 0)).toBe(summary.total.requests);

  const focus = parseCsv(await downloadText(page, "Download FOCUS CSV"));
  const mandatory = ["BilledCost", "BillingAccountId", "BillingAccountName", "BillingCurrency", "BillingPeriodEnd", "BillingPeriodStart", "ChargeCategory", "ChargeClass", "ChargeDescription", "ChargePeriodEnd", "ChargePeriodStart", "ContractedCost", "EffectiveCost", "InvoiceIssuerName", "ListCost", "PricingQuantity", "PricingUnit", "ProviderName", "PublisherName", "ServiceCategory", "ServiceName"];
  for (const c of mandatory) expect(Object.keys(focus[0])).toContain(c);
  for (const r of focus) expect(r.ServiceCategory).toBe("AI and Machine Learning");
  expect(toCostString(sum(focus.map((r) => r.BilledCost)))).toBe(summary.total.cost_usd);
  await screenshots(page, "v2-reports");
});

test("axe finds no serious or critical violations on any page, light and dark", async ({ page }) => {
  test.setTimeout(900_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto(`/usage?org=${slug}`);
  const eventHref = (await page.locator('[data-testid^="usage-row-"] a').first().getAttribute("href"))!;
  await page.goto(`/budgets?org=${slug}`);
  const budgetHref = (await page.locator('[data-testid^="budget-"] a').first().getAttribute("href"))!;
  const pages = ["/", `/?org=${slug}`, `/usage?org=${slug}`, eventHref, "/budgets", budgetHref, `/alerts?org=${slug}`, "/prices", `/keys?org=${slug}`, `/members?org=${slug}`, `/reports?org=${slug}`, "/orgs", "/audit"];
  for (const scheme of ["light", "dark"] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    for (const p of pages) {
      await page.goto(p);
      await page.waitForLoadState("networkidle");
      await expectNoSeriousAxeViolations(page, `${p} (${scheme})`);
    }
    await page.goto(`/?org=${slug}`);
    await page.waitForLoadState("networkidle");
    await screenshots(page, `v2-overview-${scheme}`);
    await page.goto(`/usage?org=${slug}`);
    await screenshots(page, `v2-usage-${scheme}`);
  }
  // Keyboard: the skip link is the first stop, and the phone menu closes on Escape.
  await page.emulateMedia({ colorScheme: "light" });
  await page.setViewportSize({ width: 390, height: 900 });
  await page.goto(`/?org=${slug}`);
  await page.keyboard.press("Tab");
  await expect(page.getByRole("link", { name: "Skip to content" })).toBeFocused();
  await page.keyboard.press("Tab");
  await expect(page.getByRole("button", { name: "Menu" })).toBeFocused();
  await page.keyboard.press("Enter");
  await expect(page.locator("#mobile-nav")).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(page.locator("#mobile-nav")).toHaveCount(0);
  await expect(page.getByRole("button", { name: "Menu" })).toBeFocused();
});
