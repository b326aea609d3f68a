import { expect, type APIRequestContext, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

export const ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

// Server actions and first renders can be slow on a busy 2-core machine.
const slow = expect.configure({ timeout: 30_000 });

/** Fills the sign-in form the page shows and submits it, leaving the outcome to the caller. */
export async function submitSignIn(page: Page, email: string, password: string) {
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

export async function signIn(page: Page, email: string, password: string) {
  await page.goto("/login");
  await submitSignIn(page, email, password);
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

/** Creates an organisation on the Organisations page and waits until it is listed. */
export async function createOrganisation(page: Page, slug: string, name: string) {
  await page.goto("/orgs");
  await page.getByLabel("Name").fill(name);
  await page.getByLabel("Slug").fill(slug);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await slow(page.getByRole("link", { name })).toBeVisible();
}

/** Creates an API key for the organisation on its API keys page and returns the key, which is shown once. */
export async function createKey(page: Page, slug: string): Promise<string> {
  await page.goto(`/keys?org=${slug}`);
  await page.getByLabel("Name").fill("e2e");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^spl_/);
  await page.keyboard.press("Escape");
  return key;
}

/** A new organisation named "<label> <slug>" and an API key for it, both made through the console. */
export async function orgWithKey(page: Page, prefix: string, label: string): Promise<{ slug: string; key: string }> {
  const slug = uniqueSlug(prefix);
  await createOrganisation(page, slug, `${label} ${slug}`);
  return { slug, key: await createKey(page, slug) };
}

export interface IngestResult {
  event_id: string;
  status: string;
  cost_usd: string | null;
  priced: boolean;
}

/** Sends a batch of usage events with the key; the request must succeed, each event's result is returned. */
export async function ingest(request: APIRequestContext, key: string, events: Record<string, unknown>[]): Promise<IngestResult[]> {
  const res = await request.post("/api/v1/usage", { headers: { authorization: `Bearer ${key}` }, data: { events } });
  expect(res.status()).toBe(200);
  return ((await res.json()) as { results: IngestResult[] }).results;
}

/** One event sent on its own (not in a batch): gpt-4.1 at $2 / $8 per million tokens, 100k in + 50k out = $0.60. */
export async function ingestSixtyCents(page: Page, key: string, eventId: string): Promise<IngestResult> {
  const res = await page.request.post("/api/v1/usage", {
    headers: { authorization: `Bearer ${key}` },
    data: { event_id: eventId, provider: "openai", model: "gpt-4.1", input_tokens: 100_000, output_tokens: 50_000 },
  });
  expect(res.status()).toBe(200);
  const [result] = ((await res.json()) as { results: IngestResult[] }).results;
  expect(result.priced, "gpt-4.1 must be in the seeded price catalog").toBe(true);
  expect(result.cost_usd).toBe("0.6");
  return result;
}

/** Creates a monthly budget for the whole organisation on its Budgets page (in the form's default mode unless one is given). */
export async function createBudget(page: Page, slug: string, budget: { limit: string; mode?: "soft" | "hard" }) {
  await page.goto(`/budgets?org=${slug}`);
  await page.getByLabel("Scope").selectOption("organization");
  await page.getByLabel("Limit (USD)").fill(budget.limit);
  if (budget.mode) await page.getByLabel("Mode").selectOption(budget.mode);
  await page.getByRole("button", { name: "Create budget" }).click();
  await slow(page.getByRole("status").filter({ hasText: "Created a monthly budget" })).toBeVisible();
}

export interface PriceVersion {
  provider: string;
  model: string;
  inputPerMtok: string;
  outputPerMtok: string;
  effectiveFrom: string;
}

/** Fills the Prices page's form with a version and submits it (one dated in the past then shows its restatement preview). */
export async function submitPriceVersion(page: Page, version: PriceVersion) {
  await page.goto("/prices");
  await page.getByLabel("Provider", { exact: true }).fill(version.provider);
  await page.getByLabel("Model", { exact: true }).fill(version.model);
  await page.getByLabel("Input $/Mtok", { exact: true }).fill(version.inputPerMtok);
  await page.getByLabel("Output $/Mtok", { exact: true }).fill(version.outputPerMtok);
  await page.getByLabel("Effective from (UTC)").fill(version.effectiveFrom);
  await page.getByRole("button", { name: "Add price version" }).click();
}

/** Adds a price version dated in the past: submitted, then saved from its restatement preview. */
export async function addPastPriceVersion(page: Page, version: PriceVersion) {
  await submitPriceVersion(page, version);
  await page.getByRole("button", { name: "Save this version" }).click();
  await slow(page.getByRole("status").filter({ hasText: "Added a price" })).toBeVisible();
}

/** Adds a member with no account yet on the organisation's Members page and returns the invitation link it shows. */
export async function invite(page: Page, slug: string, email: string, role: "owner" | "admin" | "viewer"): Promise<string> {
  await page.goto(`/members?org=${slug}`);
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Role", { exact: true }).selectOption(role);
  await page.getByRole("button", { name: "Add member" }).click();
  const field = page.getByTestId("invitation-link");
  await slow(field).toBeVisible();
  return field.inputValue();
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
  const link = await invite(page, slug, email, role);
  const context = await page.context().browser()!.newContext();
  try {
    await acceptInvitation(await context.newPage(), link, password);
  } finally {
    await context.close();
  }
  return link;
}
