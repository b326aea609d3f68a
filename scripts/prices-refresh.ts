// npm run prices:refresh — regenerates prisma/prices/catalog.json (native format, SPEC §3) from the
// price data shipped in the pinned npm package @pydantic/genai-prices (maintained by Pydantic,
// https://github.com/pydantic/genai-prices), and records the source, version and date in
// prisma/prices/README.md. To refresh: bump the package (exact version), run this, review the diff.
//
// Mapping (per model of OpenAI, Anthropic, Google, xAI, Mistral and DeepSeek):
// - input_mtok / cache_read_mtok / cache_write_mtok / cache_write_1h_mtok / output_mtok become the
//   native rates; a tiered price ({ base, tiers: [{ start, price }] }, applied by the source when
//   input tokens > start) becomes long-context tiers `above_input_tokens: start`, the whole event at
//   the tier's rates (as SPEC §3 bills it);
// - a price list with `start_date` constraints becomes one version per date; the unconstrained
//   first entry takes BASE_EFFECTIVE_FROM. Of time-of-day prices (DeepSeek) the one in force for
//   most of the day is taken as the list price, the others are left out;
// - Google's provider in the source also lists models other vendors serve on Vertex AI (Claude…);
//   only Gemini and Gemma models are taken for `google`, so a model name names one provider;
// - the source has no service-tier prices: the Batch APIs of OpenAI, Anthropic and Google bill
//   50 % of every standard rate, so `service_tiers.batch` is added for their models;
// - aliases are the literal names of the source's match rules (`equals`, `starts_with`).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { findProvider, type MatchLogic, type ModelInfo, type ModelPrice, type Provider } from "@pydantic/genai-prices";
import { Decimal } from "@/lib/money";
import { parseNativeCatalog, toNativeEntry, type PriceVersionInput } from "@/lib/pricing/catalog-format";
import { canonicalServiceTiers, canonicalTiers, type RatesJson, type ServiceTiersJson, type TierJson } from "@/lib/pricing/price-version";
import { normalizeProvider } from "@/lib/providers";

const SOURCE_PROVIDERS = ["openai", "anthropic", "google", "x-ai", "mistral", "deepseek"];
const BATCH_HALF_PRICE = new Set(["openai", "anthropic", "google"]);
const BASE_EFFECTIVE_FROM = new Date("2024-01-01T00:00:00Z");

const root = path.resolve(import.meta.dirname, "..");
const CATALOG = path.join(root, "prisma", "prices", "catalog.json");
const README = path.join(root, "prisma", "prices", "README.md");

const RATE_OF: Record<string, keyof RatesJson> = {
  input_mtok: "input_per_mtok",
  cache_read_mtok: "cached_input_per_mtok",
  cache_write_mtok: "cache_write_per_mtok",
  cache_write_1h_mtok: "cache_write_1h_per_mtok",
  output_mtok: "output_per_mtok",
};

type Tiered = { base: number; tiers: { start: number; price: number }[] };
const isTiered = (v: unknown): v is Tiered => typeof v === "object" && v !== null && "base" in v && "tiers" in v;
// Source prices are JS numbers; String() gives their shortest exact decimal form.
const decimal = (n: number) => new Decimal(String(n)).toFixed();

const CLEAN_NAME = /^[a-z0-9][a-z0-9._:-]*[a-z0-9]$/i;

function literalNames(m: MatchLogic, out: Set<string>): void {
  if ("or" in m) for (const x of m.or) literalNames(x, out);
  else if ("equals" in m) out.add(m.equals.toLowerCase());
  else if ("starts_with" in m) out.add(m.starts_with.toLowerCase());
}

function toVersion(provider: string, model: ModelInfo, prices: ModelPrice, effectiveFrom: Date): PriceVersionInput | null {
  const standard: RatesJson = {};
  const starts = new Set<number>();
  for (const [key, rate] of Object.entries(RATE_OF)) {
    const v = prices[key];
    if (typeof v === "number") standard[rate] = decimal(v);
    else if (isTiered(v)) {
      standard[rate] = decimal(v.base);
      for (const t of v.tiers) starts.add(t.start);
    }
  }
  if (standard.input_per_mtok === undefined) return null;
  // One long-context tier per threshold of any rate: each rate at its own highest tier at or below it.
  const tiers: TierJson[] = [...starts].map((start) => {
    const tier: RatesJson = {};
    for (const [key, rate] of Object.entries(RATE_OF)) {
      const v = prices[key];
      if (!isTiered(v)) continue;
      const applicable = v.tiers.filter((t) => t.start <= start).sort((a, b) => b.start - a.start)[0];
      if (applicable) tier[rate] = decimal(applicable.price);
    }
    return { input_per_mtok: standard.input_per_mtok!, ...tier, above_input_tokens: start };
  });
  let serviceTiers: ServiceTiersJson | null = null;
  if (BATCH_HALF_PRICE.has(provider)) {
    const batch: RatesJson = {};
    for (const [rate, value] of Object.entries(standard)) batch[rate as keyof RatesJson] = new Decimal(value).dividedBy(2).toFixed();
    serviceTiers = canonicalServiceTiers({ batch });
  }
  const names = new Set<string>();
  literalNames(model.match, names);
  const id = model.id.toLowerCase();
  return {
    provider: normalizeProvider(provider),
    model: id,
    aliases: [...names].filter((n) => n !== id && CLEAN_NAME.test(n)).sort(),
    inputPerMtok: standard.input_per_mtok,
    cachedInputPerMtok: standard.cached_input_per_mtok ?? null,
    cacheWritePerMtok: standard.cache_write_per_mtok ?? null,
    cacheWrite1hPerMtok: standard.cache_write_1h_per_mtok ?? null,
    outputPerMtok: standard.output_per_mtok ?? "0",
    perRequest: null,
    tiers: tiers.length ? canonicalTiers(tiers) : null,
    serviceTiers,
    effectiveFrom,
  };
}

