import { formatUsd } from "@/lib/money";

/** A cost formatted for people, with the exact decimal in the tooltip (title). */
export function Money({ value, className = "" }: { value: string | null; className?: string }) {
  if (value === null) return <span className={`text-muted ${className}`} title="Unpriced: the catalog had no price for this model">unpriced</span>;
  return (
    <span className={`tabular-nums ${className}`} title={`$${value} (exact)`}>
      {formatUsd(value)}
    </span>
  );
}
