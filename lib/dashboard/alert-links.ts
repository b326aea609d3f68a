// Where an alert leads (drill-down, SPEC §7): a budget alert to its budget, an expensive call to
// the event itself, a spike to that day's events, most expensive first.
import { filterQuery } from "./filters";

export interface AlertLinkInput {
  type: string;
  orgSlug: string;
  budgetId: string | null;
  message: string;
  createdAt: string;
}

export function alertTarget(a: AlertLinkInput): { href: string; label: string } | null {
  if ((a.type === "budget_warning" || a.type === "budget_reached") && a.budgetId) {
    return { href: `/budgets/${a.budgetId}${filterQuery({ org: a.orgSlug })}`, label: "Open the budget" };
  }
  if (a.type === "single_call_high") {
    // The message names the event: "… (event <event id>, YYYY-MM-DD)."
    const m = /\(event (.+), (\d{4}-\d{2}-\d{2})\)\.?$/.exec(a.message);
    if (m) return { href: `/usage/lookup${filterQuery({ org: a.orgSlug, event_id: m[1] })}`, label: "Open the call" };
    const day = a.createdAt.slice(0, 10);
    return { href: `/usage${filterQuery({ org: a.orgSlug, from: day, to: day, sort: "cost", dir: "desc" })}`, label: "That day's costliest calls" };
  }
  if (a.type === "daily_spike") {
    const day = a.createdAt.slice(0, 10);
    return { href: `/usage${filterQuery({ org: a.orgSlug, from: day, to: day, sort: "cost", dir: "desc" })}`, label: "That day's calls" };
  }
  return null;
}
