// The reconciliation calculator (SPEC §3 bills:reconcile, §7 Reconciliation): per UTC day ×
// provider × model, what the provider billed against what Spendline tracked, the status by the
// tolerance rule, the split by token type where the bill has one, and the likely cause of a gap.
// Pure: the data layer hands it billed lines and tracked roll-ups already matched to base models.
import { dec, Decimal, toCostString, type DecimalLike } from "@/lib/money";
import type { TokenType } from "./parse";

export type ReconcileStatus = "ok" | "under" | "over" | "untracked" | "unbilled";

export interface BilledAmount {
  date: string;
  provider: string;
  /** Base model (or the line's own label when it names no model). */
  model: string;
  tokenType: TokenType | null;
  /** `batch`, `flex`, `priority`…: billed at other rates than the standard price. */
  serviceTier?: string | null;
  amountUsd: DecimalLike;
}

export interface TrackedTokens {
  input: bigint;
  cachedInput: bigint;
  cacheWrite: bigint;
  output: bigint;
}

export interface TrackedAmount {
  date: string;
  provider: string;
  model: string;
  costUsd: DecimalLike;
  requests: bigint;
  unpricedRequests: bigint;
  tokens: TrackedTokens;
  /** The model names events were sent with (before matching), for links to the usage log. */
  sourceModels?: string[];
}

/** USD per million tokens of the price version in force that day, by token type. */
export interface UnitPrices {
  input: DecimalLike;
  cachedInput: DecimalLike | null;
  cacheWrite: DecimalLike | null;
  output: DecimalLike;
  effectiveFrom: string;
}

/** The split the console shows: input, cached input, cache writes, output (and anything else). */
export const SPLIT_TYPES = ["input", "cached_input", "cache_write", "output", "other"] as const;
export type SplitType = (typeof SPLIT_TYPES)[number];

export interface SplitRow {
  type: SplitType;
  billedUsd: string;
  /** Tokens Spendline saw of that type (null for "other"). */
  trackedTokens: string | null;
  /** USD per million tokens the bill implies (billed ÷ tracked tokens), when both exist. */
  impliedPerMtok: string | null;
  /** USD per million tokens of the price version Spendline used. */
  pricePerMtok: string | null;
  /** Part of this type was billed at a non-standard service tier (batch, flex, priority). */
  mixedTiers: boolean;
}

export type CauseCode = "traffic_not_reported" | "model_unpriced" | "price_outdated" | "cache_tokens_not_reported" | "cache_writes_not_reported" | "not_billed";

export interface Cause {
  code: CauseCode;
  message: string;
}

export interface ReconcileRow {
  date: string;
  provider: string;
  model: string;
  billedUsd: string;
  trackedUsd: string;
  differenceUsd: string;
  status: ReconcileStatus;
  requests: string;
  unpricedRequests: string;
  /** Model names of the tracked events, as sent (a dated id and its base model may both appear). */
  trackedModels: string[];
  /** Empty when the bill has no token-type split for this row. */
  split: SplitRow[];
  causes: Cause[];
}

const CENT = new Decimal("0.01");
const STANDARD_TIERS = new Set(["standard", "default", "auto"]);
const MTOK = new Decimal(1_000_000);

/** |difference| ≤ max($0.01, 1 % of billed) is within tolerance. */
export function tolerance(billed: DecimalLike): Decimal {
  const pct = dec(billed).abs().times("0.01");
  return Decimal.max(CENT, pct);
}

export function statusOf(billed: Decimal | null, tracked: Decimal | null): ReconcileStatus {
  if (billed === null) return "unbilled";
  if (tracked === null) return "untracked";
  const diff = tracked.minus(billed);
  if (diff.abs().lessThanOrEqualTo(tolerance(billed))) return "ok";
  return diff.isNegative() ? "under" : "over";
}

const splitTypeOf = (t: TokenType | null): SplitType | null => (t === null ? null : t === "cache_write_1h" ? "cache_write" : t);

const tokensOf = (t: TrackedTokens | null, type: SplitType): bigint | null => {
  if (!t) return null;
  if (type === "input") return t.input;
  if (type === "cached_input") return t.cachedInput;
  if (type === "cache_write") return t.cacheWrite;
  if (type === "output") return t.output;
  return null;
};

const priceOf = (p: UnitPrices | null, type: SplitType): Decimal | null => {
  if (!p) return null;
  const v = type === "input" ? p.input : type === "cached_input" ? p.cachedInput : type === "cache_write" ? p.cacheWrite : type === "output" ? p.output : null;
  return v === null || v === undefined ? null : dec(v);
};

