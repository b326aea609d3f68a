// Per-API-key rate limit (SPEC §5: the default allows at least 6,000 requests a minute with bursts
// of 1,000): a token bucket shared by every instance through the database
// (lib/server/rate-limit.ts), which each instance draws from in small chunks so that most requests
// cost no database round trip. This module is the pure part: configuration and the local chunks.
export interface RateLimitConfig {
  perMinute: number;
  burst: number;
}

export function rateLimitConfigFromEnv(env: NodeJS.ProcessEnv = process.env): RateLimitConfig {
  const perMinute = Number(env.SPENDLINE_RATE_LIMIT_PER_MINUTE ?? 6000);
  const burst = Number(env.SPENDLINE_RATE_LIMIT_BURST ?? 1000);
  return {
    perMinute: Number.isFinite(perMinute) && perMinute > 0 ? perMinute : 6000,
    burst: Number.isFinite(burst) && burst > 0 ? burst : 1000,
  };
}

/**
 * How many tokens an instance takes from the shared bucket at once: a twentieth of the burst, at
 * most 100. Tokens an instance holds count as spent for the others, so together the instances
 * never allow more than the bucket; a chunk only shifts which instance spends them.
 */
export function chunkSize(config: RateLimitConfig): number {
  return Math.max(1, Math.min(100, Math.floor(config.burst / 20)));
}

/** Tokens taken from the shared bucket are spent within this time or dropped (no late bursts). */
export const CHUNK_TTL_MS = 1_000;

/** One instance's tokens for one key, taken from the shared bucket. */
export class LocalAllowance {
  private tokens = 0;
  private until = 0;

  /** Spends one local token when there is a fresh one. */
  take(now = Date.now()): boolean {
    if (this.tokens > 0 && now < this.until) {
      this.tokens -= 1;
      return true;
    }
    return false;
  }

  /** Adds tokens just granted by the shared bucket (older ones are dropped). */
  refill(tokens: number, now = Date.now()): void {
    this.tokens = tokens;
    this.until = now + CHUNK_TTL_MS;
  }
}

/** Whole seconds for Retry-After (at least 1). */
export function retryAfterSeconds(seconds: number): number {
  return Math.max(1, Math.ceil(Number.isFinite(seconds) ? seconds : 1));
}
