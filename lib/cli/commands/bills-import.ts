import { readFileSync } from "node:fs";
import path from "node:path";
import { isBillProvider } from "@/lib/bills/parse";
import { formatUsd } from "@/lib/money";
import { importBillText } from "@/lib/server/bills/import-bill";
import { isAppError } from "@/lib/server/errors";
import { CLI_ACTOR, CliError, parseOptions, required } from "../args";
import { orgIdBySlug } from "../org-lookup";

export const summary = "Import a provider cost report (OpenAI organization/costs or Anthropic cost_report pages); re-importing a day replaces it.";
export const usage = "bills:import --org SLUG --provider openai|anthropic <file>";

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions(argv, { org: { type: "string" }, provider: { type: "string" } }, 1);
  const slug = required(values.org, "--org");
  const provider = required(values.provider, "--provider");
  if (!isBillProvider(provider)) throw new CliError(`--provider must be openai or anthropic, not "${provider}"`);
  const file = positionals[0];
  if (!file) throw new CliError(`missing the bill file: ${usage}`);
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message.split("\n")[0];
    throw new CliError(`cannot read ${file}: ${reason}`, 1);
  }
  const orgId = await orgIdBySlug(slug);
  try {
    const result = await importBillText(CLI_ACTOR, { orgId, provider, text, sourceName: path.basename(file) });
    const span = result.days.length === 0 ? "no days" : result.days.length === 1 ? result.days[0] : `${result.days.length} days, ${result.days[0]} to ${result.days[result.days.length - 1]}`;
    console.log(
      `Stored ${result.lines} ${provider} bill line${result.lines === 1 ? "" : "s"} for ${slug} (${span}), total ${formatUsd(result.totalUsd, { exact: true })}` +
        (result.replacedLines ? `, replacing ${result.replacedLines} line${result.replacedLines === 1 ? "" : "s"} imported before` : "") +
        `; source sha256 ${result.sourceHash}.`,
    );
  } catch (err) {
    if (isAppError(err) && (err.code === "validation_failed" || err.code === "payload_too_large")) throw new CliError(`${file}: ${err.message}`, 1);
    throw err;
  }
}
