// The per-key rate limit shared by every instance (SPEC §5: 429 with Retry-After). The bucket lives
// in the database (rate_limit_buckets, taken from by the SQL function spendline_rate_limit_take in
// one round trip, under the row lock); each instance draws chunks of tokens from it
// (lib/rate-limit.ts), so two instances together never allow more than one bucket, and most
// requests cost no round trip. Concurrent requests of one key in one instance share one refill.
import { getDatabase } from "@/lib/db/client";
import { chunkSize, LocalAllowance, rateLimitConfigFromEnv, retryAfterSeconds, type RateLimitConfig } from "@/lib/rate-limit";

const MAX_KEYS = 100_000;

export class SharedRateLimiter {
  private allowances = new Map<string, LocalAllowance>();
  private refills = new Map<string, Promise<number>>();

  constructor(private config: RateLimitConfig) {}

  /** Takes one token for `key`; resolves 0 when allowed, else the seconds to wait (Retry-After). */
  async take(key: string): Promise<number> {
    let allowance = this.allowances.get(key);
    if (!allowance) {
      if (this.allowances.size >= MAX_KEYS) this.allowances.clear();
      this.allowances.set(key, (allowance = new LocalAllowance()));
    }
    for (;;) {
      if (allowance.take()) return 0;
      const pending = this.refills.get(key);
      if (pending) {
        // Another request of this key is refilling: wait for it, then try the new tokens.
        const wait = await pending;
        if (wait > 0) return wait;
        continue;
      }
      const refill = this.refill(key, allowance).finally(() => this.refills.delete(key));
      this.refills.set(key, refill);
      const wait = await refill;
      if (wait > 0) return wait;
    }
  }

  private async refill(key: string, allowance: LocalAllowance): Promise<number> {
    const db = await getDatabase();
    const [row] = await db.sql.query<{ granted: number; retry_after: number }>("SELECT granted, retry_after FROM spendline_rate_limit_take($1, $2, $3, $4)", [
      key,
      this.config.burst,
      this.config.perMinute / 60,
      chunkSize(this.config),
    ], "spendline_rate_limit_take");
    const granted = Number(row?.granted ?? 0);
    if (granted <= 0) return retryAfterSeconds(Number(row?.retry_after ?? 1));
    allowance.refill(granted);
    return 0;
  }
}

const limiterKey = Symbol.for("spendline.rateLimiter");

/** The process-wide limiter, configured from the environment when first used. */
export function rateLimiter(): SharedRateLimiter {
  const g = globalThis as typeof globalThis & { [limiterKey]?: SharedRateLimiter };
  g[limiterKey] ??= new SharedRateLimiter(rateLimitConfigFromEnv());
  return g[limiterKey];
}
