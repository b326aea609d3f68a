// SPEC §6 accounts in a real browser: invitations instead of admin-chosen passwords, the sign-in
// lock and its message, /account password change ending the other sessions, sign-out ending the
// session for good.
import { expect as baseExpect, test, type Browser, type Page } from "@playwright/test";
import { acceptInvitation, ADMIN, createOrganisation, invite, screenshots, signIn, signOut, submitSignIn, uniqueSlug } from "./helpers";

const expect = baseExpect.configure({ timeout: 30_000 });

async function newPage(browser: Browser) {
  const context = await browser.newContext();
  return { context, page: await context.newPage() };
}

/** The page's own alert (Next's route announcer is an alert too, outside <main>). */
const alertOf = (page: Page) => page.locator("main [role=alert]");

test("an invited person sets their own password; an existing account is added as itself", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const slug = uniqueSlug("inv");
  const email = `invitee-${slug}@e2e.test`;
  await signIn(page, ADMIN.email, ADMIN.password);
  await createOrganisation(page, slug, `Accounts ${slug}`);

  // The form has no password field any more: nobody chooses another person's password.
  await page.goto(`/members?org=${slug}`);
  await expect(page.getByLabel(/password/i)).toHaveCount(0);
  const link = await invite(page, slug, email, "admin");
  expect(link).toMatch(new RegExp(`^${new URL(page.url()).origin}/invite/[A-Za-z0-9_-]{43}$`));
  await expect(page.getByRole("status")).toContainText(`${email} has no account yet`);
  await screenshots(page, "members-invitation");
  await page.goto(`/members?org=${slug}`);
  await expect(page.getByText("1 pending invitation")).toBeVisible();
  await expect(page.getByTestId("invitation-link")).toHaveCount(0);

  const invitee = await newPage(browser);
  await invitee.page.goto(link);
  await expect(invitee.page.getByTestId("invited-email")).toHaveText(email);
  await invitee.page.getByLabel("Choose a password").fill("password1");
  await invitee.page.getByLabel("Repeat the password").fill("password1");
  await invitee.page.getByRole("button", { name: "Create account" }).click();
  await expect(invitee.page.locator("#field-password-error")).toContainText("at least 12 characters");
  await screenshots(invitee.page, "invite-accept");
  await acceptInvitation(invitee.page, link, "invitee-chosen-passphrase");
  await expect(invitee.page.getByRole("status")).toContainText("Your account is ready");
  await signIn(invitee.page, email, "invitee-chosen-passphrase");
  await invitee.page.goto(`/members?org=${slug}`);
  await expect(invitee.page.getByRole("heading", { level: 1, name: "Members" })).toBeVisible();

  // The link works once.
  await invitee.page.goto(link);
  await expect(alertOf(invitee.page)).toContainText("not valid any more");
  await invitee.context.close();

  // An existing account (the super admin) is added as itself: no link, its password unchanged.
  await page.goto(`/members?org=${slug}`);
  await page.getByLabel("Email").fill(ADMIN.email);
  await page.getByLabel("Role", { exact: true }).selectOption("viewer");
  await page.getByRole("button", { name: "Add member" }).click();
  await expect(page.getByRole("status")).toContainText(`Added ${ADMIN.email} as viewer`);
  await expect(page.getByTestId("invitation-link")).toHaveCount(0);
  await signOut(page);
  await signIn(page, ADMIN.email, ADMIN.password);
});

test("ten failed sign-ins lock the account for 15 minutes, the right password too, with a message", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const slug = uniqueSlug("lock");
  const email = `locked-${slug}@e2e.test`;
  await signIn(page, ADMIN.email, ADMIN.password);
  await createOrganisation(page, slug, `Accounts ${slug}`);
  const link = await invite(page, slug, email, "viewer");
  const target = await newPage(browser);
  await acceptInvitation(target.page, link, "the-right-passphrase");

  for (let i = 0; i < 10; i++) {
    await submitSignIn(target.page, email, `wrong-passphrase-${i}`);
    await expect(alertOf(target.page)).toHaveText("Wrong email or password.");
  }
  await submitSignIn(target.page, email, "the-right-passphrase");
  await expect(alertOf(target.page)).toHaveText("Too many failed sign-ins: this account is locked for 15 minutes. Try again later.");
  await expect(target.page).toHaveURL(/\/login/);
  await screenshots(target.page, "login-locked");
  await target.context.close();

  // Every attempt is in the audit log.
  await page.goto("/audit");
  await expect(page.getByText(email).first()).toBeVisible();
});

test("/account changes the password and ends the other sessions; sign-out ends a session for good", async ({ page, browser }) => {
  test.setTimeout(180_000);
  const slug = uniqueSlug("acct");
  const email = `self-${slug}@e2e.test`;
  await signIn(page, ADMIN.email, ADMIN.password);
  await createOrganisation(page, slug, `Accounts ${slug}`);
  const link = await invite(page, slug, email, "viewer");
  const me = await newPage(browser);
  await acceptInvitation(me.page, link, "first-own-passphrase");
  await signIn(me.page, email, "first-own-passphrase");
  const elsewhere = await newPage(browser);
  await signIn(elsewhere.page, email, "first-own-passphrase");

  await me.page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
  await expect(me.page.getByRole("heading", { level: 1, name: "Account" })).toBeVisible();
  await me.page.getByLabel("Current password").fill("not-my-passphrase");
  await me.page.getByLabel("New password", { exact: true }).fill("second-own-passphrase");
  await me.page.getByLabel("Repeat the new password").fill("second-own-passphrase");
  await me.page.getByRole("button", { name: "Change password" }).click();
  await expect(me.page.locator("#field-currentPassword-error")).toContainText("current password is not right");
  await me.page.getByLabel("Current password").fill("first-own-passphrase");
  await me.page.getByLabel("New password", { exact: true }).fill("second-own-passphrase");
  await me.page.getByLabel("Repeat the new password").fill("second-own-passphrase");
  await me.page.getByRole("button", { name: "Change password" }).click();
  await expect(me.page.getByRole("status")).toContainText("Password changed");
  await screenshots(me.page, "account");

  // This session goes on; the other one is over at its next request.
  await me.page.goto("/");
  await expect(me.page.getByTestId("signed-in-as")).toHaveText(email);
  await elsewhere.page.goto("/");
  await expect(elsewhere.page).toHaveURL(/\/login/);
  await elsewhere.context.close();

  // Sign-out: the old cookie, replayed, opens nothing.
  const cookies = await me.context.cookies();
  await signOut(me.page);
  const replay = await newPage(browser);
  await replay.context.addCookies(cookies);
  await replay.page.goto("/");
  await expect(replay.page).toHaveURL(/\/login/);
  await replay.context.close();
  await signIn(me.page, email, "second-own-passphrase");
  await me.context.close();
});
