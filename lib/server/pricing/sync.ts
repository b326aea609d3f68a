// prices:sync (SPEC §3): downloads a price file and imports what changed as new versions
// effective now (an unchanged entry stays as it is; a new model starts at the epoch so that its
// waiting events can be re-priced). The download is one small function, so that it can be routed
// through the project's outbound-HTTP (egress) module.
import { parseLiteLlmCatalog, parseNativeCatalog, type LiteLlmSkip, type PriceVersionInput } from "@/lib/pricing/catalog-format";
import { AppError } from "../errors";
import type { Actor } from "../authz";
import type { RequestContext } from "../audit";
import { importPrices, type ImportResult } from "./versions";

/** The community LiteLLM price file (SPEC §3's default for prices:sync). */
export const LITELLM_PRICES_URL = "https://raw.githubusercontent.com/BerriAI/litellm/main/model_prices_and_context_window.json";

const MAX_PRICE_FILE_BYTES = 50 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 60_000;

/** GET `url` and parse it as JSON: http(s) only, bounded in time and size, no redirects followed. */
export async function downloadPriceFile(url: string): Promise<unknown> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new AppError("validation_failed", `not a URL: ${url}`);
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new AppError("validation_failed", `only http and https URLs can be synced (got ${parsed.protocol})`);
  let res: Response;
  try {
    res = await fetch(parsed, { redirect: "manual", signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS), headers: { accept: "application/json" } });
  } catch (err) {
    throw new AppError("bad_request", `cannot download ${url}: ${(err as Error).message}`);
  }
  if (!res.ok) throw new AppError("bad_request", `cannot download ${url}: HTTP ${res.status}`);
  const length = Number(res.headers.get("content-length") ?? 0);
  if (length > MAX_PRICE_FILE_BYTES) throw new AppError("validation_failed", `${url} is larger than ${MAX_PRICE_FILE_BYTES} bytes`);
  const text = await res.text();
  if (text.length > MAX_PRICE_FILE_BYTES) throw new AppError("validation_failed", `${url} is larger than ${MAX_PRICE_FILE_BYTES} bytes`);
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("validation_failed", `${url} is not JSON`);
  }
}

export interface SyncResult extends ImportResult {
  skipped: LiteLlmSkip[];
}

/**
 * Downloads and imports a price file (super admins). Entries without dates (LiteLLM) and, in a
 * native file, entries whose prices differ from the version in force become versions effective
 * `now`; entries equal to the version in force are unchanged.
 */
export async function syncPrices(actor: Actor, options: { url: string; format: "litellm" | "native"; now?: Date; download?: (url: string) => Promise<unknown> }, ctx: RequestContext = {}): Promise<SyncResult> {
  const now = options.now ?? new Date();
  const data = await (options.download ?? downloadPriceFile)(options.url);
  let prices: PriceVersionInput[];
  let skipped: LiteLlmSkip[] = [];
  if (options.format === "litellm") ({ prices, skipped } = parseLiteLlmCatalog(data));
  // A synced native file states prices as they are now: its own dates are not used.
  else prices = parseNativeCatalog(data).map((p) => ({ ...p, effectiveFrom: null }));
  const result = await importPrices(actor, prices, { source: `sync:${options.url}`, now }, ctx);
  return { ...result, skipped };
}
