import { expect, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByTestId("signed-in-as")).toHaveText(email);
}

export async function signOut(page: Page) {
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/login/);
}

/** Screenshots of a page at desktop and phone width, kept for people to look at. */
export async function screenshots(page: Page, name: string) {
  mkdirSync("e2e/.screenshots", { recursive: true });
  const original = page.viewportSize();
  for (const [label, width] of [["1280", 1280], ["390", 390]] as const) {
    await page.setViewportSize({ width, height: 900 });
    await page.screenshot({ path: `e2e/.screenshots/${name}-${label}.png`, fullPage: true });
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
    expect(overflow, `${name} overflows horizontally at ${width}px`).toBeLessThanOrEqual(1);
  }
  if (original) await page.setViewportSize(original);
}

export function uniqueSlug(prefix: string): string {
  return `${prefix}-${Date.now().toString(36)}`;
}

/** Opens an invitation link in a page of its own and sets the invitee's password there. */
export async function acceptInvitation(page: Page, link: string, password: string) {
  await page.goto(link);
  await page.getByLabel("Choose a password").fill(password);
  await page.getByLabel("Repeat the password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/login\?notice=password-set/, { timeout: 30_000 });
}

/**
 * Adds a member with no account yet the way SPEC §6 asks: the admin's Members page gives an
 * invitation link, which the invitee opens (in a browser context of their own) to choose a password.
 */
export async function inviteMember(page: Page, slug: string, email: string, role: "owner" | "admin" | "viewer", password: string): Promise<string> {
  await page.goto(`/members?org=${slug}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Add member" }).click();
  const field = page.getByTestId("invitation-link");
  await expect(field).toBeVisible({ timeout: 30_000 });
  const link = await field.inputValue();
  const context = await page.context().browser()!.newContext();
  try {
    await acceptInvitation(await context.newPage(), link, password);
  } finally {
    await context.close();
  }
  return link;
}
