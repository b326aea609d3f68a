import { parseIsoDay } from "@/lib/dashboard/dates";
import { formatUsd } from "@/lib/money";
import { reconcileBills } from "@/lib/server/bills/reconcile-bills";
import { CLI_ACTOR, CliError, parseOptions, required } from "../args";
import { orgIdBySlug } from "../org-lookup";

export const summary = "Compare imported provider bills with tracked spend per UTC day, provider and model (status ok, under, over, untracked, unbilled).";
export const usage = "bills:reconcile --org SLUG --from YYYY-MM-DD --to YYYY-MM-DD [--json]";

function day(value: string | undefined, flag: string): string {
  const v = required(value, flag);
  if (!parseIsoDay(v)) throw new CliError(`${flag} must be a date YYYY-MM-DD`);
  return v;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { org: { type: "string" }, from: { type: "string" }, to: { type: "string" }, json: { type: "boolean", default: false } });
  const slug = required(values.org, "--org");
  const from = day(values.from, "--from");
  const to = day(values.to, "--to");
  if (from > to) throw new CliError("--from must not be after --to");
  const orgId = await orgIdBySlug(slug);
  const rows = await reconcileBills(CLI_ACTOR, { orgId, from, to });
  if (values.json) {
    for (const r of rows) {
      console.log(JSON.stringify({ date: r.date, provider: r.provider, model: r.model, billed_usd: r.billedUsd, tracked_usd: r.trackedUsd, difference_usd: r.differenceUsd, status: r.status }));
    }
    return;
  }
  if (rows.length === 0) {
    console.log(`Nothing billed or tracked for ${slug} between ${from} and ${to}.`);
    return;
  }
  const table = [
    ["DATE", "PROVIDER", "MODEL", "BILLED", "TRACKED", "DIFFERENCE", "STATUS"],
    ...rows.map((r) => [r.date, r.provider, r.model, formatUsd(r.billedUsd, { exact: true }), formatUsd(r.trackedUsd, { exact: true }), formatUsd(r.differenceUsd, { exact: true }), r.status]),
  ];
  const widths = table[0].map((_, i) => Math.max(...table.map((row) => row[i].length)));
  const numeric = new Set([3, 4, 5]);
  for (const row of table) console.log(row.map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]) : cell.padEnd(widths[i]))).join("  ").trimEnd());
  const off = rows.filter((r) => r.status !== "ok").length;
  console.log(`\n${rows.length} row${rows.length === 1 ? "" : "s"}, ${off} outside tolerance (max $0.01 or 1 % of billed).`);
}
