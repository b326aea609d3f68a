// Finds the price version for an event: by provider + model (or by model alone when the event
// names no provider and only one provider has it), through aliases and dated model names
// (`claude-sonnet-4-20250514` → `claude-sonnet-4`), in force at the event's timestamp. Provider
// names are compared by their canonical id (`gemini` and `google` are one provider).
import { normalizeProvider } from "@/lib/providers";

export interface PriceVersion {
  id: string;
  provider: string;
  model: string;
  aliases: readonly string[];
  effectiveFrom: Date;
}

export interface PriceIndex<P extends PriceVersion> {
  /** Versions of one provider + model, newest effective_from first. */
  byKey: Map<string, P[]>;
  /** Model names and aliases (lower case) → keys of the entries answering to them. */
  byName: Map<string, Set<string>>;
}

const norm = (s: string) => s.trim().toLowerCase();
const keyOf = (provider: string, model: string) => `${normalizeProvider(provider)}\u0000${norm(model)}`;

export function buildPriceIndex<P extends PriceVersion>(versions: readonly P[]): PriceIndex<P> {
  const byKey = new Map<string, P[]>();
  const byName = new Map<string, Set<string>>();
  for (const v of versions) {
    const key = keyOf(v.provider, v.model);
    const list = byKey.get(key) ?? [];
    list.push(v);
    byKey.set(key, list);
    for (const name of [v.model, ...v.aliases]) {
      const n = norm(name);
      if (!n) continue;
      const keys = byName.get(n) ?? new Set<string>();
      keys.add(key);
      byName.set(n, keys);
    }
  }
  for (const list of byKey.values()) list.sort((a, b) => b.effectiveFrom.getTime() - a.effectiveFrom.getTime());
  return { byKey, byName };
}

// Suffixes providers add to pin a snapshot of a model, most specific first.
const SNAPSHOT_SUFFIXES = [/[-@]\d{8}$/, /-\d{4}-\d{2}-\d{2}$/, /-latest$/, /-\d{3,4}$/, /-v\d+(?::\d+)?$/];

/** The names to try for a model, in order: as given, then without its snapshot suffix. */
export function candidateModelNames(model: string): string[] {
  const names = [norm(model)];
  const slash = names[0].lastIndexOf("/");
  if (slash > 0) names.push(names[0].slice(slash + 1));
  for (const base of [...names]) {
    let current = base;
    for (const suffix of SNAPSHOT_SUFFIXES) {
      const stripped = current.replace(suffix, "");
      if (stripped !== current && stripped.length > 0) {
        names.push(stripped);
        current = stripped;
      }
    }
  }
  return [...new Set(names)];
}

export type MatchResult<P> = { price: P } | { price: null; reason: "unknown_model" | "ambiguous_provider" | "not_in_force" };

export function matchPrice<P extends PriceVersion>(index: PriceIndex<P>, query: { provider?: string | null; model?: string | null; at: Date }): MatchResult<P> {
  if (!query.model) return { price: null, reason: "unknown_model" };
  const provider = query.provider ? normalizeProvider(query.provider) : null;
  for (const name of candidateModelNames(query.model)) {
    const keys = [...(index.byName.get(name) ?? [])];
    // An exact model name beats an alias that another entry of the same provider answers to.
    const exact = provider ? keyOf(provider, name) : null;
    const candidates = exact && index.byKey.has(exact) ? [exact] : keys.filter((k) => !provider || k.startsWith(`${provider}\u0000`));
    if (candidates.length === 0) continue;
    const providers = new Set(candidates.map((k) => k.split("\u0000")[0]));
    if (providers.size > 1) return { price: null, reason: "ambiguous_provider" };
    // Same provider, several entries answering to one name: prefer the one whose model is that name.
    const key = candidates.find((k) => k.endsWith(`\u0000${name}`)) ?? candidates.sort()[0];
    const version = index.byKey.get(key)!.find((v) => v.effectiveFrom.getTime() <= query.at.getTime());
    return version ? { price: version } : { price: null, reason: "not_in_force" };
  }
  return { price: null, reason: "unknown_model" };
}
