import { formatUsd } from "@/lib/money";
import { applyReprice, previewReprice, type RepricePreview } from "@/lib/server/pricing";
import { CLI_ACTOR, CliError, parseOptions, progress } from "../args";

export const summary = "Price events stored unpriced that a price version now covers (preview; --apply prices them, with roll-ups and budgets).";
export const usage = "prices:reprice [--from YYYY-MM-DD --to YYYY-MM-DD] [--apply]";

function day(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw new CliError(`${flag} must be a date YYYY-MM-DD`);
  return d;
}

function table(p: RepricePreview): string[] {
  return p.groups.map((g) => `${g.orgSlug}  ${g.provider ?? "(no provider)"}/${g.model ?? "(no model)"}  ${g.events} event${g.events === 1 ? "" : "s"}  ${formatUsd(g.costUsd, { exact: true })} (${g.costUsd})`);
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { from: { type: "string" }, to: { type: "string" }, apply: { type: "boolean", default: false } });
  const from = day(values.from, "--from");
  const to = day(values.to, "--to");
  if (from && to && from > to) throw new CliError("--from must not be after --to");
  if (!values.apply) {
    const preview = await previewReprice(CLI_ACTOR, { from, to });
    if (preview.events === 0) {
      console.log("No unpriced events are covered by a price version: nothing to re-price.");
      return;
    }
    for (const line of table(preview)) console.log(line);
    console.log(`Would price ${preview.events} event${preview.events === 1 ? "" : "s"}, adding ${formatUsd(preview.costUsd, { exact: true })} (${preview.costUsd}). Run again with --apply to price them.`);
    return;
  }
  let bar: ReturnType<typeof progress> | null = null;
  const result = await applyReprice(CLI_ACTOR, { from, to }, {}, (done, total) => {
    bar ??= progress("Re-pricing events", total);
    bar.update(done);
  });
  if (result.events === 0) {
    console.log("No unpriced events are covered by a price version: nothing was re-priced.");
    return;
  }
  for (const line of table(result)) console.log(line);
  console.log(`Priced ${result.events} event${result.events === 1 ? "" : "s"}, adding ${formatUsd(result.costUsd, { exact: true })} (${result.costUsd}) in ${result.months} month${result.months === 1 ? "" : "s"}.`);
}
