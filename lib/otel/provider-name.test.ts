import { describe, expect, it } from "vitest";
import { normalizeProviderName } from "./provider-name";

describe("normalizeProviderName", () => {
  it.each([
    ["openai", "openai"],
    ["Anthropic", "anthropic"],
    ["gemini", "google"],
    ["google_genai", "google"],
    ["google-ai-studio", "google"],
    ["gcp.gemini", "google"],
    ["GCP.GEN_AI", "google"],
    ["vertex", "vertex_ai"],
    ["gcp.vertex_ai", "vertex_ai"],
    ["vertex_ai-language-models", "vertex_ai"],
    ["x-ai", "xai"],
    ["x_ai", "xai"],
    ["mistral_ai", "mistral"],
    ["mistralai", "mistral"],
    ["deepseek", "deepseek"],
    ["aws.bedrock", "bedrock"],
    ["amazon-bedrock", "bedrock"],
    ["azure.ai.openai", "azure"],
    ["azure_openai", "azure"],
    ["azure.ai.inference", "azure"],
    ["Groq", "groq"],
  ])("%s → %s", (name, id) => {
    expect(normalizeProviderName(name)).toBe(id);
  });
});
