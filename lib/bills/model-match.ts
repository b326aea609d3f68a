// One name per model on both sides of a reconciliation: the bill's dated ids
// (`gpt-4o-2024-08-06`, `claude-sonnet-4-20250514`) and the names events were sent with are
// matched to the catalog's model the way prices are (lib/pricing/match.ts); a model the catalog
// does not know is reduced to its name without snapshot suffix, the same on both sides.
import { candidateModelNames, type PriceIndex, type PriceVersion } from "@/lib/pricing/match";

export function baseModelName<P extends PriceVersion>(index: PriceIndex<P> | null, provider: string, model: string): string {
  const names = candidateModelNames(model);
  const prefix = `${provider.trim().toLowerCase()}\u0000`;
  if (index) {
    for (const name of names) {
      const exact = `${prefix}${name}`;
      if (index.byKey.has(exact)) return index.byKey.get(exact)![0].model;
      const keys = [...(index.byName.get(name) ?? [])].filter((k) => k.startsWith(prefix)).sort();
      if (keys.length > 0) return index.byKey.get(keys[0])![0].model;
    }
  }
  return names[names.length - 1];
}

/** The provider an event without one was priced under: the only provider whose catalog has the model. */
export function providerOfModel<P extends PriceVersion>(index: PriceIndex<P> | null, model: string): string | null {
  if (!index) return null;
  for (const name of candidateModelNames(model)) {
    const providers = new Set([...(index.byName.get(name) ?? [])].map((k) => k.split("\u0000")[0]));
    if (providers.size === 1) return [...providers][0];
    if (providers.size > 1) return null;
  }
  return null;
}
