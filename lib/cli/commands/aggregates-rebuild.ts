import { rebuildRollups } from "@/lib/server/rollups";
import { CliError, parseOptions, progress } from "../args";

export const summary = "Recompute the daily and monthly roll-ups from the raw usage events (idempotent).";
export const usage = "aggregates:rebuild [--from YYYY-MM-DD --to YYYY-MM-DD]";

function day(value: string | undefined, flag: string): Date | undefined {
  if (value === undefined) return undefined;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(value) ? new Date(`${value}T00:00:00Z`) : new Date(NaN);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== value) throw new CliError(`${flag} must be a date YYYY-MM-DD`);
  return d;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { from: { type: "string" }, to: { type: "string" } });
  const from = day(values.from, "--from");
  const to = day(values.to, "--to");
  if (from && to && from > to) throw new CliError("--from must not be after --to");
  let bar: ReturnType<typeof progress> | null = null;
  const result = await rebuildRollups({
    from,
    to,
    onProgress: (done, total) => {
      bar ??= progress("Rebuilding roll-ups", total);
      bar.update(done);
    },
  });
  if (result.months === 0) console.log(result.from ? `Nothing to rebuild between ${result.from} and ${result.to}.` : "No usage events: nothing to rebuild.");
  else console.log(`Rebuilt roll-ups from ${result.from} to ${result.to} (${result.months} month${result.months === 1 ? "" : "s"}).`);
}
