import { expect, test } from "@playwright/test";
import { ADMIN, createBudget, ingestSixtyCents, inviteMember, orgWithKey, screenshots, signIn, signOut } from "./helpers";

test("the override modal cancels, closes on Escape and grants an extension that later checks honour", async ({ page }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const { slug, key } = await orgWithKey(page, "budg", "Budgets");
  await createBudget(page, slug, { limit: "1.00", mode: "soft" });

  // Field errors appear on the field.
  await page.getByLabel("Scope").selectOption("project");
  await page.getByLabel("Limit (USD)").fill("-3");
  await page.getByRole("button", { name: "Create budget" }).click();
  await expect(page.locator("#field-limitUsd-error")).toContainText("non-negative decimal");
  await expect(page.locator("#field-scopeKey-error")).toBeVisible();

  await ingestSixtyCents(page, key, `${slug}-1`);
  await page.goto(`/budgets?org=${slug}`);
  const row = page.getByRole("listitem").filter({ has: page.getByRole("link", { name: "Whole organisation" }) });
  await expect(row).toContainText("$0.60 spent of $1.00");
  await expect(row).toContainText("Projected");
  await screenshots(page, "budgets");

  await row.getByRole("link", { name: "Whole organisation" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Whole organisation" })).toBeVisible();
  await expect(page.getByTestId("budget-remaining")).toHaveText("$0.40");

  const grant = page.getByRole("button", { name: "Grant extension" });
  const dialog = page.getByRole("dialog", { name: "Grant a budget extension" });

  // Cancel: nothing changes, focus returns to the button.
  await grant.click();
  await expect(dialog).toBeVisible();
  await expect(dialog.getByTestId("override-figures")).toContainText("Current spend$0.60");
  await expect(dialog.getByTestId("override-figures")).toContainText("Limit$1.00");
  await expect(dialog.getByTestId("override-figures")).toContainText("Reserved$0.00");
  await expect(dialog.getByTestId("override-figures")).toContainText("Projected period-end spend");
  await expect(dialog.getByLabel("Amount (USD)")).toBeFocused();
  await dialog.getByLabel("Amount (USD)").fill("5");
  // Tab stays inside the modal.
  for (let i = 0; i < 8; i++) {
    await page.keyboard.press("Tab");
    expect(await dialog.evaluate((d) => d.contains(document.activeElement)), `focus after ${i + 1} Tab presses`).toBe(true);
  }
  await dialog.getByRole("button", { name: "Cancel" }).click();
  await expect(dialog).toBeHidden();
  await expect(grant).toBeFocused();
  await page.reload();
  await expect(page.getByTestId("budget-remaining")).toHaveText("$0.40");
  await expect(page.getByTestId("override-row")).toHaveCount(0);

  // Escape closes it too, and focus returns to the button.
  await grant.click();
  await expect(dialog).toBeVisible();
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  await expect(grant).toBeFocused();

  // A reason is required.
  await grant.click();
  await dialog.getByLabel("Amount (USD)").fill("2");
  await dialog.getByRole("button", { name: "Confirm extension" }).click();
  await expect(dialog.locator("#override-reason-error")).toContainText("reason");
  await expect(dialog).toBeVisible();

  await dialog.getByRole("button", { name: "Cancel" }).click();

  // Reopened, the modal starts afresh; Confirm grants the extension.
  await grant.click();
  await expect(dialog.locator("#override-reason-error")).toHaveCount(0);
  await expect(dialog.getByLabel("Amount (USD)")).toHaveValue("");
  await dialog.getByLabel("Amount (USD)").fill("2");
  await dialog.getByLabel("Reason").fill("Quarter-end report run, approved by finance");
  await expect(dialog).toContainText("New cap $3.00 · remaining $2.40");
  await screenshots(page, "budget-override-modal");
  await dialog.getByRole("button", { name: "Confirm extension" }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole("status").filter({ hasText: "Granted an extension of $2.00" })).toBeVisible();
  await expect(page.getByTestId("budget-cap")).toHaveText("$3.00");
  await expect(page.getByTestId("budget-remaining")).toHaveText("$2.40");
  await expect(page.getByTestId("override-row")).toContainText("Extension of $2.00");
  await expect(page.getByTestId("override-row")).toContainText("Quarter-end report run");
  await screenshots(page, "budget-detail");
  await page.getByRole("button", { name: "Dark mode" }).click();
  await screenshots(page, "budget-detail-dark");

  // The extension applies to later checks: $1.50 fits only because of it.
  const check = await page.request.post("/api/v1/budgets/check", {
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    data: { estimated_cost_usd: "1.50" },
  });
  expect(check.status()).toBe(200);
  expect((await check.json()).decision).toMatch(/^(allow|warn)$/);

  for (const id of ["00000000-0000-4000-8000-000000000000", "not-an-id"]) {
    expect((await page.goto(`/budgets/${id}?org=${slug}`))?.status(), id).toBe(404);
  }
});

test("a budget_reached alert is listed, filtered, acknowledged and resolved; settings validate and send a test", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  const { slug, key } = await orgWithKey(page, "alrt", "Budgets");
  await createBudget(page, slug, { limit: "0.50", mode: "hard" });
  await ingestSixtyCents(page, key, `${slug}-over`);

  // Alerts are raised just after the event commits.
  await expect(async () => {
    await page.goto(`/alerts?org=${slug}`);
    await expect(page.getByTestId("alert-budget_reached")).toBeVisible({ timeout: 1_000 });
  }).toPass({ timeout: 15_000 });

  await page.getByLabel("Type").selectOption("budget_reached");
  await page.getByLabel("Severity").selectOption("critical");
  await page.getByRole("button", { name: "Apply filters" }).click();
  await expect(page).toHaveURL(/type=budget_reached/);
  await expect(page).toHaveURL(/severity=critical/);
  await expect(page.getByTestId("alert-budget_warning")).toHaveCount(0);
  const alert = page.getByTestId("alert-budget_reached");
  await expect(alert).toContainText("reached its hard limit");

  await alert.getByRole("button", { name: /^Acknowledge/ }).click();
  await expect(alert).toHaveAttribute("data-status", "acknowledged");
  await expect(alert).toContainText(`Acknowledged`);

  await alert.getByRole("button", { name: /^Resolve/ }).click();
  await alert.getByRole("button", { name: "Resolve alert" }).click();
  await expect(alert.getByRole("alert")).toContainText("Say how the alert was resolved");
  await alert.getByLabel("Resolution").fill("Raised the limit after review");
  await alert.getByRole("button", { name: "Resolve alert" }).click();
  await expect(page.getByTestId("alert-budget_reached")).toHaveCount(0);

  await page.getByRole("link", { name: "Resolved" }).click();
  await expect(page).toHaveURL(/status=resolved/);
  await expect(page.getByTestId("alert-budget_reached")).toContainText("Raised the limit after review");

  // Settings: a bad URL is named on the field; a good one is saved and tested.
  await page.goto(`/alerts?org=${slug}`);
  await page.getByLabel("Webhook URLs").fill("https://hooks.example.test/ok\nnot a url");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#field-webhookUrls-error")).toContainText("Line 2");
  // The app's own health endpoint answers POST with 405: a real, failing delivery.
  const target = `${baseURL}/api/health`;
  await page.getByLabel("Webhook URLs").fill(target);
  await page.getByLabel("Single-call threshold (USD)").fill("0.25");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Alert settings saved." })).toBeVisible();
  // The first webhook creates the organisation's signing secret, shown once.
  await expect(page.getByTestId("webhook-signing-secret")).toContainText("whsec_");
  // A metadata address is refused on the field, whatever the operator allows.
  await page.getByLabel("Webhook URLs").fill("http://169.254.169.254/latest/meta-data/");
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.locator("#field-webhookUrls-error")).toContainText("link-local");
  await page.getByLabel("Webhook URLs").fill(target);
  await page.getByRole("button", { name: "Save settings" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Alert settings saved." })).toBeVisible();
  await expect(page.getByTestId("webhook-signing-secret")).toHaveCount(0);
  await page.getByRole("button", { name: "Rotate signing secret" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Rotate" }).click();
  await expect(page.getByTestId("webhook-signing-secret")).toContainText("whsec_");
  await page.getByRole("button", { name: "Send test" }).click();
  await expect(page.getByTestId("webhook-test-results")).toContainText("HTTP 405");
  await expect(page.getByTestId("webhook-log")).toContainText("Test message");
  await expect(page.getByTestId("webhook-log")).toContainText("response HTTP 405");
  await screenshots(page, "alerts");

  // A viewer reads budgets and alerts but gets no controls that change them.
  const viewer = `viewer-${slug}@e2e.test`;
  await inviteMember(page, slug, viewer, "viewer", "viewer-password-1");
  await signOut(page);
  await signIn(page, viewer, "viewer-password-1");
  await page.goto("/alerts?status=all");
  await expect(page.getByTestId("alert-budget_warning")).toBeVisible();
  await expect(page.getByRole("button", { name: /^Acknowledge/ })).toHaveCount(0);
  await expect(page.getByText("Alert settings")).toHaveCount(0);
  await page.goto("/budgets");
  await expect(page.getByText("Create budget")).toHaveCount(0);
  await page.getByRole("link", { name: "Whole organisation" }).click();
  await expect(page.getByTestId("budget-remaining")).toHaveText("$0.00");
  await expect(page.getByRole("button", { name: "Grant extension" })).toHaveCount(0);
  await expect(page.getByText("Edit budget")).toHaveCount(0);
});
