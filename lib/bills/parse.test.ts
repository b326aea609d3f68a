import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { BillParseError, parseAnthropicCostReport, parseBillText, parseOpenAiCosts, splitOpenAiLineItem } from "./parse";

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../../test/fixtures/bills", name), "utf8");

function parseError(fn: () => unknown): BillParseError {
  try {
    fn();
  } catch (err) {
    if (err instanceof BillParseError) return err;
    throw err;
  }
  throw new Error("expected a BillParseError");
}

describe("OpenAI organization/costs pages", () => {
  it("reads an array of pages: UTC bucket days, line items split into model and token type, extra fields ignored", () => {
    const bill = parseOpenAiCosts(JSON.parse(fixture("openai-costs.json")));
    expect(bill.days).toEqual(["2025-06-02", "2025-06-03"]);
    expect(bill.lines).toHaveLength(4);
    expect(bill.lines[0]).toEqual({
      day: "2025-06-02",
      lineItem: "gpt-4o-2024-08-06, input",
      model: "gpt-4o-2024-08-06",
      tokenType: "input",
      serviceTier: null,
      costType: null,
      contextWindow: null,
      projectRef: "proj_abc",
      amountUsd: "0.25",
    });
    expect(bill.lines[3]).toMatchObject({ day: "2025-06-03", amountUsd: "1.1" });
  });

  it("reads one page object too, and keeps amounts exact", () => {
    const bill = parseOpenAiCosts({ object: "page", data: [{ object: "bucket", start_time: 1748822400, end_time: 1748908800, results: [{ object: "organization.costs.result", amount: { value: 0.1, currency: "usd" }, line_item: null, project_id: null }] }], has_more: false, next_page: null });
    expect(bill.lines[0]).toMatchObject({ amountUsd: "0.1", model: null, tokenType: null, lineItem: null });
  });

  it("splits line items into model, token type and service tier", () => {
    expect(splitOpenAiLineItem("gpt-4o-mini-2024-07-18, cached input")).toEqual({ model: "gpt-4o-mini-2024-07-18", tokenType: "cached_input", serviceTier: null });
    expect(splitOpenAiLineItem("gpt-4o-2024-08-06, output")).toMatchObject({ tokenType: "output" });
    expect(splitOpenAiLineItem("gpt-4.1, batch input")).toEqual({ model: "gpt-4.1", tokenType: "input", serviceTier: "batch" });
    expect(splitOpenAiLineItem("Image models")).toEqual({ model: null, tokenType: null, serviceTier: null });
    expect(splitOpenAiLineItem("gpt-image-1, image generation")).toMatchObject({ model: "gpt-image-1", tokenType: "other" });
  });

  it("names the first bad field, page index included", () => {
    const err = parseError(() => parseBillText("openai", fixture("openai-costs-malformed.json")));
    expect(err.field).toBe("[1].data[0].results[0].amount.value");
    expect(err.message).toMatch(/^\[1\]\.data\[0\]\.results\[0\]\.amount\.value: /);
    expect(parseError(() => parseBillText("openai", "{")).message).toMatch(/^\(file\): not valid JSON/);
    expect(parseError(() => parseBillText("openai", "{}")).field).toBe("data");
    expect(parseError(() => parseBillText("openai", "[]")).field).toBe("(file)");
    expect(parseError(() => parseBillText("openai", '{"data":[{"start_time":1.5,"results":[]}]}')).field).toBe("data[0].start_time");
    expect(parseError(() => parseBillText("openai", '{"data":[{"start_time":1748822400,"results":[{"amount":{"value":1,"currency":"eur"}}]}]}')).message).toBe("data[0].results[0].amount.currency: only USD amounts are supported");
    // An Anthropic report imported as OpenAI's is refused, not misread.
    expect(parseError(() => parseBillText("openai", fixture("anthropic-cost-report.json"))).field).toBe("data[0].start_time");
  });
});

describe("Anthropic cost_report pages", () => {
  it("converts cents to dollars exactly and maps token types", () => {
    const bill = parseAnthropicCostReport(JSON.parse(fixture("anthropic-cost-report.json")));
    expect(bill.days).toEqual(["2025-06-02"]);
    expect(bill.lines.map((l) => [l.model, l.tokenType, l.amountUsd])).toEqual([
      ["claude-sonnet-4-20250514", "input", "0.3"],
      ["claude-sonnet-4-20250514", "output", "1.5"],
      ["claude-sonnet-4-20250514", "cached_input", "0.00123456789"],
    ]);
    expect(bill.lines[0]).toMatchObject({ lineItem: "Claude Sonnet 4 Usage - Input Tokens", serviceTier: "standard", costType: "tokens", contextWindow: "0-200k", projectRef: "wrkspc_01" });
  });

  it("keeps many decimal places of cents exact and reads 1-hour cache writes and non-token costs", () => {
    const bill = parseAnthropicCostReport({
      data: [
        {
          starting_at: "2025-06-02T00:00:00Z",
          ending_at: "2025-06-03T00:00:00Z",
          results: [
            { currency: "USD", amount: "12345678901.234567891234", model: "claude-opus-4-1-20250805", token_type: "cache_creation.ephemeral_1h_input_tokens", cost_type: "tokens", description: "x" },
            { currency: "USD", amount: "100", model: null, token_type: null, cost_type: "web_search", description: "Web Search Usage" },
          ],
        },
      ],
      has_more: false,
      next_page: null,
    });
    expect(bill.lines[0]).toMatchObject({ amountUsd: "123456789.01234567891234", tokenType: "cache_write_1h" });
    expect(bill.lines[1]).toMatchObject({ amountUsd: "1", model: null, tokenType: null, costType: "web_search", lineItem: "Web Search Usage" });
  });

  it("names the first bad field", () => {
    const bad = { data: [{ starting_at: "2025-06-02T00:00:00Z", results: [{ currency: "USD", amount: "1,5" }] }] };
    expect(parseError(() => parseAnthropicCostReport(bad)).message).toBe("data[0].results[0].amount: expected a decimal number");
    expect(parseError(() => parseAnthropicCostReport({ data: [{ starting_at: "yesterday", results: [] }] })).field).toBe("data[0].starting_at");
    expect(parseError(() => parseAnthropicCostReport([{ data: [] }, "nope"])).field).toBe("[1]");
  });
});
