// Change between two money figures for the stat cards, computed exactly (decimal strings in).
import { dec } from "@/lib/money";

export type Change =
  | { kind: "none" }
  | { kind: "new" }
  | { kind: "flat" }
  | { kind: "up" | "down"; percent: string };

/**
 * Percentage change from `previous` to `current`, one decimal place. From zero to something is
 * "new" (no finite percentage); zero to zero and equal figures are "flat"; a missing previous
 * figure is "none".
 */
export function percentChange(current: string, previous: string | null): Change {
  if (previous === null) return { kind: "none" };
  const c = dec(current);
  const p = dec(previous);
  if (c.equals(p)) return { kind: "flat" };
  if (p.isZero()) return { kind: "new" };
  const pct = c.minus(p).dividedBy(p.abs()).times(100);
  const rounded = pct.abs().toDecimalPlaces(1);
  if (rounded.isZero()) return { kind: "flat" };
  return { kind: pct.isPositive() ? "up" : "down", percent: rounded.toFixed(1) };
}

export function describeChange(change: Change): string {
  switch (change.kind) {
    case "none":
      return "no earlier figure";
    case "new":
      return "new (nothing before)";
    case "flat":
      return "no change";
    default:
      return `${change.kind === "up" ? "+" : "−"}${change.percent}%`;
  }
}
