import { expect as baseExpect, test, type Page } from "@playwright/test";
import { ADMIN, inviteMember, signIn, uniqueSlug } from "./helpers";

// Every console page as a super admin, at desktop and phone width, in both themes: full-page
// screenshots in the test's output folder for people to look at, and on each page its heading,
// no skeleton left and no sideways scrolling of the document.

const expect = baseExpect.configure({ timeout: 30_000 });

test.describe.configure({ mode: "serial" });

const slug = uniqueSlug("shots");
const orgName = `Screens ${slug}`;
let eventHref = "";
let budgetHref = "";

/**
 * A moment n days ago at `hour` o'clock UTC; today, when that hour is still to come, as far into
 * the hours passed so far (ingest refuses timestamps more than 5 minutes ahead: this ran at 01:55).
 */
const daysAgo = (n: number, hour = 10) => {
  const day = new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);
  const at = Date.parse(`${day}T${String(hour).padStart(2, "0")}:00:00Z`);
  const midnight = Date.parse(`${day}T00:00:00Z`);
  return new Date(at <= Date.now() ? at : midnight + ((Date.now() - midnight) * hour) / 24).toISOString();
};

test("setup: an organisation with a member, a budget past its limit and two weeks of traffic", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, ADMIN.email, ADMIN.password);
  await page.goto("/orgs");
  await page.getByLabel("Name").fill(orgName);
  await page.getByLabel("Slug").fill(slug);
  await page.getByRole("button", { name: "Create organisation" }).click();
  await expect(page.getByRole("link", { name: orgName })).toBeVisible();

  await page.goto(`/keys?org=${slug}`);
  await page.getByLabel("Name").fill("screens ingest");
  await page.getByRole("button", { name: "Create key" }).click();
  const key = (await page.getByTestId("new-api-key").textContent())?.trim() ?? "";
  expect(key).toMatch(/^spl_/);
  await page.keyboard.press("Escape");

  await inviteMember(page, slug, `viewer-${slug}@example.com`, "viewer", "screens-viewer-password");

  await page.goto(`/budgets?org=${slug}`);
  await page.getByLabel("Scope").selectOption("organization");
  await page.getByLabel("Limit (USD)").fill("1.00");
  await page.getByRole("button", { name: "Create budget" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created a monthly budget" })).toBeVisible();

  // Catalog models (priced) and one self-hosted model without a price, over the last 14 days.
  const models = [
    { provider: "openai", model: "gpt-4.1" },
    { provider: "openai", model: "gpt-4o-mini" },
    { provider: "anthropic", model: "claude-3-5-haiku" },
    { provider: "google", model: "gemini-2.0-flash" },
    { provider: "selfhosted", model: "acme-llama-ft-v2" },
  ];
  const projects = ["support-bot", "search", "document-summaries-for-the-claims-department"];
  const categories = ["chat", "retrieval", "summarise"];
  const events = Array.from({ length: 42 }, (_, i) => ({
    event_id: `${slug}-${i}`,
    ...models[i % models.length],
    input_tokens: 4_000 + ((i * 7_919) % 60_000),
    output_tokens: 300 + ((i * 3_571) % 9_000),
    project: projects[i % projects.length],
    category: categories[i % categories.length],
    user: `user-${i % 4}@example.com`,
    duration_ms: 200 + ((i * 131) % 4_000),
    success: i % 11 !== 5,
    timestamp: daysAgo(i % 14, 8 + (i % 9)),
  }));
  const res = await page.request.post("/api/v1/usage", { headers: { authorization: `Bearer ${key}` }, data: { events } });
  expect(res.status()).toBe(200);

  await page.goto(`/usage?org=${slug}`);
  eventHref = (await page.locator('[data-testid^="usage-row-"] a').first().getAttribute("href"))!;
  expect(eventHref).toMatch(/^\/usage\//);
  await page.goto(`/budgets?org=${slug}`);
  budgetHref = (await page.locator('[data-testid^="budget-"] a').first().getAttribute("href"))!;
  expect(budgetHref).toMatch(/^\/budgets\//);
  // The alert comes from the job worker after the events commit.
  await expect(async () => {
    await page.goto(`/alerts?org=${slug}`);
    await baseExpect(page.getByText(/reached its soft limit/).first()).toBeVisible({ timeout: 2_000 });
  }).toPass({ timeout: 30_000 });
});

/** The pages, each with the heading it must show. */
function pages(): { name: string; path: string; heading: string | RegExp }[] {
  const q = `?org=${slug}`;
  return [
    { name: "overview", path: `/${q}`, heading: "Overview" },
    { name: "overview-all", path: "/", heading: "Overview" },
    { name: "usage", path: `/usage${q}`, heading: "Usage log" },
    { name: "usage-event", path: eventHref, heading: "Usage event" },
    { name: "budgets", path: `/budgets${q}`, heading: "Budgets" },
    { name: "budget", path: budgetHref, heading: "Whole organisation" },
    { name: "alerts", path: `/alerts${q}`, heading: "Alerts" },
    { name: "keys", path: `/keys${q}`, heading: "API keys" },
    { name: "members", path: `/members${q}`, heading: "Members" },
    { name: "orgs", path: "/orgs", heading: "Organisations" },
    { name: "prices", path: "/prices", heading: "Prices" },
    { name: "reconciliation", path: `/reconciliation${q}`, heading: "Reconciliation" },
    { name: "reports", path: `/reports${q}`, heading: "Reports" },
    { name: "settings", path: `/settings${q}`, heading: "Organisation settings" },
    { name: "account", path: "/account", heading: "Account" },
    { name: "audit", path: "/audit", heading: "Audit log" },
  ];
}

async function shoot(page: Page, file: string, width: number) {
  const main = page.locator("main");
  // Streamed parts have arrived: no skeleton left, and charts have drawn.
  await expect(main.locator(".animate-pulse")).toHaveCount(0);
  await expect(main.locator(".recharts-responsive-container:not(:has(svg))")).toHaveCount(0);
  await page.screenshot({ path: file, fullPage: true, animations: "disabled" });
  const sideways = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(sideways, `${file}: the document scrolls sideways at ${width}px`).toBeLessThanOrEqual(0);
}

for (const theme of ["light", "dark"] as const) {
  for (const [width, height] of [[1280, 800], [390, 844]] as const) {
    test(`every console page at ${width}px in the ${theme} theme`, async ({ page }, testInfo) => {
      test.setTimeout(240_000);
      await page.emulateMedia({ colorScheme: theme });
      await page.setViewportSize({ width, height });
      await signIn(page, ADMIN.email, ADMIN.password);
      for (const p of pages()) {
        const res = await page.goto(p.path);
        expect(res?.status(), p.path).toBe(200);
        await expect(page.locator("html")).toHaveClass(theme === "dark" ? /\bdark\b/ : /^(?!.*\bdark\b)/);
        await expect(page.getByRole("heading", { level: 1, name: p.heading })).toBeVisible();
        await shoot(page, testInfo.outputPath(`${theme}-${width}-${p.name}.png`), width);
      }
      if (width < 1024) {
        // The phone menu, open.
        await page.goto(`/${`?org=${slug}`}`);
        await page.getByRole("button", { name: "Menu" }).click();
        await expect(page.locator("#mobile-nav").getByRole("link", { name: "Usage log" })).toBeVisible();
        await shoot(page, testInfo.outputPath(`${theme}-${width}-menu.png`), width);
      }
    });
  }
}

test("unknown ids and organisations still answer 404 (no streamed page above a notFound)", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const unknown = "00000000-0000-4000-8000-000000000000";
  for (const path of [`/usage/${unknown}`, `/budgets/${unknown}`, `/budgets/${unknown}?org=${slug}`]) {
    expect((await page.goto(path))?.status(), path).toBe(404);
  }
  for (const path of ["/", "/usage", "/budgets", "/alerts", "/keys", "/members", "/reconciliation", "/reports", "/settings"]) {
    expect((await page.goto(`${path}?org=no-such-org-${slug}`))?.status(), path).toBe(404);
  }
});
