// Canonical provider ids (SPEC §4). Provider names enter through events, OTLP spans, price imports
// (LiteLLM's `litellm_provider`) and filters; they are compared case-insensitively and every known
// alias is turned into one canonical id, so `gemini`, `gcp.gemini` and `google` are one provider.
// Any other name is kept, lower-cased.

const CANONICAL: Record<string, readonly string[]> = {
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

const ALIASES = new Map<string, string>(Object.entries(CANONICAL).flatMap(([id, aliases]) => [[id, id] as const, ...aliases.map((a) => [a, id] as const)]));

/** The canonical id of a provider name; other names are kept, trimmed and lower-cased. */
export function normalizeProvider(name: string): string {
  const n = name.trim().toLowerCase();
  return ALIASES.get(n) ?? n;
}

/** normalizeProvider for optional values: null/undefined/blank stay absent. */
export function normalizeProviderOrNull(name: string | null | undefined): string | null {
  if (name === null || name === undefined) return null;
  const n = normalizeProvider(name);
  return n === "" ? null : n;
}

/** Every name (canonical id and aliases) that means the same provider as `name`. */
export function providerAliases(name: string): string[] {
  const id = normalizeProvider(name);
  return [id, ...(CANONICAL[id] ?? [])];
}
