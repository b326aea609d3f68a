import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Spendline, SpendlineError, retryAfterMs, type ErrorContext } from "./index.js";
import { startSpendlineStandIn, type SpendlineStandIn } from "../test/spendline-stand-in.js";

let standIn: SpendlineStandIn;
beforeEach(async () => {
  standIn = await startSpendlineStandIn();
});
afterEach(async () => {
  await standIn.close();
});

function collectErrors() {
  const errors: { error: Error; context: ErrorContext }[] = [];
  return { errors, onError: (error: Error, context: ErrorContext) => errors.push({ error, context }) };
}

describe("record and batching", () => {
  it("sends { events } batches of 100 when 100 are queued, with generated ids and timestamps, then the rest on flush", async () => {
    const client = new Spendline({ apiKey: "spl_test_key", baseUrl: standIn.url, flushIntervalMs: 60_000 });
    const ids = new Set<string>();
    for (let i = 0; i < 250; i++) {
      const id = client.record({ provider: "openai", model: "gpt-4.1", input_tokens: i, output_tokens: 1 });
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      ids.add(id!);
    }
    expect(ids.size).toBe(250);
    await client.flush();
    const sizes = standIn.usageRequests().map((r) => (r.body.events as unknown[]).length);
    expect(sizes).toEqual([100, 100, 50]);
    const first = standIn.usageRequests()[0];
    expect(first.headers.authorization).toBe("Bearer spl_test_key");
    expect(first.headers["content-type"]).toBe("application/json");
    const events = standIn.sentEvents();
    expect(new Set(events.map((e) => e.event_id))).toEqual(ids);
    expect(events.every((e) => typeof e.timestamp === "string" && !Number.isNaN(Date.parse(e.timestamp as string)))).toBe(true);
    expect(events[7]).toMatchObject({ provider: "openai", model: "gpt-4.1", input_tokens: 7, output_tokens: 1 });
    await client.shutdown();
  });

  it("keeps a given event_id and sends a lone event after the flush interval without a flush() call", async () => {
    const client = new Spendline({ apiKey: "k", baseUrl: standIn.url, flushIntervalMs: 200 });
    expect(client.record({ event_id: "mine-1", provider: "anthropic", model: "claude-haiku-4-5", input_tokens: 5 })).toBe("mine-1");
    expect(standIn.usageRequests()).toHaveLength(0);
    await expect.poll(() => standIn.usageRequests().length, { timeout: 3000 }).toBe(1);
    expect(standIn.sentEvents()[0].event_id).toBe("mine-1");
    await client.shutdown();
  });

  it("never sends more than 1,000 events per request", async () => {
    const client = new Spendline({ apiKey: "k", baseUrl: standIn.url, flushAt: 5000, flushIntervalMs: 60_000 });
    for (let i = 0; i < 2500; i++) client.record({ event_id: `e-${i}`, model: "gpt-4.1" });
    await client.flush();
    expect(standIn.usageRequests().map((r) => (r.body.events as unknown[]).length)).toEqual([1000, 1000, 500]);
    await client.shutdown();
  });
});

