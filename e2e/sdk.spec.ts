// The client SDK (SPEC §8) against the running Spendline: the BUILT package (sdk/dist, built by
// `npm run build` in sdk/) with the real `openai` and `@anthropic-ai/sdk` clients calling a local
// stand-in of the provider APIs. A proxy in front of Spendline loses the answer to the first
// ingest request, so the SDK's retry must count once.
import { expect, test, type Page } from "@playwright/test";
import { build } from "esbuild";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { createRequire } from "node:module";
import { existsSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { startProviderStandIn, type ProviderStandIn } from "../sdk/test/provider-stand-in";
import { ADMIN, createBudget, orgWithKey, signIn } from "./helpers";

type Sdk = typeof import("../sdk/src/index");
type UsageResult = import("../sdk/src/index").UsageResult;

const SDK_DIR = path.resolve("sdk");

interface ChatClient {
  chat: { completions: { create(body: Record<string, unknown>): Promise<AsyncIterable<unknown> & Record<string, unknown>> } };
  responses: { create(body: Record<string, unknown>): Promise<AsyncIterable<unknown> & Record<string, unknown>> };
}
interface MessagesClient {
  messages: { create(body: Record<string, unknown>): Promise<AsyncIterable<unknown> & Record<string, unknown>> };
}

/** The built SDK and the provider clients installed beside it (sdk/node_modules). */
async function loadPackages() {
  if (!existsSync(path.join(SDK_DIR, "dist/index.js")) || !existsSync(path.join(SDK_DIR, "node_modules"))) {
    throw new Error("The SDK is not built: run (cd sdk && npm install && npm run build) first (.ci/run does).");
  }
  const sdk = (await import(pathToFileURL(path.join(SDK_DIR, "dist/index.js")).href)) as Sdk;
  const requireFromSdk = createRequire(path.join(SDK_DIR, "package.json"));
  const openaiModule = await import(pathToFileURL(requireFromSdk.resolve("openai")).href);
  const anthropicModule = await import(pathToFileURL(requireFromSdk.resolve("@anthropic-ai/sdk")).href);
  const pick = (m: { default?: unknown }) => ((m.default as { default?: unknown })?.default ?? m.default) as new (options: Record<string, unknown>) => unknown;
  return { sdk, OpenAI: pick(openaiModule), Anthropic: pick(anthropicModule) };
}

/** A proxy in front of Spendline that forwards the first ingest request, then answers it 503 (the answer is lost). */
async function startLossyProxy(target: string) {
  const attempts: { status: number; body: string }[] = [];
  let lose = 1;
  const server: Server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const body = Buffer.concat(chunks);
    const headers: Record<string, string> = {};
    for (const name of ["authorization", "content-type"]) if (req.headers[name]) headers[name] = String(req.headers[name]);
    const upstream = await fetch(`${target}${req.url}`, { method: req.method, headers, body: req.method === "GET" ? undefined : body });
    const text = await upstream.text();
    if (req.url === "/api/v1/usage") attempts.push({ status: upstream.status, body: body.toString("utf8") });
    if (req.url === "/api/v1/usage" && lose > 0) {
      lose -= 1;
      res.writeHead(503, { "content-type": "application/json", "retry-after": "1" });
      res.end(JSON.stringify({ error: { code: "database_unavailable", message: "The proxy lost the answer." } }));
      return;
    }
    res.writeHead(upstream.status, { "content-type": upstream.headers.get("content-type") ?? "application/json" });
    res.end(text);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    attempts,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
}

async function summary(page: Page, key: string, groupBy: string) {
  const res = await page.request.get(`/api/v1/usage/summary?group_by=${groupBy}`, { headers: { authorization: `Bearer ${key}` } });
  expect(res.status()).toBe(200);
  return (await res.json()) as { total: { cost_usd: string; requests: number }; groups: { key: string | null; cost_usd: string; requests: number; input_tokens: number; output_tokens: number; cache_read_tokens: number; cache_write_tokens: number }[] };
}

/** Decimal strings compared as written, without floats: "0.0045" equals "0.004500". */
function decimal(value: string): string {
  return value.includes(".") ? value.replace(/0+$/, "").replace(/\.$/, "") : value;
}

async function drain(stream: AsyncIterable<unknown>) {
  for await (const _ of stream) void _;
}

let provider: ProviderStandIn;
test.beforeEach(async () => {
  provider = await startProviderStandIn();
});
test.afterEach(async () => {
  await provider.close();
});

test("wrapped OpenAI and Anthropic calls, streamed and not, are priced exactly; a retried batch counts once", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const { sdk, OpenAI, Anthropic } = await loadPackages();
  await signIn(page, ADMIN.email, ADMIN.password);
  const { key } = await orgWithKey(page, "sdk", "SDK");
  const proxy = await startLossyProxy(baseURL!);
  try {
    const results: UsageResult[] = [];
    const errors: Error[] = [];
    const spendline = new sdk.Spendline({ apiKey: key, baseUrl: proxy.url, onResults: (r) => results.push(...r), onError: (e) => errors.push(e), flushIntervalMs: 60_000 });
    const openai = spendline.wrapOpenAI(new OpenAI({ apiKey: "sk-test", baseURL: provider.openaiBaseUrl, maxRetries: 0 }) as ChatClient, { user: "u-1", project: "docs" });
    const anthropic = spendline.wrapAnthropic(new Anthropic({ apiKey: "sk-ant-test", baseURL: provider.anthropicBaseUrl, maxRetries: 0 }) as MessagesClient, { user: "u-1", project: "docs" });

    // gpt-4.1 ($2 / $0.50 cached / $8): 1,000 uncached + 200 cached in, 300 out = $0.0045 a call.
    await openai.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] });
    await drain(await openai.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }], stream: true }));
    // Responses, streamed: 800 uncached + 100 cached in, 250 out = $0.00365.
    await drain(await openai.responses.create({ model: "gpt-4.1", input: "Hi", stream: true }));
    // claude-haiku-4-5 ($1 in / $0.10 cache read / $1.25 cache write / $5 out): 400 + 2,000 read + 1,000 written, 350 out = $0.0036.
    await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }] });
    await drain(await anthropic.messages.create({ model: "claude-haiku-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }], stream: true }));
    await spendline.shutdown();

    expect(errors).toEqual([]);
    // The first attempt was stored but its answer lost; the retry sent the same body and got duplicates.
    expect(proxy.attempts).toHaveLength(2);
    expect(proxy.attempts[1].body).toBe(proxy.attempts[0].body);
    expect(results.map((r) => r.status)).toEqual(["duplicate", "duplicate", "duplicate", "duplicate", "duplicate"]);
    expect(results.map((r) => r.event_id)).toEqual([...provider.ids.slice(0, 3).map((id) => `openai-${id}`), ...provider.ids.slice(3).map((id) => `anthropic-${id}`)]);
    expect(results.map((r) => decimal(r.cost_usd ?? "null"))).toEqual(["0.0045", "0.0045", "0.00365", "0.0036", "0.0036"]);

    const byProvider = await summary(page, key, "provider");
    expect(decimal(byProvider.total.cost_usd)).toBe("0.01985");
    expect(byProvider.total.requests).toBe(5);
    const openaiRow = byProvider.groups.find((g) => g.key === "openai")!;
    const anthropicRow = byProvider.groups.find((g) => g.key === "anthropic")!;
    expect({ cost: decimal(openaiRow.cost_usd), requests: openaiRow.requests, input: openaiRow.input_tokens, cached: openaiRow.cache_read_tokens, output: openaiRow.output_tokens }).toEqual({
      cost: "0.01265",
      requests: 3,
      input: 1200 + 1200 + 900,
      cached: 200 + 200 + 100,
      output: 300 + 300 + 250,
    });
    expect({ cost: decimal(anthropicRow.cost_usd), requests: anthropicRow.requests, input: anthropicRow.input_tokens, read: anthropicRow.cache_read_tokens, written: anthropicRow.cache_write_tokens, output: anthropicRow.output_tokens }).toEqual({
      cost: "0.0072",
      requests: 2,
      input: 2 * 3400,
      read: 4000,
      written: 2000,
      output: 700,
    });
  } finally {
    await proxy.close();
  }
});

