import { DEMO_DEFAULTS, seedDemo } from "@/lib/server/demo";
import { isAppError } from "@/lib/server/errors";
import { formatUsd } from "@/lib/money";
import { CliError, parseOptions, progress } from "../args";

export const summary = "Fill an empty database with a realistic demo (organisations, users, 90 days of traffic, budgets, alerts).";
export const usage = "demo:seed [--events N] [--days 90] [--seed S] [--force]";

function wholeNumber(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value.replace(/_/g, ""))) throw new CliError(`${flag} must be a whole number`);
  return Number(value.replace(/_/g, ""));
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { events: { type: "string" }, days: { type: "string" }, seed: { type: "string" }, force: { type: "boolean" } });
  const events = wholeNumber(values.events, "--events", DEMO_DEFAULTS.events);
  const days = wholeNumber(values.days, "--days", DEMO_DEFAULTS.days);
  const seed = wholeNumber(values.seed, "--seed", DEMO_DEFAULTS.seed);
  if (days < 1 || days > 400) throw new CliError("--days must be between 1 and 400");
  const bar = progress("Recording demo events", events);
  const started = Date.now();
  try {
    const r = await seedDemo({ events, days, seed, force: values.force, onProgress: (done) => bar.update(done) });
    const seconds = (Date.now() - started) / 1000;
    console.log(`Created ${r.organizations} organisations, ${r.projects} projects and ${r.endUsers} end users.`);
    console.log(`Recorded ${r.created.toLocaleString("en-US")} events from ${r.from} to ${r.to} (${formatUsd(r.totalCostUsd)}) in ${seconds.toFixed(1)} s.`);
    console.log(`Set ${r.budgets} budgets; ${r.alerts} alerts were raised.`);
    for (const l of r.logins) console.log(`Demo ${l.role} of ${l.organization}: ${l.email} / ${l.password}`);
  } catch (err) {
    if (isAppError(err) && err.code === "conflict") throw new CliError(err.message, 1);
    throw err;
  }
}
