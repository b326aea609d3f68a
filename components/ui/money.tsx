import { formatCents, formatUsd } from "@/lib/money";

/** A cost formatted for people, with the exact decimal in the tooltip (title). */
/** `cents`: always two places (amounts under a cent read "<$0.01"), for columns that must line up. */
export function Money({ value, className = "", cents = false }: { value: string | null; className?: string; cents?: boolean }) {
  if (value === null) return <span className={`text-muted ${className}`} title="Unpriced: the catalog had no price for this model">unpriced</span>;
  return (
    <span className={`tabular-nums ${className}`} title={`$${value} (exact)`}>
      {cents ? formatCents(value) : formatUsd(value)}
    </span>
  );
}
