// Burn-rate projection for a budget period: the spend at the period's end if the rate so far
// continues, and when the limit would be reached at that rate.
import { Decimal, dec, type DecimalLike } from "@/lib/money";
import { periodLengthMs, type PeriodRange } from "./periods";

export interface Projection {
  /** Spend per day so far in the period. */
  dailyRate: Decimal;
  projectedSpend: Decimal;
  /** When spend reaches the limit at the current rate; `now` if already there; null if never in this period. */
  limitReachedAt: Date | null;
}

const DAY_MS = 86_400_000;

/**
 * A period that has barely started would extrapolate one early call into an absurd rate, so
 * the elapsed time counts as at least a thirtieth of the period (a day of a month).
 */
export function projectPeriod(input: { spent: DecimalLike; limit: DecimalLike; period: PeriodRange; now: Date }): Projection {
  const spent = dec(input.spent);
  const limit = dec(input.limit);
  const { start, end } = input.period;
  const length = periodLengthMs(input.period);
  const nowMs = Math.min(Math.max(input.now.getTime(), start.getTime()), end.getTime());
  const elapsed = Math.max(nowMs - start.getTime(), length / 30);
  // Multiply before dividing so that round rates stay exact.
  const projectedSpend = spent.plus(spent.times(end.getTime() - nowMs).dividedBy(elapsed));
  let limitReachedAt: Date | null = null;
  if (spent.greaterThanOrEqualTo(limit)) {
    limitReachedAt = new Date(nowMs);
  } else if (spent.greaterThan(0)) {
    const at = nowMs + limit.minus(spent).times(elapsed).dividedBy(spent).ceil().toNumber();
    limitReachedAt = at < end.getTime() ? new Date(at) : null;
  }
  return { dailyRate: spent.times(DAY_MS).dividedBy(elapsed), projectedSpend, limitReachedAt };
}
