import { expect as baseExpect, test } from "@playwright/test";
import { ADMIN, createBudget, ingestSixtyCents, orgWithKey, screenshots, signIn } from "./helpers";

const expect = baseExpect.configure({ timeout: 30_000 });

test("a reached budget's alert resolves itself when an extension lifts it; a period change keeps the history", async ({ page }) => {
  test.setTimeout(240_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const { slug, key } = await orgWithKey(page, "bhist", "History");
  await createBudget(page, slug, { limit: "1.00" });

  // $0.60 twice: $1.20 of $1.00.
  for (const n of [1, 2]) await ingestSixtyCents(page, key, `${slug}-${n}`);
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
