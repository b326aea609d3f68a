// The wrappers with the real `openai` and `@anthropic-ai/sdk` clients against local stand-ins of
// the provider APIs and of Spendline.
import Anthropic from "@anthropic-ai/sdk";
import OpenAI from "openai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BudgetConfirmationRequired, BudgetExceededError, Spendline, SpendlineError, budgetErrorOf, wrapAnthropic, wrapOpenAI, type ErrorContext } from "./index.js";
import { CHAT_TEXT, startProviderStandIn, type ProviderStandIn } from "../test/provider-stand-in.js";
import { startSpendlineStandIn, type SpendlineStandIn } from "../test/spendline-stand-in.js";

let provider: ProviderStandIn;
let standIn: SpendlineStandIn;
let spendline: Spendline;
let errors: { error: Error; context: ErrorContext }[];

beforeEach(async () => {
  provider = await startProviderStandIn();
  standIn = await startSpendlineStandIn();
  errors = [];
  spendline = new Spendline({ apiKey: "k", baseUrl: standIn.url, flushIntervalMs: 60_000, onError: (error, context) => errors.push({ error, context }) });
});
afterEach(async () => {
  await spendline.shutdown();
  await provider.close();
  await standIn.close();
});

const openai = () => new OpenAI({ apiKey: "sk-test", baseURL: provider.openaiBaseUrl, maxRetries: 0 });
const anthropic = () => new Anthropic({ apiKey: "sk-ant-test", baseURL: provider.anthropicBaseUrl, maxRetries: 0 });
const ATTRS = { user: "u-42", project: "docs", category: "document_analysis", document: "doc-7", metadata: { feature: "summary" } };

async function sent() {
  await spendline.flush();
  return standIn.sentEvents();
}