describe("retries", () => {
  it("retries a 503 and a 429 honouring Retry-After, sending the very same events (same ids) each time", async () => {
    standIn.usageScript.push(
      { status: 503, headers: { "retry-after": "1" }, body: { error: { code: "database_unavailable", message: "Database unavailable." } } },
      { status: 429, headers: { "retry-after": "0" }, body: { error: { code: "rate_limited", message: "Slow down." } } },
    );
    const { errors, onError } = collectErrors();
    const client = new Spendline({ apiKey: "k", baseUrl: standIn.url, onError, flushIntervalMs: 60_000 });
    client.record({ event_id: "retry-1", model: "gpt-4.1", input_tokens: 10 });
    client.record({ model: "gpt-4.1", input_tokens: 20 });
    await client.flush();
    const attempts = standIn.usageRequests();
    expect(attempts).toHaveLength(3);
    expect(attempts[1].raw).toBe(attempts[0].raw);
    expect(attempts[2].raw).toBe(attempts[0].raw);
    expect((attempts[0].body.events as { event_id: string }[]).map((e) => e.event_id)[0]).toBe("retry-1");
    expect(attempts[1].at - attempts[0].at).toBeGreaterThanOrEqual(950);
    expect(errors).toEqual([]);
    await client.shutdown();
  });

  it("retries after a dropped connection (network error) with the same ids", async () => {
    standIn.usageScript.push("destroy");
    const { errors, onError } = collectErrors();
    const client = new Spendline({ apiKey: "k", baseUrl: standIn.url, onError, flushIntervalMs: 60_000 });
    client.record({ event_id: "net-1", model: "gpt-4.1" });
    await client.flush();
    expect(standIn.usageRequests()).toHaveLength(2);
    expect(standIn.sentEvents().map((e) => e.event_id)).toEqual(["net-1", "net-1"]);
    expect(errors).toEqual([]);
    await client.shutdown();
  });

  it("gives up after maxRetries and reports through onError with the events; record and flush never throw", async () => {
    for (let i = 0; i < 5; i++) standIn.usageScript.push({ status: 503, headers: { "retry-after": "0" }, body: { error: { code: "database_unavailable", message: "down" } } });
    const { errors, onError } = collectErrors();
    const client = new Spendline({ apiKey: "k", baseUrl: standIn.url, onError, maxRetries: 2, flushIntervalMs: 60_000 });
    client.record({ event_id: "lost-1", model: "gpt-4.1" });
    await expect(client.flush()).resolves.toBeUndefined();
    expect(standIn.usageRequests()).toHaveLength(3);
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toBeInstanceOf(SpendlineError);
    expect((errors[0].error as SpendlineError).status).toBe(503);
    expect(errors[0].context.events?.map((e) => e.event_id)).toEqual(["lost-1"]);
    await client.shutdown();
  });

  it("does not retry a 401 and says why", async () => {
    standIn.usageScript.push({ status: 401, body: { error: { code: "unauthorized", message: "Invalid API key." } } });
    const { errors, onError } = collectErrors();
    const client = new Spendline({ apiKey: "spl_wrong", baseUrl: standIn.url, onError });
    client.record({ model: "gpt-4.1" });
    await client.flush();
    expect(standIn.usageRequests()).toHaveLength(1);
    expect(errors[0].error.message).toContain("Invalid API key.");
    expect((errors[0].error as SpendlineError).code).toBe("unauthorized");
    expect(errors[0].error.message).not.toContain("spl_wrong");
    await client.shutdown();
  });

  it("reports only the rejected events of a 207 batch", async () => {
    standIn.usageScript.push({
      status: 207,
      body: {
        results: [
          { event_id: "ok-1", status: "created", cost_usd: "0.1", priced: true, budget_override: false, over_budget: false },
          { event_id: "bad-1", status: "rejected", cost_usd: null, priced: false, budget_override: false, over_budget: false, error: { code: "validation_failed", message: "input_tokens must be an integer." } },
        ],
      },
    });
    const { errors, onError } = collectErrors();
    const results: unknown[] = [];
    const client = new Spendline({ apiKey: "k", baseUrl: standIn.url, onError, onResults: (r) => results.push(...r) });
    client.record({ event_id: "ok-1", model: "gpt-4.1" });
    client.record({ event_id: "bad-1", model: "gpt-4.1", input_tokens: 1.5 });
    await client.flush();
    expect(errors).toHaveLength(1);
    expect(errors[0].error.message).toContain("validation_failed");
    expect(errors[0].context.events?.map((e) => e.event_id)).toEqual(["bad-1"]);
    expect(results).toHaveLength(2);
    await client.shutdown();
  });

  it("without an API key reports the failure and drops the events; a throwing onError is contained", async () => {
    const client = new Spendline({
      apiKey: undefined,
      baseUrl: standIn.url,
      onError: () => {
        throw new Error("the app's handler broke");
      },
    });
    const saved = process.env.SPENDLINE_API_KEY;
    delete process.env.SPENDLINE_API_KEY;
    try {
      expect(() => client.record({ model: "gpt-4.1" })).not.toThrow();
      await expect(client.flush()).resolves.toBeUndefined();
      expect(standIn.usageRequests()).toHaveLength(0);
      await expect(client.check({ estimatedCostUsd: 1 })).rejects.toBeInstanceOf(SpendlineError);
    } finally {
      if (saved !== undefined) process.env.SPENDLINE_API_KEY = saved;
    }
  });

  it("an event that cannot be sent (circular metadata, not an object) is reported, never thrown", async () => {
    const { errors, onError } = collectErrors();
    const client = new Spendline({ apiKey: "k", baseUrl: standIn.url, onError });
    const metadata: Record<string, unknown> = {};
    metadata.self = metadata;
    expect(client.record({ model: "gpt-4.1", metadata })).toBeUndefined();
    expect(client.record(null as never)).toBeUndefined();
    client.record({ event_id: "fine", model: "gpt-4.1" });
    await client.shutdown();
    expect(client.record({ model: "late" })).toBeUndefined();
    expect(errors.map((e) => e.error.message)).toEqual([
      expect.stringContaining("could not be queued"),
      expect.stringContaining("one usage event object"),
      expect.stringContaining("after shutdown()"),
    ]);
    expect(standIn.sentEvents().map((e) => e.event_id)).toEqual(["fine"]);
  });

  it("reads Retry-After as seconds or as an HTTP date", () => {
    expect(retryAfterMs("2")).toBe(2000);
    expect(retryAfterMs(new Date(10_000).toUTCString(), 4000)).toBe(6000);
    expect(retryAfterMs("soon")).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe("check", () => {
  it("sends the snake_case request and answers in camelCase", async () => {
    standIn.checkScript.push({
      status: 200,
      body: {
        decision: "warn",
        reservation_id: "7d1c0f5e-7a43-4a59-9d7f-4f8f2d0b6a11",
        budgets: [{ scope: "user", limit_usd: "10", spent_usd: "8.5", reserved_usd: "0.75", remaining_usd: "0.75", period_end: "2026-12-01T00:00:00.000Z", mode: "soft" }],
      },
    });
    const client = new Spendline({ apiKey: "k", baseUrl: `${standIn.url}/` });
    const answer = await client.check({ user: "u-1", project: "docs", provider: "openai", model: "gpt-4.1", estimatedInputTokens: 1000, estimatedOutputTokens: 500 });
    expect(standIn.checkRequests()[0].body).toEqual({ user: "u-1", project: "docs", provider: "openai", model: "gpt-4.1", estimated_input_tokens: 1000, estimated_output_tokens: 500 });
    expect(answer).toEqual({
      decision: "warn",
      reservationId: "7d1c0f5e-7a43-4a59-9d7f-4f8f2d0b6a11",
      budgets: [{ scope: "user", limitUsd: "10", spentUsd: "8.5", reservedUsd: "0.75", remainingUsd: "0.75", periodEnd: "2026-12-01T00:00:00.000Z", mode: "soft" }],
    });
    await client.shutdown();
  });

  it("retries a 503 check and throws a SpendlineError with the API's code on a 422", async () => {
    standIn.checkScript.push(
      { status: 503, headers: { "retry-after": "0" }, body: { error: { code: "database_unavailable", message: "down" } } },
      { status: 200, body: { decision: "confirm", budgets: [], override_token: "tok" } },
      { status: 422, body: { error: { code: "validation_failed", message: "No price is known for model \"x\"." } } },
    );
    const client = new Spendline({ apiKey: "k", baseUrl: standIn.url });
    expect(await client.check({ estimatedCostUsd: "0.5" })).toEqual({ decision: "confirm", budgets: [], overrideToken: "tok" });
    expect(standIn.checkRequests()[1].body).toEqual({ estimated_cost_usd: "0.5" });
    const failure = await client.check({ model: "x", estimatedInputTokens: 1, estimatedOutputTokens: 1 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SpendlineError);
    expect(failure).toMatchObject({ status: 422, code: "validation_failed" });
    await client.check({ estimatedCostUsd: 1e-7 });
    await client.check({ estimatedCostUsd: 10 });
    expect(standIn.checkRequests().slice(-2).map((r) => r.body.estimated_cost_usd)).toEqual(["0.0000001", "10"]);
    await client.shutdown();
  });
});

describe("process lifetime (built package)", () => {
  const dist = path.resolve(import.meta.dirname, "../dist/index.js");

  function runNode(source: string, env: Record<string, string>): Promise<{ code: number | null; ms: number; stderr: string }> {
    const started = Date.now();
    return new Promise((resolve) => {
      const child = spawn(process.execPath, ["--input-type=module", "-e", source], { env: { ...process.env, ...env }, stdio: ["ignore", "ignore", "pipe"] });
      let stderr = "";
      child.stderr.on("data", (d) => (stderr += d));
      child.on("exit", (code) => resolve({ code, ms: Date.now() - started, stderr }));
    });
  }

  it("needs `npm run build` first", () => {
    expect(existsSync(dist), "run `npm run build` in sdk/ before the tests").toBe(true);
  });

  it("its timers never keep the process alive, and queued events are still sent when the app ends by itself", async () => {
    const script = `
      import { Spendline } from ${JSON.stringify(dist)};
      const client = new Spendline({ flushIntervalMs: 600000, flushOnExit: process.env.FLUSH_ON_EXIT === "1" });
      client.record({ event_id: process.env.EVENT_ID, model: "gpt-4.1" });
    `;
    const env = { SPENDLINE_API_KEY: "spl_env_key", SPENDLINE_BASE_URL: standIn.url };
    const quiet = await runNode(script, { ...env, FLUSH_ON_EXIT: "0", EVENT_ID: "dropped" });
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.ms).toBeLessThan(5000);
    expect(standIn.usageRequests()).toHaveLength(0);

    const flushed = await runNode(script, { ...env, FLUSH_ON_EXIT: "1", EVENT_ID: "sent-at-exit" });
    expect(flushed.code, flushed.stderr).toBe(0);
    expect(flushed.ms).toBeLessThan(5000);
    expect(standIn.sentEvents().map((e) => e.event_id)).toEqual(["sent-at-exit"]);
    expect(standIn.usageRequests()[0].headers.authorization).toBe("Bearer spl_env_key");
  });
});
