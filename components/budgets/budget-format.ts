// Plain budget figures as the pages hand them to components, and how people read them.
import { dec, formatUsd } from "@/lib/money";
import type { BudgetSummary } from "@/lib/server/budgets/manage";

/** What budget components need of the data layer's budget summary. */
export type BudgetView = Omit<BudgetSummary, "orgId" | "createdAt" | "updatedAt">;

export function scopeLabel(b: Pick<BudgetView, "scope" | "scopeKey">): string {
  if (b.scope === "organization") return "Whole organisation";
  return b.scope === "project" ? `Project ${b.scopeKey}` : `User ${b.scopeKey}`;
}

/** "2026-11-30 17:05" (UTC). */
export function formatUtc(iso: string): string {
  return iso.slice(0, 16).replace("T", " ");
}

/** limit + active extensions: what may be spent this period. */
export function budgetCap(b: Pick<BudgetView, "limitUsd" | "extensionUsd">) {
  return dec(b.limitUsd).plus(dec(b.extensionUsd));
}

/** Share of `part` in `whole`, as a whole percentage for display (bars, labels); never money. */
export function percentOf(part: string | ReturnType<typeof dec>, whole: ReturnType<typeof dec>): number {
  if (whole.isZero()) return 0;
  return dec(part).times(100).dividedBy(whole).toDecimalPlaces(0, 1).toNumber();
}

export function budgetState(b: BudgetView): { label: string; tone: "neutral" | "success" | "warning" | "danger" } {
  if (!b.active) return { label: "inactive", tone: "neutral" };
  const cap = budgetCap(b);
  const used = dec(b.spentUsd).plus(dec(b.reservedUsd));
  if (used.greaterThanOrEqualTo(cap)) return { label: b.mode === "hard" ? "blocked" : "over limit", tone: "danger" };
  if (used.greaterThanOrEqualTo(dec(b.limitUsd))) return { label: "on extension", tone: "warning" };
  if (used.greaterThanOrEqualTo(dec(b.limitUsd).times(b.warnPercent).dividedBy(100))) return { label: "warning", tone: "warning" };
  return { label: "within limit", tone: "success" };
}

export function limitReachedText(b: Pick<BudgetView, "limitReachedAt" | "spentUsd" | "active" | "limitUsd" | "extensionUsd">): string {
  if (!b.active) return "not counting";
  if (!b.limitReachedAt) return dec(b.spentUsd).isZero() ? "no spend yet" : "not this period";
  if (dec(b.spentUsd).greaterThanOrEqualTo(budgetCap(b))) return "already reached";
  return `${formatUtc(b.limitReachedAt)} UTC`;
}

export { formatUsd };
