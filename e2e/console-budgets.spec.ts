import { expect as baseExpect, test } from "@playwright/test";
import { ADMIN, screenshots, signIn, uniqueSlug } from "./helpers";

const expect = baseExpect.configure({ timeout: 30_000 });

test("a reached budget's alert resolves itself when an extension lifts it; a period change keeps the history", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const slug = uniqueSlug("bhist");
  await page.goto("/orgs");
  await page.getByLabel("Name").fill(`History ${slug}`);
  await page.getByLabel("Slug").fill(slug);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByRole("link", { name: `History ${slug}` })).toBeVisible();
  await page.goto(`/keys?org=${slug}`);
  await page.getByLabel("Name").fill("e2e");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  await page.keyboard.press("Escape");

  await page.goto(`/budgets?org=${slug}`);
  await page.getByLabel("Scope").selectOption("organization");
  await page.getByLabel("Limit (USD)").fill("1.00");
  await page.getByRole("button", { name: "Create budget" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created a monthly budget" })).toBeVisible();

  // gpt-4.1 at $2 / $8 per million tokens: 100k in + 50k out = $0.60, twice: $1.20 of $1.00.
  for (const n of [1, 2]) {
    const res = await page.request.post("/api/v1/usage", {
      headers: { authorization: `Bearer ${key}` },
      data: { event_id: `${slug}-${n}`, provider: "openai", model: "gpt-4.1", input_tokens: 100_000, output_tokens: 50_000 },
    });
    expect(res.status()).toBe(200);
  }
  // Alerts are evaluated by the job worker after the events commit: reload until it has run.
  await expect(async () => {
    await page.goto(`/alerts?org=${slug}`);
    await baseExpect(page.getByText(/reached its soft limit/)).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  // The budget page: chart, then an extension that lifts the cap over the spend.
  await page.goto(`/budgets?org=${slug}`);
  await page.getByRole("link", { name: "Whole organisation" }).click();
  await expect(page.getByRole("figure", { name: /Spend against the limit/ })).toBeVisible();
  await page.getByRole("button", { name: "Grant extension" }).click();
  const dialog = page.getByRole("dialog", { name: "Grant a budget extension" });
  await dialog.getByLabel("Amount (USD)").fill("5");
  await dialog.getByLabel("Reason").fill("launch week");
  await dialog.getByRole("button", { name: "Confirm extension" }).click();
  await expect(dialog).toBeHidden();
  await screenshots(page, "v2-budget-detail");

  await expect(async () => {
    await page.goto(`/alerts?org=${slug}&status=resolved`);
    await baseExpect(page.getByText("cap_increased").first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });

  // Period change: the monthly period stays in the history, with the limit in force then.
  const budgetUrl = (await page.goto(`/budgets?org=${slug}`), await page.getByRole("link", { name: "Whole organisation" }).getAttribute("href"))!;
  await page.goto(budgetUrl);
  await page.getByLabel("Period", { exact: true }).selectOption("weekly");
  await page.getByRole("button", { name: "Save budget" }).click();
  const history = page.getByTestId("budget-history");
  // The save is a server action: reload until the page shows the new period kind.
  await expect(async () => {
    await page.reload();
    await baseExpect(history).toContainText("weekly", { timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
  await expect(history).toContainText("earlier period kind");
  await expect(history).toContainText("monthly");
  await expect(history).toContainText("$1.00");
});
