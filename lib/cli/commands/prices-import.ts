import { readFileSync } from "node:fs";
import { importPrices } from "@/lib/server/pricing";
import { CLI_ACTOR, CliError, parseOptions, progress } from "../args";
import { importReport, priceFileFormat, readPriceFile } from "../price-files";

export const summary = "Import model prices from a JSON file (native format of SPEC §3, or LiteLLM's model_prices_and_context_window.json).";
export const usage = "prices:import <file> [--format native|litellm]";

export async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions(argv, { format: { type: "string" } }, 1);
  const file = positionals[0];
  if (!file) throw new CliError(`missing the price file: ${usage}`);
  const format = priceFileFormat(values.format, "native");
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message.split("\n")[0];
    throw new CliError(`cannot read ${file}: ${reason}`, 1);
  }
  const { prices, skipped } = readPriceFile(data, format, file);
  const bar = progress("Importing prices", prices.length);
  const result = await importPrices(CLI_ACTOR, prices, { source: `import:${format}`, onProgress: (done) => bar.update(done) });
  const [counts, ...details] = importReport(result, skipped);
  console.log(`Imported ${file} (${format}): ${counts}`);
  for (const line of details) console.log(line);
  // A refused entry is an error the operator must see; everything else was imported.
  return result.refused.length > 0 ? 1 : 0;
}
