import { describe, expect, it } from "vitest";
import { normalizeProvider, normalizeProviderOrNull, providerAliases } from "./providers";

describe("normalizeProvider", () => {
  it("turns every alias SPEC §4 names into its canonical id, case-insensitively", () => {
    const cases: Record<string, string[]> = {
      openai: ["openai", "OpenAI"],
      anthropic: ["Anthropic"],
      google: ["google", "gemini", "google_genai", "google-ai-studio", "gcp.gemini", "gcp.gen_ai", "GCP.Gemini"],
      vertex_ai: ["vertex_ai", "vertex", "gcp.vertex_ai", "vertex_ai-language-models"],
      xai: ["xai", "x-ai", "x_ai", "X-AI"],
      mistral: ["mistral", "mistral_ai", "mistralai"],
      deepseek: ["DeepSeek"],
      bedrock: ["bedrock", "aws.bedrock", "amazon-bedrock"],
      azure: ["azure", "azure.ai.openai", "azure_openai", "azure.ai.inference"],
    };
    for (const [id, names] of Object.entries(cases)) for (const n of names) expect(normalizeProvider(n)).toBe(id);
  });

  it("keeps any other name, trimmed and lower-cased", () => {
    expect(normalizeProvider("  Together_AI ")).toBe("together_ai");
    expect(normalizeProviderOrNull("  ")).toBeNull();
    expect(normalizeProviderOrNull(undefined)).toBeNull();
  });

  it("lists the names that mean one provider", () => {
    expect(providerAliases("gemini")).toContain("gcp.gen_ai");
    expect(providerAliases("groq")).toEqual(["groq"]);
  });
});
