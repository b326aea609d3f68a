import { ZodError } from "zod";
import { setBudget } from "@/lib/server/budgets/manage";
import { formatUsd } from "@/lib/money";
import { orgIdBySlug } from "../org-lookup";
import { CLI_ACTOR, CliError, parseOptions, required } from "../args";

export const summary = "Create or update the budget of an organisation, a project or an end user (unknown ones are created).";
export const usage = "budgets:set --org SLUG [--project KEY | --user EXTERNAL_ID] --limit USD [--period monthly|weekly|daily] [--mode soft|hard] [--warn PERCENT]";

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, {
    org: { type: "string" },
    project: { type: "string" },
    user: { type: "string" },
    limit: { type: "string" },
    period: { type: "string" },
    mode: { type: "string" },
    warn: { type: "string" },
  });
  const slug = required(values.org, "--org");
  const limit = required(values.limit, "--limit");
  if (values.project !== undefined && values.user !== undefined) throw new CliError("give either --project or --user, not both");
  if (values.project === "" || values.user === "") throw new CliError(`missing value for ${values.project === "" ? "--project" : "--user"}`);
  const scope = values.project !== undefined ? "project" : values.user !== undefined ? "user" : "organization";
  const scopeKey = values.project ?? values.user;
  const orgId = await orgIdBySlug(slug);
  let result;
  try {
    result = await setBudget(CLI_ACTOR, orgId, {
      scope,
      scopeKey,
      limitUsd: limit,
      period: values.period as "monthly" | "weekly" | "daily" | undefined,
      mode: values.mode as "soft" | "hard" | undefined,
      warnPercent: values.warn === undefined ? undefined : values.warn.trim() === "" ? Number.NaN : Number(values.warn),
    });
  } catch (err) {
    if (err instanceof ZodError) throw new CliError(err.issues[0]?.message ?? "invalid budget");
    throw err;
  }
  const b = result.budget;
  const what = scope === "organization" ? `organisation ${slug}` : `${scope} ${scopeKey} in ${slug}`;
  console.log(`${result.created ? "Created" : "Updated"} ${b.period} ${b.mode} budget for ${what}: limit ${formatUsd(b.limitUsd, { exact: true })}, warn at ${b.warnPercent}%.`);
  console.log(`id: ${b.id}`);
  console.log(`This period (${b.periodStart.slice(0, 10)} to ${b.periodEnd.slice(0, 10)}): spent ${formatUsd(b.spentUsd, { exact: true })}, remaining ${formatUsd(b.remainingUsd, { exact: true })}.`);
}
