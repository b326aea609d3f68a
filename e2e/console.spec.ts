import { expect as baseExpect, test } from "@playwright/test";
import { readFileSync } from "node:fs";
import { formatUsd, sum, toCostString } from "../lib/money";
import { addPastPriceVersion, ADMIN, createKey, createOrganisation, ingest, inviteMember, screenshots, signIn, signOut, uniqueSlug } from "./helpers";

// Server actions and first renders of chart pages can be slow on a busy 2-core machine.
const expect = baseExpect.configure({ timeout: 30_000 });

test("super admin and owner read exact figures, filters, the usage log and its CSV", async ({ page }) => {
  test.setTimeout(300_000);
  const slug = uniqueSlug("dash");
  const other = uniqueSlug("other");
  const model = `e2e-model-${slug}`;
  await signIn(page, ADMIN.email, ADMIN.password);
  const name = `Dashboard ${slug}`;
  const otherName = `Other ${other}`;
  await createOrganisation(page, slug, name);
  await createOrganisation(page, other, otherName);

  // A price of our own, added through the Prices page, so the costs are known exactly.
  await addPastPriceVersion(page, { provider: "e2e", model, inputPerMtok: "3", outputPerMtok: "15.5", effectiveFrom: "2020-01-01" });
  await expect(page.getByTestId(`price-e2e/${model}`)).toContainText("$15.5");

  const key = await createKey(page, slug);
  const otherKey = await createKey(page, other);
  const results = await ingest(page.request, key, [
    { event_id: `${slug}-1`, provider: "e2e", model, input_tokens: 1234, output_tokens: 567, user: "alice", category: "chat", project: "web", prompt: "Call me at alice@example.com" },
    { event_id: `${slug}-2`, provider: "e2e", model, input_tokens: 2000, output_tokens: 101, user: "bob", category: "chat", project: "web", cost_usd: "0.01" },
    { event_id: `${slug}-3`, provider: "e2e", model, input_tokens: 10007, output_tokens: 999, user: "alice", category: "search", project: "api" },
  ]);
  expect(results.map((r) => r.status)).toEqual(["created", "created", "created"]);
  const [otherResult] = await ingest(page.request, otherKey, [{ event_id: `${other}-1`, provider: "e2e", model, input_tokens: 5, output_tokens: 5 }]);
  expect(otherResult.status).toBe("created");
  expect(otherResult.cost_usd).not.toBeNull();
  const costs = results.map((r) => r.cost_usd!);
  const total = toCostString(sum(costs));
  const searchCost = toCostString(costs[2]);

  // Overview of the organisation: every card equals the sum of the events (all sent today).
  await page.goto(`/?org=${slug}`);
  for (const card of ["today", "week", "month", "all"]) {
    await expect(page.getByTestId(`stat-${card}`)).toContainText(formatUsd(total));
    await expect(page.getByTestId(`stat-${card}`).getByTitle(`$${total} (exact)`)).toBeVisible();
  }
  await expect(page.getByTestId("stat-today")).toContainText("3 requests");
  await expect(page.getByRole("list", { name: "Cost by category legend" })).toContainText("search");
  await screenshots(page, "console-overview");

  // A filter in the URL applies to every widget.
  await page.getByRole("combobox", { name: "Category" }).selectOption("search");
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/category=search/);
  await expect(page.getByTestId("stat-today")).toContainText(formatUsd(searchCost));
  await expect(page.getByTestId("stat-today")).toContainText("1 requests");
  await expect(page.getByRole("list", { name: "Cost by category legend" })).not.toContainText("chat");

  // Super admin, all organisations, this run's model only: both organisations in the top list.
  await page.goto(`/?model=${model}`);
  await expect(page.getByRole("link", { name })).toBeVisible();
  await expect(page.getByRole("link", { name: otherName })).toBeVisible();

  // Usage log, a detail, the CSV export.
  await page.goto(`/usage?org=${slug}`);
  await expect(page.getByRole("row")).toHaveCount(4);
  await screenshots(page, "console-usage");
  await page.goto(`/usage?org=${slug}&user=alice&category=chat`);
  await expect(page.getByRole("row")).toHaveCount(2);
  await page.locator('[data-testid^="usage-row-"] a').first().click();
  await expect(page.getByRole("heading", { name: "Usage event" })).toBeVisible();
  await expect(page.getByText(`${slug}-1`).first()).toBeVisible();
  await expect(page.getByTestId("computed-cost")).toContainText(`$${toCostString(costs[0])}`);
  await expect(page.getByTestId("redaction-summary")).toContainText("email");
  await expect(page.getByText("Call me at [REDACTED:email]")).toBeVisible();
  const detailUrl = page.url();
  await screenshots(page, "console-usage-detail");

  await page.goto(`/usage?org=${slug}`);
  const downloadPromise = page.waitForEvent("download");
  await page.getByRole("link", { name: "Export CSV" }).click();
  const download = await downloadPromise;
  const csv = readFileSync((await download.path())!, "utf8").trim().split("\r\n");
  expect(csv).toHaveLength(4);
  const costColumn = csv[0].split(",").indexOf("cost_usd");
  expect(toCostString(sum(csv.slice(1).map((l) => l.split(",")[costColumn].replace(/^"|"$/g, ""))))).toBe(total);

  await page.goto("/prices");
  await screenshots(page, "console-prices");
  await page.goto("/audit");
  await expect(page.getByRole("cell", { name: "price.create" }).first()).toBeVisible();
  await page.getByLabel("In organisation").selectOption(slug);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page.getByRole("cell", { name: "api_key.create" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "price.create" })).toHaveCount(0);
  await screenshots(page, "console-audit");

  // The other organisation's event id, for the owner to try.
  await page.goto(`/usage?org=${other}`);
  const otherHref = (await page.locator('[data-testid^="usage-row-"] a').first().getAttribute("href"))!;

  // An owner, created on the Members page, sees only their organisation.
  const ownerEmail = `owner-${slug}@e2e.test`;
  await inviteMember(page, slug, ownerEmail, "owner", "owner-password-1");
  await signOut(page);

  await signIn(page, ownerEmail, "owner-password-1");
  await page.goto("/");
  await expect(page.getByTestId("stat-all")).toContainText(formatUsd(total));
  await expect(page.getByRole("link", { name: otherName })).toHaveCount(0);
  await screenshots(page, "console-overview-owner");
  expect((await page.goto(detailUrl))?.status()).toBe(200);
  expect((await page.goto(otherHref.split("?")[0]))?.status()).toBe(404);
  expect((await page.goto(`/usage?org=${other}`))?.status()).toBe(404);
  expect((await page.request.get(`/usage/export?org=${other}`)).status()).toBe(404);
  expect((await page.goto("/audit"))?.status()).toBe(404);
  await page.goto("/usage");
  await expect(page.getByRole("row")).toHaveCount(4);
  await page.goto("/prices");
  await expect(page.getByRole("button", { name: "Add price version" })).toHaveCount(0);
  await page.goto("/");
  await signOut(page);
});
