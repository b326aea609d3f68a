// Token bucket per API key: `perMinute` sustained, bursts up to `burst`.
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

export class RateLimiter {
  private buckets = new Map<string, { tokens: number; at: number }>();
  constructor(private config: RateLimitConfig) {}

  /** Takes one token; returns 0 when allowed, else the seconds to wait before retrying. */
  take(key: string, now = Date.now()): number {
    const rate = this.config.perMinute / 60_000;
    const b = this.buckets.get(key) ?? { tokens: this.config.burst, at: now };
    b.tokens = Math.min(this.config.burst, b.tokens + (now - b.at) * rate);
    b.at = now;
    this.buckets.set(key, b);
    if (b.tokens >= 1) {
      b.tokens -= 1;
      return 0;
    }
    return Math.max(1, Math.ceil((1 - b.tokens) / rate / 1000));
  }
}
