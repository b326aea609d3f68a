import { SegmentLinks } from "@/components/dashboard/range-links";
import { filterQuery } from "@/lib/dashboard/filters";
import { matchPreset, rangePresets } from "@/lib/dashboard/ranges";

/** Range presets as links that keep every other parameter of the page (org, filters, sort). */
export function RangePresets({ path, query, from, to, now = new Date() }: { path: string; query: Record<string, string | null>; from: string; to: string; now?: Date }) {
  const current = matchPreset({ from, to }, now);
  return (
    <div className="mb-3 flex flex-wrap items-center gap-2">
      <SegmentLinks
        label="Date range"
        items={rangePresets(now).map((p) => ({
          href: `${path}${filterQuery(query, { from: p.from, to: p.to, after: null, before: null })}`,
          label: p.label,
          current: p.key === current,
        }))}
      />
      <span className="text-xs text-muted" data-testid="range-label">
        {from} to {to} (UTC)
      </span>
    </div>
  );
}
