import { verifyBudgetCounters } from "@/lib/server/budgets/verify";
import { verifyRollups } from "@/lib/server/rollups";
import { parseOptions } from "../args";

export const summary = "Report drift between the roll-ups / budget counters and the raw usage events; exits 1 on drift.";
export const usage = "aggregates:verify";

const SHOWN = 20;

export async function run(argv: string[]): Promise<number> {
  parseOptions(argv, {});
  const { drift, checkedFrom } = await verifyRollups();
  const budgetDrift = await verifyBudgetCounters();
  const scope = checkedFrom.day ? ` (periods from ${checkedFrom.day}, after the retention watermark)` : "";
  if (drift.length === 0 && budgetDrift.length === 0) {
    console.log(`OK: roll-ups and budget counters match the raw events${scope}.`);
    return 0;
  }
  if (drift.length > 0) {
    console.log(`DRIFT: ${drift.length} roll-up row${drift.length === 1 ? "" : "s"} differ from the raw events${scope}.`);
    for (const d of drift.slice(0, SHOWN)) {
      const dims = [`org ${d.orgId}`, `project "${d.projectKey}"`, `user "${d.userExternalId}"`, `category "${d.category}"`, `${d.provider || "-"}/${d.model || "-"}`].join(", ");
      const diffs = Object.entries(d.differences)
        .map(([col, v]) => `${col} rollup=${v.rollup} events=${v.events}`)
        .join("; ");
      console.log(`  ${d.table} ${d.period} ${dims}: ${diffs}`);
    }
    if (drift.length > SHOWN) console.log(`  … and ${drift.length - SHOWN} more.`);
    console.log("Run `spendline aggregates:rebuild` to recompute the roll-ups from the raw events.");
  }
  if (budgetDrift.length > 0) {
    console.log(`DRIFT: ${budgetDrift.length} budget counter${budgetDrift.length === 1 ? "" : "s"} differ from the raw events.`);
    for (const line of budgetDrift.slice(0, SHOWN)) console.log(`  ${line}`);
    if (budgetDrift.length > SHOWN) console.log(`  … and ${budgetDrift.length - SHOWN} more.`);
  }
  return 1;
}