describe("wrapOpenAI", () => {
  it("records a chat completion with its id, model, usage as is, duration, success and the attributes; returns the same client", async () => {
    const client = openai();
    expect(spendline.wrapOpenAI(client, ATTRS)).toBe(client);
    const completion = await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] });
    expect(completion.choices[0].message.content).toBe(CHAT_TEXT.join(""));
    const [event] = await sent();
    expect(event).toMatchObject({
      event_id: `openai-${completion.id}`,
      provider: "openai",
      model: "gpt-4.1",
      usage: provider.scenario.chatUsage,
      success: true,
      service_tier: "default",
      ...ATTRS,
    });
    expect(event.duration_ms).toEqual(expect.any(Number));
    expect(event).not.toHaveProperty("reservation_id");
  });

  it("asks for usage in a chat stream, captures it exactly, and hands the app the chunks it would have seen", async () => {
    const client = spendline.wrapOpenAI(openai());
    const stream = await client.chat.completions.create({ model: "gpt-4.1-mini", messages: [{ role: "user", content: "Hi" }], stream: true });
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(provider.requests[0].body.stream_options).toEqual({ include_usage: true });
    // The extra usage-only chunk the app did not ask for stays out of its way.
    expect(chunks.every((c) => c.choices.length === 1)).toBe(true);
    expect(chunks.map((c) => c.choices[0].delta.content ?? "").join("")).toBe(CHAT_TEXT.join(""));
    const events = await sent();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_id: `openai-${chunks[0].id}`, model: "gpt-4.1-mini", usage: provider.scenario.chatUsage, success: true });
  });

  it("leaves the usage chunk in a stream that asked for it", async () => {
    const client = spendline.wrapOpenAI(openai());
    const stream = await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }], stream: true, stream_options: { include_usage: true } });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)?.usage).toEqual(provider.scenario.chatUsage);
    expect((await sent())[0].usage).toEqual(provider.scenario.chatUsage);
  });

  it("records the chat.completions.stream() helper and a tee'd stream once each", async () => {
    const client = spendline.wrapOpenAI(openai());
    const runner = client.chat.completions.stream({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] });
    const final = await runner.finalChatCompletion();
    expect(final.choices[0].message.content).toBe(CHAT_TEXT.join(""));

    const stream = await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }], stream: true });
    const [left, right] = stream.tee();
    for await (const _ of left) void _;
    for await (const _ of right) void _;
    const events = await sent();
    expect(events.map((e) => e.event_id)).toEqual(provider.ids.map((id) => `openai-${id}`));
    expect(events.every((e) => JSON.stringify(e.usage) === JSON.stringify(provider.scenario.chatUsage))).toBe(true);
  });

  it("records responses.create, plain and streamed (usage from response.completed)", async () => {
    const client = spendline.wrapOpenAI(openai(), { user: "u-1" });
    const response = await client.responses.create({ model: "gpt-4.1", input: "Hi", max_output_tokens: 500 });
    expect(response.output_text).toBe(CHAT_TEXT.join(""));
    const stream = await client.responses.create({ model: "gpt-4.1", input: "Hi", stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types[0]).toBe("response.created");
    expect(types.at(-1)).toBe("response.completed");
    const events = await sent();
    expect(events).toHaveLength(2);
    expect(events[0]).toMatchObject({ event_id: `openai-${response.id}`, usage: provider.scenario.responsesUsage, user: "u-1", success: true });
    expect(events[1]).toMatchObject({ event_id: `openai-${provider.ids[1]}`, usage: provider.scenario.responsesUsage, success: true });
  });

  it("keeps withResponse() working and records a failed call without hiding the provider's error", async () => {
    const client = spendline.wrapOpenAI(openai(), ATTRS);
    const { data, response } = await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] }).withResponse();
    expect(data.id).toBe(provider.ids[0]);
    expect(response.status).toBe(200);

    provider.scenario.fail = { status: 400, count: 1, message: "Bad request from the stand-in" };
    const failure = await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(OpenAI.BadRequestError);
    const events = await sent();
    expect(events).toHaveLength(2);
    expect(events[1]).toMatchObject({ provider: "openai", model: "gpt-4.1", success: false, user: "u-42" });
    expect(events[1].event_id).toMatch(/^openai-request-req_/);
    expect(events[1].error).toContain("Bad request from the stand-in");
    expect(events[1]).not.toHaveProperty("usage");
  });

  it("wraps clients that lack an endpoint without failing, and wraps a client only once", async () => {
    const bare = { chat: null, responses: undefined };
    expect(wrapOpenAI(bare, {}, spendline)).toBe(bare);
    expect(wrapAnthropic({ messages: null }, {}, spendline)).toEqual({ messages: null });
    const client = openai();
    spendline.wrapOpenAI(client, { user: "a" });
    spendline.wrapOpenAI(client, { user: "b" });
    await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] });
    const events = await sent();
    expect(events).toHaveLength(1);
    expect(events[0].user).toBe("b");
  });

  it("the standalone wrapOpenAI uses SPENDLINE_API_KEY / SPENDLINE_BASE_URL", async () => {
    const saved = { key: process.env.SPENDLINE_API_KEY, url: process.env.SPENDLINE_BASE_URL };
    process.env.SPENDLINE_API_KEY = "spl_from_env";
    process.env.SPENDLINE_BASE_URL = standIn.url;
    try {
      const client = wrapOpenAI(openai(), { project: "env" });
      await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] });
      await expect.poll(() => standIn.usageRequests().length, { timeout: 4000 }).toBe(1);
      expect(standIn.usageRequests()[0].headers.authorization).toBe("Bearer spl_from_env");
      expect(standIn.sentEvents()[0]).toMatchObject({ project: "env", event_id: `openai-${provider.ids[0]}` });
    } finally {
      process.env.SPENDLINE_API_KEY = saved.key;
      process.env.SPENDLINE_BASE_URL = saved.url;
      if (saved.key === undefined) delete process.env.SPENDLINE_API_KEY;
      if (saved.url === undefined) delete process.env.SPENDLINE_BASE_URL;
    }
  });
});

