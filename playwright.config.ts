import { existsSync } from "node:fs";
import { defineConfig, devices } from "@playwright/test";

const port = Number(process.env.E2E_PORT ?? 3200);
// E2E_BASE_URL points the tests at a server that is already running (e.g. `next dev`).
const baseURL = process.env.E2E_BASE_URL ?? `http://localhost:${port}`;
// Debian's Chromium where it exists (Playwright cannot download browsers here), else Playwright's own.
const executablePath = process.env.CHROMIUM_PATH ?? (existsSync("/usr/bin/chromium") ? "/usr/bin/chromium" : undefined);

export const E2E_ADMIN = { email: "admin@e2e.test", password: "e2e-admin-password" };

export default defineConfig({
  testDir: "e2e",
  fullyParallel: false,
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: process.env.CI ? [["list"]] : [["list"]],
  use: {
    baseURL,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath,
      args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--no-first-run", "--disable-sync"],
    },
  },
  projects: [{ name: "chromium", use: { ...devices["Desktop Chrome"], viewport: { width: 1280, height: 900 } } }],
  webServer: process.env.E2E_BASE_URL
    ? undefined
    : {
    // A fresh embedded database per run, or E2E_DATABASE_URL for PostgreSQL.
    command: "node e2e/serve.mjs",
    url: `${baseURL}/api/health`,
    timeout: 300_000,
    reuseExistingServer: false,
    stdout: "pipe",
    env: {
      PORT: String(port),
      ADMIN_EMAIL: E2E_ADMIN.email,
      ADMIN_PASSWORD: E2E_ADMIN.password,
      NEXT_DIST_DIR: process.env.NEXT_DIST_DIR ?? ".next",
      // The webhook tests deliver to the app itself on loopback (SPEC §6 operator switch).
      SPENDLINE_WEBHOOK_ALLOW_PRIVATE: "1",
    },
  },
});
