// The service tier and token counts of stored usage events as raw queries read them (bigints as
// text) and as the price calculator takes them: one list for prices:reprice and the restatement
// preview, which both price stored events again.
import type { TokenCounts } from "@/lib/usage/normalize";

const COLUMNS = ["input_uncached_tokens", "cache_read_tokens", "cache_write_tokens", "cache_write_1h_tokens", "output_tokens", "reasoning_tokens"] as const;

/** The SELECT list of those columns of usage_events, each read as `<alias>.<column>` when an alias is given. */
export function storedTokenColumns(alias?: string): string {
  const of = (column: string) => (alias ? `${alias}.${column}` : column);
  return [of("service_tier"), ...COLUMNS.map((c) => `${of(c)}::text AS ${c}`)].join(", ");
}

export interface StoredTokensRow {
  service_tier: string | null;
  input_uncached_tokens: string;
  cache_read_tokens: string;
  cache_write_tokens: string;
  cache_write_1h_tokens: string;
  output_tokens: string;
  reasoning_tokens: string;
}

export function storedTokenCounts(r: StoredTokensRow): TokenCounts {
  return {
    inputUncached: Number(r.input_uncached_tokens),
    cacheRead: Number(r.cache_read_tokens),
    cacheWrite: Number(r.cache_write_tokens),
    cacheWrite1h: Number(r.cache_write_1h_tokens),
    output: Number(r.output_tokens),
    reasoning: Number(r.reasoning_tokens),
  };
}
