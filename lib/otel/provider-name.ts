// Canonical provider ids of SPEC §4: OpenTelemetry's `gen_ai.provider.name` / `gen_ai.system`
// values and the other spellings in use map to the ids that prices are keyed by.
const ALIASES: Record<string, string[]> = {
  openai: [],
  anthropic: [],
  google: ["gemini", "google_genai", "google-ai-studio", "gcp.gemini", "gcp.gen_ai"],
  vertex_ai: ["vertex", "gcp.vertex_ai", "vertex_ai-language-models"],
  xai: ["x-ai", "x_ai"],
  mistral: ["mistral_ai", "mistralai"],
  deepseek: [],
  bedrock: ["aws.bedrock", "amazon-bedrock"],
  azure: ["azure.ai.openai", "azure_openai", "azure.ai.inference"],
};

const CANONICAL = new Map<string, string>(Object.entries(ALIASES).flatMap(([id, aliases]) => [[id, id], ...aliases.map((a): [string, string] => [a, id])]));

/** The canonical id of a provider name (case-insensitive); any other name is kept, lower-cased. */
export function normalizeProviderName(name: string): string {
  const lower = name.trim().toLowerCase();
  return CANONICAL.get(lower) ?? lower;
}