test("checkBudget: allow reserves and the event settles it; over a soft budget the confirmed call is recorded with budget_override", async ({ page, baseURL }) => {
  test.setTimeout(120_000);
  const { sdk, Anthropic } = await loadPackages();
  await signIn(page, ADMIN.email, ADMIN.password);
  const { slug, key } = await orgWithKey(page, "sdkb", "SDK");
  await createBudget(page, slug, { limit: "1.00", mode: "soft" });

  const results: UsageResult[] = [];
  const errors: Error[] = [];
  const spendline = new sdk.Spendline({ apiKey: key, baseUrl: baseURL, onResults: (r) => results.push(...r), onError: (e) => errors.push(e) });
  const client = new Anthropic({ apiKey: "sk-ant-test", baseURL: provider.anthropicBaseUrl, maxRetries: 0 }) as MessagesClient;
  const attrs = { user: "end-user-1", checkBudget: true };
  spendline.wrapAnthropic(client, attrs);

  // Within the budget: allowed, reserved, and settled by the event ($0.0036 spent, nothing reserved).
  await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 1000, messages: [{ role: "user", content: "Hi" }] });
  await spendline.flush();
  expect(results).toMatchObject([{ status: "created", cost_usd: "0.0036", budget_override: false }]);
  const budgets = await page.request.get("/api/v1/budgets", { headers: { authorization: `Bearer ${key}` } });
  expect((await budgets.json()).budgets[0]).toMatchObject({ spent_usd: "0.0036", reserved_usd: "0" });

  // Spend up to $0.9936 (gpt-4.1: 495,000 input tokens = $0.99).
  const ingest = await page.request.post("/api/v1/usage", {
    headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
    data: { event_id: `${slug}-bulk`, provider: "openai", model: "gpt-4.1", input_tokens: 495_000, output_tokens: 0 },
  });
  expect(ingest.status()).toBe(200);

  // 20,000 output tokens of claude-haiku-4-5 may cost $0.10: over the soft limit → confirm.
  const body = { model: "claude-haiku-4-5", max_tokens: 20_000, messages: [{ role: "user", content: "Write the long report" }], stream: true };
  const failure = await client.messages.create(body).catch((e: unknown) => e);
  expect(failure).toBeInstanceOf(sdk.BudgetConfirmationRequired);
  const confirm = failure as InstanceType<Sdk["BudgetConfirmationRequired"]>;
  expect(confirm.overrideToken.length).toBeGreaterThan(20);
  expect(confirm.budgets).toMatchObject([{ scope: "organization", limitUsd: "1", spentUsd: "0.9936", mode: "soft" }]);
  expect(provider.requests).toHaveLength(1);

  // The end user confirmed: the same call with the token goes through and is an authorised override.
  // It writes 2,000 tokens: $0.01185, which takes the spend over the limit.
  provider.scenario.anthropicDeltaUsage = { output_tokens: 2000 };
  spendline.wrapAnthropic(client, { ...confirm.attrs, overrideToken: confirm.overrideToken });
  await drain(await client.messages.create(body));
  await spendline.shutdown();
  expect(errors).toEqual([]);
  expect(results).toHaveLength(2);
  expect(results[1]).toMatchObject({ event_id: `anthropic-${provider.ids[1]}`, status: "created", budget_override: true, over_budget: true, cost_usd: "0.01185" });
});

