import { isBillProvider } from "@/lib/bills/parse";
import { parseIsoDay } from "@/lib/dashboard/dates";
import { formatUsd } from "@/lib/money";
import { ADMIN_KEY_ENV, BillFetchError, fetchBillPages } from "@/lib/server/bills/fetch-bill";
import { importBillPages } from "@/lib/server/bills/import-bill";
import { isAppError } from "@/lib/server/errors";
import { CLI_ACTOR, CliError, parseOptions, required } from "../args";
import { orgIdBySlug } from "../org-lookup";

export const summary = "Fetch a provider's cost report from its admin API (all pages; OPENAI_ADMIN_KEY / ANTHROPIC_ADMIN_KEY) and import it like bills:import.";
export const usage = "bills:fetch --org SLUG --provider openai|anthropic --from YYYY-MM-DD --to YYYY-MM-DD [--base-url URL]";

function day(value: string | undefined, flag: string): string {
  const v = required(value, flag);
  if (!parseIsoDay(v)) throw new CliError(`${flag} must be a date YYYY-MM-DD`);
  return v;
}

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { org: { type: "string" }, provider: { type: "string" }, from: { type: "string" }, to: { type: "string" }, "base-url": { type: "string" } });
  const slug = required(values.org, "--org");
  const provider = required(values.provider, "--provider");
  if (!isBillProvider(provider)) throw new CliError(`--provider must be openai or anthropic, not "${provider}"`);
  const from = day(values.from, "--from");
  const to = day(values.to, "--to");
  if (from > to) throw new CliError("--from must not be after --to");
  const envName = ADMIN_KEY_ENV[provider];
  const adminKey = process.env[envName]?.trim();
  if (!adminKey) throw new CliError(`${envName} is not set: export the ${provider === "openai" ? "OpenAI" : "Anthropic"} admin API key to fetch its cost report`);
  const orgId = await orgIdBySlug(slug);
  let pages: unknown[];
  try {
    pages = await fetchBillPages({
      provider,
      from,
      to,
      adminKey,
      baseUrl: values["base-url"],
      onPage: (n) => process.stderr.write(`Fetched page ${n} of the ${provider} cost report\n`),
      onWait: (s, status) => process.stderr.write(`${provider} answered ${status}; waiting ${s} s before trying again\n`),
    });
  } catch (err) {
    if (err instanceof BillFetchError) throw new CliError(err.message, 1);
    throw err;
  }
  try {
    const result = await importBillPages(CLI_ACTOR, { orgId, provider, pages, sourceName: `${provider} admin API ${from}..${to}` });
    console.log(
      `Fetched ${pages.length} page${pages.length === 1 ? "" : "s"} and stored ${result.lines} ${provider} bill line${result.lines === 1 ? "" : "s"} for ${slug} (${result.days.length} day${result.days.length === 1 ? "" : "s"}), total ${formatUsd(result.totalUsd, { exact: true })}` +
        (result.replacedLines ? `, replacing ${result.replacedLines} line${result.replacedLines === 1 ? "" : "s"} imported before` : "") +
        ".",
    );
  } catch (err) {
    if (isAppError(err) && err.code === "validation_failed") throw new CliError(`the ${provider} answer is not a cost report: ${err.message}`, 1);
    throw err;
  }
}