describe("wrapAnthropic", () => {
  it("records messages.create with the usage object as is", async () => {
    const client = anthropic();
    expect(spendline.wrapAnthropic(client, ATTRS)).toBe(client);
    const message = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }] });
    const [event] = await sent();
    expect(event).toMatchObject({
      event_id: `anthropic-${message.id}`,
      provider: "anthropic",
      model: "claude-haiku-4-5",
      usage: { ...provider.scenario.anthropicStartUsage, ...provider.scenario.anthropicDeltaUsage },
      service_tier: "standard",
      success: true,
      ...ATTRS,
    });
  });

  it("records a streamed message with message_start usage updated by message_delta, exactly", async () => {
    provider.scenario.anthropicDeltaUsage = { output_tokens: 512, input_tokens: null, cache_read_input_tokens: 2100 };
    const client = spendline.wrapAnthropic(anthropic());
    const stream = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 1024, messages: [{ role: "user", content: "Hi" }], stream: true });
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types).toEqual(["message_start", "content_block_start", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_delta", "content_block_stop", "message_delta", "message_stop"]);
    const [event] = await sent();
    expect(event).toMatchObject({ event_id: `anthropic-${provider.ids[0]}`, model: "claude-haiku-4-5", success: true });
    expect(event.usage).toEqual({ input_tokens: 400, cache_creation_input_tokens: 1000, cache_read_input_tokens: 2100, output_tokens: 512, service_tier: "standard" });
  });

  it("records the messages.stream() helper once", async () => {
    const client = wrapAnthropic(anthropic(), { user: "u-9" }, spendline);
    const final = await client.messages.stream({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }).finalMessage();
    expect(final.content[0]).toMatchObject({ type: "text", text: CHAT_TEXT.join("") });
    const events = await sent();
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ event_id: `anthropic-${final.id}`, user: "u-9", usage: { input_tokens: 400, output_tokens: 350 } });
  });

  it("records a stream the app stops reading early, and ends the request", async () => {
    const client = spendline.wrapAnthropic(anthropic());
    const stream = await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 10, messages: [{ role: "user", content: "Hi" }], stream: true });
    for await (const event of stream) if (event.type === "message_start") break;
    const [event] = await sent();
    expect(event).toMatchObject({ event_id: `anthropic-${provider.ids[0]}`, success: true, usage: { input_tokens: 400, output_tokens: 1 } });
  });
});

