import { describe, expect, it } from "vitest";
import { alertTarget } from "./alert-links";

const base = { orgSlug: "acme", budgetId: null, createdAt: "2026-11-19T10:00:00.000Z" };

describe("alertTarget", () => {
  it("leads a budget alert to its budget", () => {
    expect(alertTarget({ ...base, type: "budget_reached", budgetId: "b-1", message: "x" })).toEqual({ href: "/budgets/b-1?org=acme", label: "Open the budget" });
  });
  it("leads an expensive call to the event named in the message", () => {
    const t = alertTarget({ ...base, type: "single_call_high", message: "A single call cost $9.00, above the $1.00 threshold (event ev, 7/x, 2026-11-19)." });
    expect(t?.href).toBe("/usage/lookup?org=acme&event_id=ev%2C+7%2Fx");
  });
  it("leads a spike to that day's events, costliest first", () => {
    expect(alertTarget({ ...base, type: "daily_spike", message: "Spend today …" })?.href).toBe("/usage?org=acme&from=2026-11-19&to=2026-11-19&sort=cost&dir=desc");
  });
});
