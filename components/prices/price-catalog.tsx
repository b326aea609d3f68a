import { Badge } from "@/components/ui/card";
import type { RatesJson } from "@/lib/pricing/price-version";
import type { PriceVersionView } from "@/lib/server/pricing";

export type { PriceVersionView };

const usd = (v: string | null) => (v === null ? <span className="text-muted">—</span> : <span className="tabular-nums">${v}</span>);
const rateNames: [keyof RatesJson, string][] = [
  ["input_per_mtok", "input"],
  ["cached_input_per_mtok", "cached"],
  ["cache_write_per_mtok", "cache write"],
  ["cache_write_1h_per_mtok", "1h write"],
  ["output_per_mtok", "output"],
];
const rates = (r: RatesJson) =>
  rateNames
    .filter(([k]) => r[k] !== undefined)
    .map(([k, label]) => `${label} $${r[k]}`)
    .join(", ");

/** Long-context tiers and service-tier prices of a version, one line each. */
function TierLines({ p, testId = true }: { p: PriceVersionView; testId?: boolean }) {
  if (!p.tiers && !p.serviceTiers) return null;
  return (
    <ul className="mt-0.5 space-y-0.5 text-xs text-muted" data-testid={testId ? "price-tiers" : undefined}>
      {(p.tiers ?? []).map((t) => (
        <li key={t.above_input_tokens}>
          above {t.above_input_tokens.toLocaleString("en-US")} input tokens: {rates(t)}
        </li>
      ))}
      {Object.entries(p.serviceTiers ?? {}).map(([tier, r]) => (
        <li key={tier}>
          {tier}: {rates(r)}
        </li>
      ))}
    </ul>
  );
}

const day = (iso: string) => (iso.startsWith("1970-01-01") ? "always" : iso.slice(0, 10));

/** One row per provider + model (the version in force), its older and future versions underneath. */
export function PriceCatalog({ prices }: { prices: PriceVersionView[] }) {
  const groups = new Map<string, PriceVersionView[]>();
  for (const p of prices) {
    const k = `${p.provider}/${p.model}`;
    groups.set(k, [...(groups.get(k) ?? []), p]);
  }
  return (
    <>
      <PriceCards groups={groups} />
      <div className="hidden overflow-x-auto md:block">
      <table className="w-full min-w-[44rem] text-left text-sm">
        <caption className="sr-only">Price catalog, USD per million tokens</caption>
        <thead className="text-muted">
          <tr>
            <th scope="col" className="py-2 pr-3 font-medium">Provider / model</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Input</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Cached input</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Cache write</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">1h write</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Output</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Per request</th>
            <th scope="col" className="py-2 font-medium">Effective from</th>
          </tr>
        </thead>
        {[...groups.entries()].map(([key, versions]) => (
          <tbody key={key} className="border-t border-border" data-testid={`price-${key}`}>
            {versions.map((p, i) => (
              <tr key={p.id} className={i > 0 ? "text-muted" : ""}>
                <td className="py-1.5 pr-3">
                  {i === 0 ? (
                    <>
                      <span className="font-medium text-foreground">{p.provider}</span> / {p.model}
                      {p.aliases.length ? <span className="block text-xs text-muted">aliases: {p.aliases.join(", ")}</span> : null}
                    </>
                  ) : (
                    <span className="pl-4 text-xs">earlier version</span>
                  )}
                  <TierLines p={p} />
                </td>
                <td className="py-1.5 pr-3 text-right">{usd(p.inputPerMtok)}</td>
                <td className="py-1.5 pr-3 text-right">{usd(p.cachedInputPerMtok)}</td>
                <td className="py-1.5 pr-3 text-right">{usd(p.cacheWritePerMtok)}</td>
                <td className="py-1.5 pr-3 text-right">{usd(p.cacheWrite1hPerMtok)}</td>
                <td className="py-1.5 pr-3 text-right">{usd(p.outputPerMtok)}</td>
                <td className="py-1.5 pr-3 text-right">{usd(p.perRequest)}</td>
                <td className="py-1.5 whitespace-nowrap">
                  {day(p.effectiveFrom)} {p.current ? <Badge tone="success">current</Badge> : new Date(p.effectiveFrom) > new Date() ? <Badge tone="accent">scheduled</Badge> : null}
                  {p.source !== "seed" && p.source !== "bundled" ? <span className="ml-1 text-xs text-muted">({p.source})</span> : null}
                </td>
              </tr>
            ))}
          </tbody>
        ))}
      </table>
      </div>
    </>
  );
}

const rateFields: [keyof PriceVersionView, string][] = [
  ["inputPerMtok", "Input"],
  ["cachedInputPerMtok", "Cached input"],
  ["cacheWritePerMtok", "Cache write"],
  ["cacheWrite1hPerMtok", "1h write"],
  ["outputPerMtok", "Output"],
  ["perRequest", "Per request"],
];

/** Phones: one card per provider + model with only the rates it has, instead of an eight-column table. */
function PriceCards({ groups }: { groups: Map<string, PriceVersionView[]> }) {
  return (
    <ul className="divide-y divide-border md:hidden" aria-label="Price catalog, USD per million tokens">
      {[...groups.entries()].map(([key, versions]) => (
        <li key={key} className="space-y-2 py-3 text-sm">
          <p className="break-words">
            <span className="font-medium">{versions[0].provider}</span> / {versions[0].model}
            {versions[0].aliases.length ? <span className="block text-xs text-muted">aliases: {versions[0].aliases.join(", ")}</span> : null}
          </p>
          {versions.map((p, i) => (
            <div key={p.id} className={i > 0 ? "border-l-2 border-border pl-3 text-muted" : ""}>
              <p className="text-xs">
                {i > 0 ? "Earlier version, from " : "From "}
                {day(p.effectiveFrom)} {p.current ? <Badge tone="success">current</Badge> : new Date(p.effectiveFrom) > new Date() ? <Badge tone="accent">scheduled</Badge> : null}
                {p.source !== "seed" && p.source !== "bundled" ? <span className="ml-1 text-muted">({p.source})</span> : null}
              </p>
              <dl className="mt-1 grid grid-cols-3 gap-x-3 gap-y-1">
                {rateFields
                  .filter(([f]) => p[f] !== null)
                  .map(([f, label]) => (
                    <div key={f} className="min-w-0">
                      <dt className="text-xs text-muted">{label}</dt>
                      <dd className="tabular-nums">${String(p[f])}</dd>
                    </div>
                  ))}
              </dl>
              <TierLines p={p} testId={false} />
            </div>
          ))}
        </li>
      ))}
    </ul>
  );
}