describe("checkBudget", () => {
  const BUDGET = { scope: "user", limit_usd: "1", spent_usd: "0.98", reserved_usd: "0", remaining_usd: "0.02", period_end: "2026-12-01T00:00:00.000Z", mode: "soft" };
  const RESERVATION = "3b9f3f3e-1c9d-4d0e-9a53-0c3f8e2f6a10";

  it("asks /budgets/check with the token estimate first and settles the reservation with the event", async () => {
    standIn.checkScript.push({ status: 200, body: { decision: "allow", reservation_id: RESERVATION, budgets: [] } });
    const client = spendline.wrapAnthropic(anthropic(), { user: "u-1", project: "docs", checkBudget: true });
    const prompt = "x".repeat(400);
    await client.messages.create({ model: "claude-haiku-4-5", max_tokens: 700, system: "Be brief.", messages: [{ role: "user", content: prompt }] });
    const check = standIn.checkRequests()[0].body;
    expect(check).toMatchObject({ user: "u-1", project: "docs", provider: "anthropic", model: "claude-haiku-4-5", estimated_output_tokens: 700 });
    expect(check.estimated_input_tokens).toBeGreaterThanOrEqual(100);
    expect(check.estimated_input_tokens).toBeLessThan(150);
    expect(standIn.requests[0].path).toBe("/api/v1/budgets/check");
    const [event] = await sent();
    expect(event).toMatchObject({ reservation_id: RESERVATION, event_id: `anthropic-${provider.ids[0]}` });
  });

  it("block throws BudgetExceededError and the provider is never called", async () => {
    standIn.checkScript.push({ status: 200, body: { decision: "block", budgets: [{ ...BUDGET, mode: "hard" }] } });
    const client = spendline.wrapOpenAI(openai(), { checkBudget: true });
    const failure = await client.responses.create({ model: "gpt-4.1", input: "Hi", max_output_tokens: 300 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BudgetExceededError);
    expect((failure as BudgetExceededError).budgets[0]).toMatchObject({ scope: "user", limitUsd: "1", spentUsd: "0.98", mode: "hard" });
    expect(standIn.checkRequests()[0].body.estimated_output_tokens).toBe(300);
    expect(provider.requests).toHaveLength(0);
    expect(await sent()).toHaveLength(0);
  });

  it("confirm throws BudgetConfirmationRequired; the call repeated with its overrideToken goes through once without a check and carries the token", async () => {
    standIn.checkScript.push({ status: 200, body: { decision: "confirm", budgets: [BUDGET], override_token: "ovr.signed.token" } });
    const client = spendline.wrapOpenAI(openai(), { user: "u-1", checkBudget: true });
    const body = { model: "gpt-4.1", messages: [{ role: "user" as const, content: "Hi" }], max_completion_tokens: 200, stream: true as const };
    const failure = await client.chat.completions.create(body).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BudgetConfirmationRequired);
    const confirm = failure as BudgetConfirmationRequired;
    expect(confirm.overrideToken).toBe("ovr.signed.token");
    expect(confirm.budgets[0].remainingUsd).toBe("0.02");
    expect(confirm.estimate).toMatchObject({ provider: "openai", model: "gpt-4.1", estimatedOutputTokens: 200 });
    expect(confirm.attrs).toEqual({ user: "u-1", checkBudget: true });
    expect(provider.requests).toHaveLength(0);

    wrapOpenAI(client, { ...confirm.attrs, overrideToken: confirm.overrideToken }, spendline);
    const stream = await client.chat.completions.create(body);
    for await (const _ of stream) void _;
    expect(standIn.checkRequests()).toHaveLength(1);
    // Good for one call: the next one is checked again.
    await client.chat.completions.create({ ...body, stream: false });
    expect(standIn.checkRequests()).toHaveLength(2);
    const events = await sent();
    expect(events[0]).toMatchObject({ override_token: "ovr.signed.token", user: "u-1", usage: provider.scenario.chatUsage });
    expect(events[0]).not.toHaveProperty("reservation_id");
    expect(events[1]).not.toHaveProperty("override_token");
  });

  it("the stream helpers pass the budget error on (as cause), and budgetErrorOf finds it", async () => {
    standIn.checkScript.push({ status: 200, body: { decision: "confirm", budgets: [BUDGET], override_token: "tok-2" } });
    standIn.checkScript.push({ status: 200, body: { decision: "block", budgets: [BUDGET] } });
    const client = spendline.wrapAnthropic(anthropic(), { checkBudget: true });
    const failure = await client.messages.stream({ model: "claude-haiku-4-5", max_tokens: 100, messages: [{ role: "user", content: "Hi" }] }).finalMessage().catch((e: unknown) => e);
    expect(budgetErrorOf(failure)).toBeInstanceOf(BudgetConfirmationRequired);
    expect((budgetErrorOf(failure) as BudgetConfirmationRequired).overrideToken).toBe("tok-2");
    const oa = spendline.wrapOpenAI(openai(), { checkBudget: true });
    const blocked = await oa.chat.completions.stream({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] }).finalChatCompletion().catch((e: unknown) => e);
    expect(budgetErrorOf(blocked)).toBeInstanceOf(BudgetExceededError);
    expect(budgetErrorOf(new Error("other"))).toBeUndefined();
    expect(provider.requests).toHaveLength(0);
  });

  it("a per-call override token in the request options is not sent to the provider", async () => {
    const client = spendline.wrapOpenAI(openai(), { checkBudget: true });
    await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] }, { spendline: { overrideToken: "t-1", user: "u-3" } } as never);
    expect(standIn.checkRequests()).toHaveLength(0);
    expect((await sent())[0]).toMatchObject({ override_token: "t-1", user: "u-3" });
  });

  it("a failing check proceeds and reports through onError, or throws with checkFailure: closed; withResponse() works after a check", async () => {
    standIn.checkScript.push({ status: 422, body: { error: { code: "validation_failed", message: "No price is known for model \"my-model\"." } } });
    const client = spendline.wrapOpenAI(openai(), { checkBudget: true });
    const { data } = await client.chat.completions.create({ model: "my-model", messages: [{ role: "user", content: "Hi" }] }).withResponse();
    expect(data.id).toBe(provider.ids[0]);
    expect(errors).toHaveLength(1);
    expect(errors[0].context.operation).toBe("check");

    standIn.checkScript.push({ status: 401, body: { error: { code: "unauthorized", message: "Invalid API key." } } });
    wrapOpenAI(client, { checkBudget: true, checkFailure: "closed" }, spendline);
    const failure = await client.chat.completions.create({ model: "gpt-4.1", messages: [{ role: "user", content: "Hi" }] }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(SpendlineError);
    expect(provider.requests).toHaveLength(1);
  });
});
