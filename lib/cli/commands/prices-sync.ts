import { LITELLM_PRICES_URL, syncPrices } from "@/lib/server/pricing";
import { CLI_ACTOR, parseOptions } from "../args";
import { importReport, priceFileFormat } from "../price-files";

export const summary = "Download a price file (default: the community LiteLLM file) and import what changed as new versions effective now.";
export const usage = "prices:sync [--url URL] [--format litellm|native]";

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { url: { type: "string" }, format: { type: "string" } });
  const url = values.url ?? LITELLM_PRICES_URL;
  const format = priceFileFormat(values.format, "litellm");
  const result = await syncPrices(CLI_ACTOR, { url, format });
  const [counts, ...details] = importReport(result, result.skipped);
  console.log(`Synced ${url} (${format}): ${counts}`);
  for (const v of result.addedVersions) console.log(`added ${v}`);
  for (const line of details) console.log(line);
  return result.refused.length > 0 ? 1 : 0;
}
