import { describe, expect, it } from "vitest";
import { percentChange, describeChange } from "./change";
import { prepareDailySeries, preparePieSlices, OTHER_SERIES } from "./chart-data";
import { addDays, eachDay, parseIsoDay, startOfWeek } from "./dates";
import { filterQuery, parseDashboardFilters, parseDateRange } from "./filters";
import { statPeriods } from "./periods";
import { projectMonthEnd } from "./projection";

const at = (iso: string) => new Date(iso);

describe("dates", () => {
  it("rejects impossible calendar dates", () => {
    expect(parseIsoDay("2026-02-30")).toBeNull();
    expect(parseIsoDay("2026-2-3")).toBeNull();
    expect(parseIsoDay("2024-02-29")?.toISOString()).toBe("2024-02-29T00:00:00.000Z");
  });
  it("starts weeks on Monday", () => {
    expect(startOfWeek("2026-11-22")).toBe("2026-11-16"); // a Sunday
    expect(startOfWeek("2026-11-16")).toBe("2026-11-16");
  });
  it("lists days across a month end", () => {
    expect(eachDay("2026-02-27", "2026-03-02")).toEqual(["2026-02-27", "2026-02-28", "2026-03-01", "2026-03-02"]);
    expect(addDays("2026-01-01", -1)).toBe("2025-12-31");
  });
});

describe("parseDateRange", () => {
  const now = at("2026-11-21T15:00:00Z");
  it("defaults to this month so far", () => {
    expect(parseDateRange({}, now)).toEqual({ from: "2026-11-01", to: "2026-11-21", error: null });
  });
  it("keeps a valid range", () => {
    expect(parseDateRange({ from: "2026-09-01", to: "2026-09-30" }, now)).toEqual({ from: "2026-09-01", to: "2026-09-30", error: null });
  });
  it("reports and replaces a bad date", () => {
    const r = parseDateRange({ from: "2026-13-01" }, now);
    expect(r.from).toBe("2026-11-01");
    expect(r.error).toMatch(/not a date/);
  });
  it("reports a reversed range", () => {
    const r = parseDateRange({ from: "2026-10-10", to: "2026-10-01" }, now);
    expect(r).toMatchObject({ from: "2026-11-01", to: "2026-11-21" });
    expect(r.error).toMatch(/after the end/);
  });
  it("completes a lone end date to its month", () => {
    expect(parseDateRange({ to: "2026-08-15" }, now)).toEqual({ from: "2026-08-01", to: "2026-08-15", error: null });
  });
  it("caps very long ranges", () => {
    const r = parseDateRange({ from: "1990-01-01", to: "2026-01-01" }, now);
    expect(r.to).toBe("2026-01-01");
    expect(r.error).toMatch(/limited/);
  });
  it("reads dimension filters and ignores empty ones", () => {
    const { filters } = parseDashboardFilters({ provider: "openai", model: "", category: ["chat", "x"], org: "acme" }, now);
    expect(filters).toMatchObject({ provider: "openai", model: null, category: "chat", org: "acme", project: null });
  });
  it("builds queries without empty keys", () => {
    expect(filterQuery({ org: "acme", provider: null }, { model: "gpt-4o" })).toBe("?org=acme&model=gpt-4o");
    expect(filterQuery({})).toBe("");
  });
});

describe("percentChange", () => {
  it("computes up and down exactly", () => {
    expect(percentChange("15", "10")).toEqual({ kind: "up", percent: "50.0" });
    expect(percentChange("0.000001", "0.000003")).toEqual({ kind: "down", percent: "66.7" });
  });
  it("handles zero", () => {
    expect(percentChange("0", "0")).toEqual({ kind: "flat" });
    expect(percentChange("5", "0")).toEqual({ kind: "new" });
    expect(percentChange("0", "5")).toEqual({ kind: "down", percent: "100.0" });
    expect(percentChange("1", null)).toEqual({ kind: "none" });
  });
  it("describes changes for people", () => {
    expect(describeChange({ kind: "up", percent: "2.5" })).toBe("+2.5%");
    expect(describeChange({ kind: "new" })).toMatch(/new/);
  });
});