test("the React BudgetConfirmDialog is an accessible modal: focus moves in and is trapped, Escape cancels, focus returns", async ({ page }) => {
  const bundle = await build({
    entryPoints: [path.join(SDK_DIR, "test/dialog-page.tsx")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    jsx: "automatic",
    define: { "process.env.NODE_ENV": '"production"' },
    logLevel: "silent",
  });
  const script = bundle.outputFiles[0].text;
  const server = createServer((req, res) => {
    if (req.url === "/app.js") {
      res.writeHead(200, { "content-type": "text/javascript" });
      res.end(script);
      return;
    }
    res.writeHead(200, { "content-type": "text/html" });
    res.end('<!doctype html><html lang="en"><head><title>Dialog</title></head><body><div id="root"></div><script type="module" src="/app.js"></script></body></html>');
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  try {
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    const opener = page.getByRole("button", { name: "Ask the model" });
    const dialog = page.getByRole("dialog", { name: "This request is over budget" });
    await opener.click();
    await expect(dialog).toBeVisible();
    await expect(dialog).toHaveAttribute("aria-modal", "true");
    await expect(dialog).toContainText("Current spend$0.98");
    await expect(dialog).toContainText("Limit$1.00");
    await expect(dialog).toContainText("This request may cost$0.05");
    const cancel = dialog.getByRole("button", { name: "Cancel" });
    const proceed = dialog.getByRole("button", { name: "Continue anyway" });
    await expect(cancel).toBeFocused();

    // Tab and Shift+Tab stay inside the dialog.
    await page.keyboard.press("Tab");
    await expect(proceed).toBeFocused();
    await page.keyboard.press("Tab");
    await expect(cancel).toBeFocused();
    await page.keyboard.press("Shift+Tab");
    await expect(proceed).toBeFocused();
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press("Tab");
      expect(await dialog.evaluate((d) => d.contains(document.activeElement))).toBe(true);
    }

    // Escape cancels and focus returns to the button that opened it.
    await page.keyboard.press("Escape");
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("outcome")).toHaveText("cancelled");
    await expect(opener).toBeFocused();

    // Keyboard only: open with Enter, confirm with Tab + Enter.
    await page.keyboard.press("Enter");
    await expect(dialog).toBeVisible();
    await page.keyboard.press("Tab");
    await page.keyboard.press("Enter");
    await expect(dialog).toBeHidden();
    await expect(page.getByTestId("outcome")).toHaveText("confirmed");
    await expect(opener).toBeFocused();
  } finally {
    await new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); });
  }
});
