// Exact cost of one call from its disjoint token counts and one price version (USD per million
// tokens). Reasoning is inside output and billed once, at the output price.
import { Decimal, dec, type DecimalLike } from "@/lib/money";
import type { TokenCounts } from "@/lib/usage/normalize";

export interface PriceRates {
  inputPerMtok: DecimalLike;
  /** Price of cache reads; the input price when absent. */
  cachedInputPerMtok?: DecimalLike | null;
  /** Price of cache writes; the input price when absent. */
  cacheWritePerMtok?: DecimalLike | null;
  outputPerMtok: DecimalLike;
  perRequest?: DecimalLike | null;
}

const MILLION = new Decimal(1_000_000);

/** Cost of one call; a failed call is priced the same way, from the tokens it reports. */
export function priceEvent(tokens: TokenCounts, price: PriceRates): Decimal {
  const input = dec(price.inputPerMtok);
  const cached = price.cachedInputPerMtok === null || price.cachedInputPerMtok === undefined ? input : dec(price.cachedInputPerMtok);
  const cacheWrite = price.cacheWritePerMtok === null || price.cacheWritePerMtok === undefined ? input : dec(price.cacheWritePerMtok);
  const tokenCost = input
    .times(tokens.inputUncached)
    .plus(cached.times(tokens.cacheRead))
    .plus(cacheWrite.times(tokens.cacheWrite))
    .plus(dec(price.outputPerMtok).times(tokens.output))
    .dividedBy(MILLION);
  return price.perRequest === null || price.perRequest === undefined ? tokenCost : tokenCost.plus(dec(price.perRequest));
}
