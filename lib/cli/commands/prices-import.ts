import { readFileSync } from "node:fs";
import { parseLiteLlmCatalog, parseNativeCatalog } from "@/lib/pricing/catalog-format";
import { importPrices } from "@/lib/server/pricing";
import { CLI_ACTOR, CliError, parseOptions, progress } from "../args";

export const summary = "Import model prices from a JSON file (native format of SPEC §3, or LiteLLM's model_prices_and_context_window.json).";
export const usage = "prices:import <file> [--format native|litellm]";

export async function run(argv: string[]): Promise<void> {
  const { values, positionals } = parseOptions(argv, { format: { type: "string", default: "native" } }, 1);
  const file = positionals[0];
  if (!file) throw new CliError("missing the price file: prices:import <file> [--format native|litellm]");
  if (values.format !== "native" && values.format !== "litellm") throw new CliError(`unknown format "${values.format}" (use native or litellm)`);
  let data: unknown;
  try {
    data = JSON.parse(readFileSync(file, "utf8"));
  } catch (err) {
    const reason = (err as NodeJS.ErrnoException).code === "ENOENT" ? "file not found" : (err as Error).message.split("\n")[0];
    throw new CliError(`cannot read ${file}: ${reason}`, 1);
  }
  let prices;
  let skipped = 0;
  try {
    if (values.format === "litellm") ({ prices, skipped } = parseLiteLlmCatalog(data));
    else prices = parseNativeCatalog(data);
  } catch (err) {
    throw new CliError(`${file}: ${(err as Error).message}`, 1);
  }
  const bar = progress("Importing prices", prices.length);
  const result = await importPrices(CLI_ACTOR, prices, { source: `import:${values.format}`, onProgress: (done) => bar.update(done) });
  console.log(
    `Imported ${prices.length} prices from ${file}: ${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged` +
      (skipped ? `, ${skipped} entries without token prices skipped.` : "."),
  );
}