const OWN_MODELS: Record<string, RegExp> = { google: /^(gemini|gemma)/i };

const seconds = (hms: string) => hms.replace(/Z$/, "").split(":").reduce((acc, part) => acc * 60 + Number(part), 0);

/** Length in hours of a daily window (it may wrap past midnight). */
function windowHours(start: string, end: string): number {
  const s = seconds(start);
  const e = seconds(end);
  return ((e - s + 86_400) % 86_400) / 3600;
}

function versionsOf(provider: Provider, model: ModelInfo): PriceVersionInput[] {
  if (!CLEAN_NAME.test(model.id) || (OWN_MODELS[provider.id] && !OWN_MODELS[provider.id].test(model.id))) return [];
  if (!Array.isArray(model.prices)) {
    const v = toVersion(provider.id, model, model.prices, BASE_EFFECTIVE_FROM);
    return v ? [v] : [];
  }
  // The price in force for most of the day stands for the unconstrained one.
  let base: ModelPrice | null = null;
  let baseHours = 24;
  for (const c of model.prices) {
    if (!c.constraint) base = c.prices;
    else if (c.constraint.type === "time_of_date") baseHours -= windowHours(c.constraint.start_time, c.constraint.end_time);
  }
  for (const c of model.prices) {
    if (c.constraint?.type === "time_of_date" && windowHours(c.constraint.start_time, c.constraint.end_time) > baseHours) {
      base = c.prices;
      baseHours = windowHours(c.constraint.start_time, c.constraint.end_time);
    }
  }
  const out: PriceVersionInput[] = [];
  const first = base ? toVersion(provider.id, model, base, BASE_EFFECTIVE_FROM) : null;
  if (first) out.push(first);
  for (const c of model.prices) {
    if (c.constraint?.type !== "start_date") continue;
    const v = toVersion(provider.id, model, c.prices, new Date(`${c.constraint.start_date}T00:00:00Z`));
    if (v) out.push(v);
  }
  return out;
}

const versions: PriceVersionInput[] = [];
for (const id of SOURCE_PROVIDERS) {
  const provider = findProvider({ providerId: id });
  if (!provider) throw new Error(`@pydantic/genai-prices has no provider "${id}"`);
  for (const model of provider.models) versions.push(...versionsOf(provider, model));
}
versions.sort((a, b) => a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model) || a.effectiveFrom!.getTime() - b.effectiveFrom!.getTime());

// Two source models with one id (never seen, but the unique key would refuse them): first wins.
const seen = new Set<string>();
const unique = versions.filter((v) => {
  const key = `${v.provider}\u0000${v.model}\u0000${v.effectiveFrom!.toISOString()}`;
  if (seen.has(key)) return false;
  seen.add(key);
  return true;
});

const entries = unique.map(toNativeEntry);
parseNativeCatalog(entries);
writeFileSync(CATALOG, `${JSON.stringify(entries, null, 2)}\n`);

const pkg = JSON.parse(readFileSync(path.join(root, "node_modules", "@pydantic", "genai-prices", "package.json"), "utf8")) as { version: string };
const stamp = `<!-- source:start -->\nGenerated by \`npm run prices:refresh\` on ${new Date().toISOString().slice(0, 10)} from \`@pydantic/genai-prices\` ${pkg.version} (npm, pinned exactly in package.json): ${unique.length} versions of ${new Set(unique.map((v) => `${v.provider}/${v.model}`)).size} models.\n<!-- source:end -->`;
const readme = readFileSync(README, "utf8");
writeFileSync(README, readme.replace(/<!-- source:start -->[\s\S]*<!-- source:end -->/, stamp));

const byProvider = new Map<string, number>();
for (const v of unique) byProvider.set(v.provider, (byProvider.get(v.provider) ?? 0) + 1);
console.log(`Wrote ${path.relative(root, CATALOG)}: ${unique.length} versions (${[...byProvider].map(([p, n]) => `${p} ${n}`).join(", ")}) from @pydantic/genai-prices ${pkg.version}.`);
