import { pruneUsage } from "@/lib/server/retention";
import { CLI_ACTOR, CliError, parseOptions } from "../args";

export const summary = "Delete raw usage events (or only their stored content) older than N days; roll-ups are kept.";
export const usage = "retention:prune [--days N] [--content-only]   (N defaults to SPENDLINE_RETENTION_DAYS or 400)";

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { days: { type: "string" }, "content-only": { type: "boolean" } });
  const raw = values.days ?? process.env.SPENDLINE_RETENTION_DAYS ?? "400";
  const days = Number(raw);
  if (!/^\d+$/.test(raw) || days < 1) throw new CliError(`--days must be a whole number of days, at least 1 (got "${raw}")`);
  let last = 0;
  const result = await pruneUsage(CLI_ACTOR, {
    olderThanDays: days,
    contentOnly: !!values["content-only"],
    onProgress: (done) => {
      if (done - last >= 50_000) {
        last = done;
        process.stderr.write(`retention:prune: ${done} events so far\n`);
      }
    },
  });
  console.log(
    result.mode === "content"
      ? `Cleared stored content of ${result.affected} events older than ${result.cutoff}.`
      : `Deleted ${result.affected} events older than ${result.cutoff}; roll-ups of those periods are kept.`,
  );
}
