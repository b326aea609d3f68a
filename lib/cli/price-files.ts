// Shared by prices:import and prices:sync: reading a price file in either format, and the
// report of what an import did (added / unchanged / skipped with why / refused, named).
import { CatalogFormatError, parseLiteLlmCatalog, parseNativeCatalog, type LiteLlmSkip, type PriceVersionInput } from "@/lib/pricing/catalog-format";
import type { ImportResult } from "@/lib/server/pricing";
import { CliError } from "./args";

export type PriceFileFormat = "native" | "litellm";

export function priceFileFormat(value: string | undefined, fallback: PriceFileFormat): PriceFileFormat {
  const format = value ?? fallback;
  if (format !== "native" && format !== "litellm") throw new CliError(`unknown format "${format}" (use native or litellm)`);
  return format;
}

/** The entries of a parsed price file; a malformed file is one clear error naming `label`. */
export function readPriceFile(data: unknown, format: PriceFileFormat, label: string): { prices: PriceVersionInput[]; skipped: LiteLlmSkip[] } {
  try {
    return format === "litellm" ? parseLiteLlmCatalog(data) : { prices: parseNativeCatalog(data), skipped: [] };
  } catch (err) {
    if (err instanceof CatalogFormatError) throw new CliError(`${label}: ${err.message}`, 1);
    throw err;
  }
}

const SHOWN_NAMES = 5;

/** Lines describing an import: the counts first, then why entries were skipped and which were refused. */
export function importReport(result: ImportResult, skipped: LiteLlmSkip[]): string[] {
  const lines = [`${result.added} added, ${result.unchanged} unchanged, ${skipped.length} skipped, ${result.refused.length} refused.`];
  const byReason = new Map<string, string[]>();
  for (const s of skipped) byReason.set(s.reason, [...(byReason.get(s.reason) ?? []), s.name]);
  for (const [reason, names] of [...byReason].sort((a, b) => b[1].length - a[1].length)) {
    const more = names.length > SHOWN_NAMES ? ` and ${names.length - SHOWN_NAMES} more` : "";
    lines.push(`skipped ${names.length} (${reason}): ${names.slice(0, SHOWN_NAMES).join(", ")}${more}`);
  }
  for (const r of result.refused) lines.push(`refused ${r.provider}/${r.model} effective ${r.effectiveFrom}: ${r.reason}`);
  return lines;
}
