import { expect, test } from "@playwright/test";
import { ADMIN, createOrganisation, inviteMember, screenshots, signIn, signOut, submitSignIn, uniqueSlug } from "./helpers";

test("a wrong password is rejected with a message", async ({ page }) => {
  await page.goto("/login");
  await submitSignIn(page, ADMIN.email, "not-the-password");
  await expect(page.getByText("Wrong email or password.")).toBeVisible();
  await expect(page).toHaveURL(/\/login/);
});

test("pages need a session", async ({ page }) => {
  await page.goto("/members");
  await expect(page).toHaveURL(/\/login/);
});

test("super admin creates an organisation, a member and an API key, then signs out", async ({ page }) => {
  const slug = uniqueSlug("acme");
  await signIn(page, ADMIN.email, ADMIN.password);

  await page.getByRole("link", { name: "Organisations" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Organisations" })).toBeVisible();
  await page.getByLabel("Name").fill("Acme Robotics");
  await page.getByLabel("Slug").fill("Not A Slug");
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.locator("#field-slug-error")).toContainText("lowercase");
  await page.getByLabel("Slug").fill(slug);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByRole("status").filter({ hasText: /./ }).first()).toContainText("Created Acme Robotics");
  await expect(page.getByRole("link", { name: "Acme Robotics" })).toBeVisible();
  await screenshots(page, "orgs");

  await page.goto(`/keys?org=${slug}`);
  await page.getByLabel("Name").fill("backend");
  await page.getByLabel("Project (optional)").fill("chatbot");
  await page.getByRole("button", { name: "Create key" }).click();
  const dialog = page.getByRole("dialog", { name: "Your new API key" });
  await expect(dialog).toBeVisible();
  const key = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^spl_[a-z0-9]{8}_[0-9A-Za-z]{32,}$/);
  await page.keyboard.press("Escape");
  await expect(dialog).toBeHidden();
  const prefix = key.split("_")[1];
  await expect(page.getByTestId(`key-${prefix}`)).toContainText("chatbot");
  await expect(page.locator("body")).not.toContainText(key);
  await screenshots(page, "keys");

  // The key works against the API, until it is revoked.
  const health = await page.request.get("/api/health");
  expect(await health.json()).toEqual({ status: "ok", database: "ok" });

  await page.getByRole("button", { name: `Revoke ${prefix}` }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId(`key-${prefix}`)).toContainText("revoked");

  await inviteMember(page, slug, `viewer-${slug}@e2e.test`, "viewer", "viewer-password-1");
  await page.goto(`/members?org=${slug}`);
  await expect(page.getByText(`viewer-${slug}@e2e.test`)).toBeVisible();
  await screenshots(page, "members");

  await signOut(page);

  // A viewer signs in, sees the dashboards of their organisation but no admin pages.
  await signIn(page, `viewer-${slug}@e2e.test`, "viewer-password-1");
  const nav = page.getByRole("navigation", { name: "Main" });
  await expect(nav.getByRole("link", { name: "Overview" })).toBeVisible();
  await expect(nav.getByRole("link", { name: "API keys" })).toHaveCount(0);
  await expect(nav.getByRole("link", { name: "Organisations" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "API keys" })).toHaveCount(0);
  for (const path of ["/keys", "/members", "/orgs", "/audit"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(404);
  }
  await page.goto("/");
  await signOut(page);
});

test("a disabled account loses access on its next request", async ({ page, browser }) => {
  const slug = uniqueSlug("dis");
  const email = `owner-${slug}@e2e.test`;
  await signIn(page, ADMIN.email, ADMIN.password);
  await createOrganisation(page, slug, `Disabled Test ${slug}`);
  await inviteMember(page, slug, email, "owner", "owner-password-1");
  await page.goto(`/members?org=${slug}`);

  const ownerContext = await browser.newContext();
  const owner = await ownerContext.newPage();
  await signIn(owner, email, "owner-password-1");
  await owner.goto(`/keys?org=${slug}`);
  await expect(owner.getByRole("heading", { level: 1, name: "API keys" })).toBeVisible();

  await page.getByRole("button", { name: "Disable" }).click();
  await expect(page.getByRole("button", { name: "Enable" })).toBeVisible();

  await owner.goto(`/keys?org=${slug}`);
  await expect(owner).toHaveURL(/\/login/);
  await expect(owner.getByText("This account is disabled")).toBeVisible();
  await ownerContext.close();
});