const LABEL: Record<SplitType, string> = { input: "input", cached_input: "cached input", cache_write: "cache writes", output: "output", other: "other" };

const money = (d: Decimal) => `$${d.toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed()}`;

export interface ReconcileInput {
  billed: BilledAmount[];
  tracked: TrackedAmount[];
  /** Unit prices in force for a row, by `${date}|${provider}|${model}`. */
  prices?: Map<string, UnitPrices>;
}

export const rowKey = (date: string, provider: string, model: string) => `${date}|${provider}|${model}`;

export function reconcile({ billed, tracked, prices = new Map() }: ReconcileInput): ReconcileRow[] {
  type Acc = { date: string; provider: string; model: string; billed: Decimal | null; bySplit: Map<SplitType, Decimal>; tiered: Set<SplitType>; hasSplit: boolean; tracked: TrackedAmount | null };
  const rows = new Map<string, Acc>();
  const acc = (date: string, provider: string, model: string): Acc => {
    const key = rowKey(date, provider, model);
    let a = rows.get(key);
    if (!a) {
      a = { date, provider, model, billed: null, bySplit: new Map(), tiered: new Set(), hasSplit: false, tracked: null };
      rows.set(key, a);
    }
    return a;
  };
  for (const b of billed) {
    const a = acc(b.date, b.provider, b.model);
    const amount = dec(b.amountUsd);
    a.billed = (a.billed ?? new Decimal(0)).plus(amount);
    const split = splitTypeOf(b.tokenType);
    if (split) {
      a.hasSplit = true;
      a.bySplit.set(split, (a.bySplit.get(split) ?? new Decimal(0)).plus(amount));
      if (b.serviceTier && !STANDARD_TIERS.has(b.serviceTier.toLowerCase())) a.tiered.add(split);
    }
  }
  for (const t of tracked) {
    const a = acc(t.date, t.provider, t.model);
    if (a.tracked) {
      const p = a.tracked;
      a.tracked = {
        ...p,
        costUsd: dec(p.costUsd).plus(dec(t.costUsd)),
        requests: p.requests + t.requests,
        unpricedRequests: p.unpricedRequests + t.unpricedRequests,
        sourceModels: [...new Set([...(p.sourceModels ?? []), ...(t.sourceModels ?? [])])].sort(),
        tokens: {
          input: p.tokens.input + t.tokens.input,
          cachedInput: p.tokens.cachedInput + t.tokens.cachedInput,
          cacheWrite: p.tokens.cacheWrite + t.tokens.cacheWrite,
          output: p.tokens.output + t.tokens.output,
        },
      };
    } else {
      a.tracked = { ...t };
    }
  }

  const out: ReconcileRow[] = [];
  for (const a of rows.values()) {
    // A roll-up row with no requests (all its events pruned) tracks nothing.
    const hasEvents = a.tracked !== null && a.tracked.requests > BigInt(0);
    const trackedUsd = hasEvents ? dec(a.tracked!.costUsd) : null;
    const status = statusOf(a.billed, trackedUsd);
    const price = prices.get(rowKey(a.date, a.provider, a.model)) ?? null;
    const tokens = hasEvents ? a.tracked!.tokens : null;
    const split: SplitRow[] = a.hasSplit
      ? SPLIT_TYPES.filter((type) => a.bySplit.has(type) || (type !== "other" && (tokensOf(tokens, type) ?? BigInt(0)) > BigInt(0))).map((type) => {
          const billedPart = a.bySplit.get(type) ?? new Decimal(0);
          const tk = tokensOf(tokens, type);
          const unit = priceOf(price, type);
          return {
            type,
            billedUsd: toCostString(billedPart),
            trackedTokens: tk === null ? null : tk.toString(),
            impliedPerMtok: tk !== null && tk > BigInt(0) && a.bySplit.has(type) ? billedPart.div(tk.toString()).times(MTOK).toDecimalPlaces(6, Decimal.ROUND_HALF_UP).toFixed() : null,
            pricePerMtok: unit === null ? null : unit.toFixed(),
            // Batch or priority lines are billed at other rates: the standard price is no yardstick.
            mixedTiers: a.tiered.has(type),
          };
        })
      : [];
    const billedUsd = a.billed ?? new Decimal(0);
    const trackedOut = trackedUsd ?? new Decimal(0);
    out.push({
      date: a.date,
      provider: a.provider,
      model: a.model,
      billedUsd: toCostString(billedUsd),
      trackedUsd: toCostString(trackedOut),
      differenceUsd: toCostString(trackedOut.minus(billedUsd)),
      status,
      requests: (a.tracked?.requests ?? BigInt(0)).toString(),
      unpricedRequests: (a.tracked?.unpricedRequests ?? BigInt(0)).toString(),
      trackedModels: a.tracked?.sourceModels ?? [],
      split,
      causes: status === "ok" ? [] : likelyCauses({ status, tracked: hasEvents ? a.tracked : null, bySplit: a.bySplit, price, split }),
    });
  }
  return out.sort((x, y) => x.date.localeCompare(y.date) || x.provider.localeCompare(y.provider) || x.model.localeCompare(y.model));
}

