// Prices page (SPEC §7): waiting events and tokens of unpriced models, adding a price from the
// first waiting event with its restatement preview, the reprice preview and apply, tiers in the
// catalog, a restatement preview for priced events, and the rates applied on the event detail.
import { expect as baseExpect, test } from "@playwright/test";
import { addPastPriceVersion, ADMIN, ingest, orgWithKey, screenshots, signIn, submitPriceVersion } from "./helpers";

const expect = baseExpect.configure({ timeout: 30_000 });

test("a price added for waiting events offers the reprice preview, then prices them exactly", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const { slug, key } = await orgWithKey(page, "prices", "Prices");
  const late = `e2e-late-${slug}`;

  const waiting = await ingest(page.request, key, [
    { event_id: `${slug}-long`, provider: "gemini", model: late, input_tokens: 250_000, output_tokens: 1000 },
    { event_id: `${slug}-batch`, provider: "gcp.gemini", model: late, input_tokens: 1000, output_tokens: 100, service_tier: "batch" },
  ]);
  expect(waiting.map((r) => [r.status, r.priced])).toEqual([
    ["created", false],
    ["created", false],
  ]);

  await page.goto("/prices");
  const row = page.getByTestId("unpriced-model").filter({ hasText: late });
  await expect(row).toContainText("google");
  await expect(row).toContainText("2 events waiting");
  await expect(row).toContainText("251,000 input / 1,100 output tokens");
  await row.getByRole("link", { name: /Add price for google/ }).click();

  const today = new Date().toISOString().slice(0, 10);
  await expect(page.getByLabel("Provider", { exact: true })).toHaveValue("google");
  await expect(page.getByLabel("Model", { exact: true })).toHaveValue(late);
  await expect(page.getByLabel("Effective from (UTC)")).toHaveValue(today);
  await page.getByLabel("Input $/Mtok", { exact: true }).fill("2");
  await page.getByLabel("Output $/Mtok", { exact: true }).fill("10");
  await page.getByLabel("Long-context tiers").fill('[{"above_input_tokens": 200000, "input_per_mtok": "4", "output_per_mtok": "15"}]');
  await page.getByLabel("Service tiers (batch, flex, priority)").fill('{"batch": {"input_per_mtok": "1", "output_per_mtok": "5"}}');
  await page.getByRole("button", { name: "Add price version" }).click();

  // Dated in the past (today 00:00 UTC): the restatement preview comes first.
  const restatement = page.getByTestId("restatement-preview");
  await expect(restatement).toContainText("No already-priced event would be priced differently.");
  await expect(restatement).toContainText("2 unpriced events would be covered");
  await page.getByRole("button", { name: "Save this version" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Added a price" })).toBeVisible();

  // 250000×4 + 1000×15 = 1.015 (whole event above 200k); batch: 1000×1 + 100×5 = 0.0015
  const reprice = page.getByTestId("reprice-preview");
  await expect(reprice).toContainText(slug);
  await expect(reprice).toContainText(late);
  await expect(reprice).toContainText("$1.0165");
  await expect(page.getByTestId(`price-google/${late}`)).toContainText("above 200,000 input tokens: input $4, output $15");
  await expect(page.getByTestId(`price-google/${late}`)).toContainText("batch: input $1, output $5");
  await screenshots(page, "prices-reprice-preview");
  await page.screenshot({ path: "e2e/.screenshots/prices-reprice-top-1280.png" });
  await page.getByRole("button", { name: /^Price \d+ events$/ }).click();
  await expect(page.getByRole("status").filter({ hasText: /^Priced \d+ events, adding \$/ })).toBeVisible();
  await page.goto("/prices");
  await expect(page.getByTestId("unpriced-model").filter({ hasText: late })).toHaveCount(0);

  // The event detail names the tier and the rates applied.
  await page.goto(`/usage?org=${slug}`);
  // The usage log shows all tokens of an event (250,000 in + 1,000 out).
  await page.getByRole("row").filter({ hasText: "251,000" }).getByRole("link").first().click();
  const applied = page.getByTestId("price-applied");
  await expect(applied).toContainText("above 200,000 input tokens");
  await expect(applied).toContainText("250,000 × $4/Mtok = $1");
  await expect(page.getByTestId("computed-cost")).toContainText("$1.015");
});

test("a version dated in the past shows which priced events it would restate, by how much", async ({ page }) => {
  test.setTimeout(300_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const { slug, key } = await orgWithKey(page, "restate", "Prices");
  const model = `e2e-known-${slug}`;

  await addPastPriceVersion(page, { provider: "e2e", model, inputPerMtok: "1", outputPerMtok: "1", effectiveFrom: "2020-01-01" });
  const [priced] = await ingest(page.request, key, [{ event_id: `${slug}-1`, provider: "e2e", model, input_tokens: 1_000_000 }]);
  expect(priced.cost_usd).toBe("1");

  await submitPriceVersion(page, { provider: "e2e", model, inputPerMtok: "3", outputPerMtok: "1", effectiveFrom: "2024-01-01" });
  const restatement = page.getByTestId("restatement-preview");
  const month = new Date().toISOString().slice(0, 7);
  await expect(restatement).toContainText("1 already-priced event would have cost $2 more");
  await expect(restatement.getByRole("row").filter({ hasText: month })).toContainText("$1");
  await expect(restatement.getByRole("row").filter({ hasText: month })).toContainText("$3");
  await screenshots(page, "prices-restatement");
  await restatement.screenshot({ path: "e2e/.screenshots/prices-restatement-form-1280.png" });
  // Not saved: the catalog keeps one version and the event its cost.
  await page.goto("/prices");
  await expect(page.getByTestId(`price-e2e/${model}`).getByRole("row")).toHaveCount(1);
});
