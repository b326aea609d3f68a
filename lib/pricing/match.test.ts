import { describe, expect, it } from "vitest";
import { buildPriceIndex, candidateModelNames, matchPrice, type PriceVersion } from "./match";

const v = (id: string, provider: string, model: string, from: string, aliases: string[] = []): PriceVersion => ({ id, provider, model, aliases, effectiveFrom: new Date(from) });

const index = buildPriceIndex([
  v("sonnet-old", "anthropic", "claude-sonnet-4", "2025-01-01T00:00:00Z", ["claude-sonnet-4-0"]),
  v("sonnet-new", "anthropic", "claude-sonnet-4", "2026-03-10T00:00:00Z"),
  v("4o", "openai", "gpt-4o", "2024-05-13T00:00:00Z"),
  v("4o-azure", "azure", "gpt-4o", "2024-05-13T00:00:00Z"),
  v("mini", "openai", "gpt-4o-mini", "2024-07-18T00:00:00Z"),
  v("flash", "google", "gemini-2.0-flash", "2025-01-01T00:00:00Z", ["gemini-flash-latest"]),
]);

const at = new Date("2026-03-05T00:00:00Z");
const id = (r: ReturnType<typeof matchPrice>) => (r.price ? r.price.id : r.reason);

describe("matchPrice", () => {
  it("finds an exact provider + model, case-insensitively", () => {
    expect(id(matchPrice(index, { provider: "OpenAI", model: "GPT-4o", at }))).toBe("4o");
    expect(id(matchPrice(index, { provider: "openai", model: "gpt-4o-mini", at }))).toBe("mini");
  });

  it("strips dated snapshot suffixes", () => {
    expect(candidateModelNames("claude-sonnet-4-20250514")).toContain("claude-sonnet-4");
    expect(id(matchPrice(index, { provider: "anthropic", model: "claude-sonnet-4-20250514", at }))).toBe("sonnet-old");
    expect(id(matchPrice(index, { provider: "openai", model: "gpt-4o-2024-08-06", at }))).toBe("4o");
    expect(id(matchPrice(index, { provider: "openai", model: "gpt-4o-mini-2024-07-18", at }))).toBe("mini");
    expect(id(matchPrice(index, { provider: "google", model: "gemini-2.0-flash-001", at }))).toBe("flash");
  });

  it("follows aliases", () => {
    expect(id(matchPrice(index, { provider: "anthropic", model: "claude-sonnet-4-0", at }))).toBe("sonnet-old");
    expect(id(matchPrice(index, { model: "gemini-flash-latest", at }))).toBe("flash");
  });

  it("matches by model alone only when one provider has it", () => {
    expect(id(matchPrice(index, { model: "claude-sonnet-4-20250514", at }))).toBe("sonnet-old");
    expect(id(matchPrice(index, { model: "gpt-4o", at }))).toBe("ambiguous_provider");
    expect(id(matchPrice(index, { provider: "azure", model: "gpt-4o", at }))).toBe("4o-azure");
  });

  it("takes the version in force at the event's timestamp", () => {
    expect(id(matchPrice(index, { provider: "anthropic", model: "claude-sonnet-4", at: new Date("2026-03-09T23:59:59.999Z") }))).toBe("sonnet-old");
    expect(id(matchPrice(index, { provider: "anthropic", model: "claude-sonnet-4", at: new Date("2026-03-10T00:00:00Z") }))).toBe("sonnet-new");
    expect(id(matchPrice(index, { provider: "anthropic", model: "claude-sonnet-4", at: new Date("2024-01-01T00:00:00Z") }))).toBe("not_in_force");
  });

  it("answers unknown for a model without a price or under another provider", () => {
    expect(id(matchPrice(index, { provider: "openai", model: "gpt-9", at }))).toBe("unknown_model");
    expect(id(matchPrice(index, { provider: "mistral", model: "claude-sonnet-4", at }))).toBe("unknown_model");
    expect(id(matchPrice(index, { provider: "openai", model: null, at }))).toBe("unknown_model");
  });
});