/** The likely cause of a gap, where it can be told (SPEC §7). */
export function likelyCauses(input: { status: ReconcileStatus; tracked: TrackedAmount | null; bySplit: Map<SplitType, Decimal>; price: UnitPrices | null; split: SplitRow[] }): Cause[] {
  const { status, tracked, bySplit, price, split } = input;
  if (status === "untracked") {
    return [{ code: "traffic_not_reported", message: "Billed, but no events of this model were reported that day: traffic not reported to Spendline." }];
  }
  if (status === "unbilled") {
    return [{ code: "not_billed", message: "Tracked, but the bill has no line for this model that day: is the bill for this day imported (and from the right account)?" }];
  }
  const causes: Cause[] = [];
  if (tracked && tracked.unpricedRequests > BigInt(0)) {
    causes.push({ code: "model_unpriced", message: `${tracked.unpricedRequests} event${tracked.unpricedRequests === BigInt(1) ? "" : "s"} of this model that day ${tracked.unpricedRequests === BigInt(1) ? "is" : "are"} unpriced: add a price and reprice them.` });
  }
  for (const s of split) {
    if (s.impliedPerMtok === null || s.pricePerMtok === null || s.mixedTiers) continue;
    const implied = dec(s.impliedPerMtok);
    const used = dec(s.pricePerMtok);
    if (implied.minus(used).abs().greaterThan(Decimal.max(used.abs().times("0.01"), new Decimal("0.000001")))) {
      causes.push({
        code: "price_outdated",
        message: `Price outdated: the bill implies ${money(implied)} per million ${LABEL[s.type]} tokens, Spendline used ${money(used)} (version from ${price!.effectiveFrom.slice(0, 10)}).`,
      });
    }
  }
  if (tracked && (bySplit.get("cached_input") ?? new Decimal(0)).greaterThan(0) && tracked.tokens.cachedInput === BigInt(0)) {
    causes.push({ code: "cache_tokens_not_reported", message: "The bill has cached-input charges, but no cache-read tokens were reported: send cache_read_tokens (or the provider's usage object)." });
  }
  if (tracked && (bySplit.get("cache_write") ?? new Decimal(0)).greaterThan(0) && tracked.tokens.cacheWrite === BigInt(0)) {
    causes.push({ code: "cache_writes_not_reported", message: "The bill has cache-write charges, but no cache-write tokens were reported: send cache_write_tokens (or the provider's usage object)." });
  }
  return causes;
}

const SEVERITY: Record<ReconcileStatus, number> = { untracked: 0, under: 0, over: 0, unbilled: 0, ok: 1 };

/** Console order: rows outside tolerance first, the largest gap first; then the rest by day. */
export function worstFirst(rows: readonly ReconcileRow[]): ReconcileRow[] {
  return [...rows].sort((a, b) => {
    const s = SEVERITY[a.status] - SEVERITY[b.status];
    if (s !== 0) return s;
    if (a.status !== "ok") {
      const gap = dec(b.differenceUsd).abs().comparedTo(dec(a.differenceUsd).abs());
      if (gap !== 0) return gap;
    }
    return a.date.localeCompare(b.date) || a.provider.localeCompare(b.provider) || a.model.localeCompare(b.model);
  });
}

/** Billed vs tracked per day for the chart (numbers only for drawing; the table keeps exact strings). */
export interface DailyTotal {
  date: string;
  billed: number;
  tracked: number;
  billedExact: string;
  trackedExact: string;
}

export function dailyTotals(rows: readonly ReconcileRow[]): DailyTotal[] {
  const byDay = new Map<string, { billed: Decimal; tracked: Decimal }>();
  for (const r of rows) {
    const d = byDay.get(r.date) ?? { billed: new Decimal(0), tracked: new Decimal(0) };
    d.billed = d.billed.plus(r.billedUsd);
    d.tracked = d.tracked.plus(r.trackedUsd);
    byDay.set(r.date, d);
  }
  return [...byDay.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([date, d]) => ({ date, billed: d.billed.toNumber(), tracked: d.tracked.toNumber(), billedExact: toCostString(d.billed), trackedExact: toCostString(d.tracked) }));
}
