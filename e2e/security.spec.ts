// SPEC §6 browser hardening and redirects, checked on the server users run: the security headers
// on every console route (signed in and not), the session cookie's flags (Secure over https),
// same-origin redirects after sign-in, and 404 for malformed ids in URLs.
import { expect, test, type APIRequestContext, type APIResponse } from "@playwright/test";
import { ADMIN, signIn, submitSignIn } from "./helpers";

const CONSOLE_ROUTES = [
  "/login",
  "/",
  "/usage",
  "/usage/1",
  "/usage/export",
  "/budgets",
  "/budgets/00000000-0000-4000-8000-000000000000",
  "/alerts",
  "/prices",
  "/keys",
  "/members",
  "/reconciliation",
  "/settings",
  "/account",
  "/orgs",
  "/audit",
  "/invite/not-a-token",
  "/no-such-page",
  "/api/health",
  "/api/v1/openapi.json",
];

function expectHardened(res: APIResponse, route: string) {
  const h = res.headers();
  expect(h["content-security-policy"], route).toMatch(/frame-ancestors 'none'/);
  expect(h["x-frame-options"], route).toBe("DENY");
  expect(h["x-content-type-options"], route).toBe("nosniff");
  expect(h["referrer-policy"], route).toBe("strict-origin-when-cross-origin");
}

async function checkAll(request: APIRequestContext) {
  for (const route of CONSOLE_ROUTES) {
    const res = await request.get(route, { maxRedirects: 0 });
    expect(res.status(), route).toBeLessThan(500);
    expectHardened(res, route);
  }
}

test("every console response carries the security headers, signed out and signed in", async ({ page, request }) => {
  test.setTimeout(180_000);
  await checkAll(request);
  await signIn(page, ADMIN.email, ADMIN.password);
  await checkAll(page.request);
});

test("session cookies are HttpOnly and SameSite=Lax, and Secure when served over https", async ({ page, baseURL }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  const session = (await page.context().cookies()).find((c) => c.name === "next-auth.session-token");
  expect(session).toMatchObject({ httpOnly: true, sameSite: "Lax", secure: false });

  // Behind a TLS-terminating proxy (X-Forwarded-Proto: https) the cookies are Secure.
  const https = { "x-forwarded-proto": "https" };
  const csrf = await fetch(`${baseURL}/api/auth/csrf`, { headers: https });
  const csrfCookie = csrf.headers.getSetCookie().map((c) => c.split(";")[0]).join("; ");
  expect(csrf.headers.getSetCookie().join("\n")).toMatch(/Secure/);
  const { csrfToken } = (await csrf.json()) as { csrfToken: string };
  const res = await fetch(`${baseURL}/api/auth/callback/credentials`, {
    method: "POST",
    redirect: "manual",
    headers: { ...https, cookie: csrfCookie, "content-type": "application/x-www-form-urlencoded" },
    body: new URLSearchParams({ csrfToken, email: ADMIN.email, password: ADMIN.password, json: "true" }).toString(),
  });
  const sessionCookie = res.headers.getSetCookie().find((c) => c.startsWith("__Secure-next-auth.session-token="));
  expect(sessionCookie, res.headers.getSetCookie().join("\n")).toBeDefined();
  expect(sessionCookie).toMatch(/; HttpOnly/i);
  expect(sessionCookie).toMatch(/; Secure/i);
  expect(sessionCookie).toMatch(/; SameSite=Lax/i);
});

const EVIL = [
  "//evil.example",
  "/\\evil.example",
  "https://evil.example",
  "http:evil.example",
  "/\t/evil.example",
  "%2F%2Fevil.example",
  "%2F%5Cevil.example",
  "https:%2F%2Fevil.example",
  "\\/evil.example",
];

test("after sign-in only same-origin paths are followed", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const origin = new URL(baseURL!).origin;
  // Signing in with a hostile callbackUrl lands on this origin's home page.
  await page.goto(`/login?callbackUrl=${encodeURIComponent("/\\evil.example")}`);
  await submitSignIn(page, ADMIN.email, ADMIN.password);
  await expect(page.getByTestId("signed-in-as")).toHaveText(ADMIN.email);
  expect(page.url()).toBe(`${origin}/`);

  // Signed in, /login sends the browser on to the callbackUrl: raw and encoded variants stay home.
  for (const raw of EVIL) {
    for (const param of [encodeURIComponent(raw), raw.replace(/\t/g, "%09")]) {
      await page.goto(`/login?callbackUrl=${param}`);
      expect(new URL(page.url()).origin, param).toBe(origin);
      expect(new URL(page.url()).pathname, param).toBe("/");
    }
  }
  // A genuine path is kept.
  await page.goto(`/login?callbackUrl=${encodeURIComponent("/usage?provider=openai")}`);
  expect(page.url()).toBe(`${origin}/usage?provider=openai`);

  // next-auth's own redirect after sign-in obeys the same rule.
  const res = await page.request.get(`/api/auth/signin?callbackUrl=${encodeURIComponent("https://evil.example/")}`, { maxRedirects: 0 });
  expect(res.headers()["location"] ?? "").not.toContain("evil.example");
});

test("malformed ids in console URLs answer 404, never 500", async ({ page }) => {
  await signIn(page, ADMIN.email, ADMIN.password);
  for (const path of ["/usage/not-a-uuid", "/usage/99999999999999999999", "/usage/-1", "/usage/1e3", "/budgets/xyz", `/budgets/${"-".repeat(36)}`, "/budgets/00000000-0000-0000-0000-00000000000g", "/budgets/%00", "/invite/%00"]) {
    const res = await page.goto(path);
    expect(res?.status(), path).toBe(path.startsWith("/invite") ? 200 : 404);
  }
});