describe("statPeriods", () => {
  it("compares so-far periods with the same number of days before", () => {
    const periods = Object.fromEntries(statPeriods(at("2026-11-19T10:00:00Z")).map((p) => [p.key, p])); // a Thursday
    expect(periods.today).toMatchObject({ current: { from: "2026-11-19", to: "2026-11-19" }, previous: { from: "2026-11-18", to: "2026-11-18" } });
    expect(periods.week).toMatchObject({ current: { from: "2026-11-16", to: "2026-11-19" }, previous: { from: "2026-11-09", to: "2026-11-12" } });
    expect(periods.month).toMatchObject({ current: { from: "2026-11-01", to: "2026-11-19" }, previous: { from: "2026-10-01", to: "2026-10-19" } });
    expect(periods.all).toMatchObject({ current: { from: null, to: "2026-11-19" }, previous: { from: null, to: "2026-10-31" } });
  });
  it("caps the previous month at its last day", () => {
    const month = statPeriods(at("2026-03-31T10:00:00Z")).find((p) => p.key === "month")!;
    expect(month.previous).toEqual({ from: "2026-02-01", to: "2026-02-28" });
  });
});

describe("projectMonthEnd", () => {
  it("extrapolates linearly over the elapsed share of the month", () => {
    const p = projectMonthEnd("100", at("2026-11-11T00:00:00Z")); // 10 of 30 days
    expect(p).toMatchObject({ projected: "300", daysInMonth: 30, elapsedDays: 10 });
  });
  it("counts at least one day at the start of a month", () => {
    expect(projectMonthEnd("2", at("2026-11-01T01:00:00Z")).projected).toBe("60");
  });
  it("equals the spend at the very end of the month", () => {
    expect(projectMonthEnd("42.5", at("2026-11-30T23:59:59.999Z")).projected).toBe("42.5");
  });
});

describe("prepareDailySeries", () => {
  it("fills missing days with zero and stacks by series", () => {
    const s = prepareDailySeries(
      [
        { day: "2026-11-01", series: "openai", cost: "1.10" },
        { day: "2026-11-01", series: "anthropic", cost: "0.000000000001" },
        { day: "2026-11-03", series: "openai", cost: "2" },
        { day: "2026-10-31", series: "openai", cost: "99" },
      ],
      { from: "2026-11-01", to: "2026-11-04" },
    );
    expect(s.points.map((p) => p.day)).toEqual(["2026-11-01", "2026-11-02", "2026-11-03", "2026-11-04"]);
    expect(s.series.map((x) => x.key)).toEqual(["openai", "anthropic"]);
    expect(s.points[0].exact).toEqual({ openai: "1.1", anthropic: "0.000000000001", total: "1.100000000001" });
    expect(s.points[1].values).toEqual({ openai: 0, anthropic: 0, total: 0 });
    expect(s.total).toBe("3.100000000001");
  });
  it("merges small series into Other", () => {
    const rows = ["a", "b", "c", "d"].map((k, i) => ({ day: "2026-11-01", series: k, cost: String(10 - i) }));
    const s = prepareDailySeries(rows, { from: "2026-11-01", to: "2026-11-01" }, 3);
    expect(s.series.map((x) => x.key)).toEqual(["a", "b", OTHER_SERIES]);
    expect(s.points[0].exact[OTHER_SERIES]).toBe("15");
  });
  it("labels events without a provider", () => {
    const s = prepareDailySeries([{ day: "2026-11-01", series: "", cost: "1" }], { from: "2026-11-01", to: "2026-11-01" });
    expect(s.series).toEqual([{ key: "", label: "(none)" }]);
  });
});

describe("preparePieSlices", () => {
  it("gives exact values and shares, largest first", () => {
    const { slices, total } = preparePieSlices([
      { key: "chat", cost: "1", requests: 3 },
      { key: "search", cost: "3", requests: 1 },
      { key: "idle", cost: "0", requests: 9 },
    ]);
    expect(total).toBe("4");
    expect(slices.map((s) => [s.key, s.exact, s.percent])).toEqual([
      ["search", "3", "75.0"],
      ["chat", "1", "25.0"],
    ]);
  });
  it("groups the tail into Other", () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ key: `k${i}`, cost: String(5 - i), requests: 1 }));
    const { slices } = preparePieSlices(rows, 3);
    expect(slices.map((s) => s.key)).toEqual(["k0", "k1", OTHER_SERIES]);
    expect(slices[2]).toMatchObject({ exact: "6", requests: 3, label: "Other" });
  });
});
