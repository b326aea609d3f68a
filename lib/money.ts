// Exact money. Every cost is a decimal.js value in code, Prisma Decimal in the database and a
// decimal string on the wire; it is rounded only when it is formatted for a person.
import DecimalJs from "decimal.js";

export const Decimal = DecimalJs.clone({ precision: 50, rounding: DecimalJs.ROUND_HALF_EVEN, toExpNeg: -40, toExpPos: 40 });
export type Decimal = InstanceType<typeof Decimal>;

/** Costs carry at most this many decimal places (SPEC §5). */
export const COST_SCALE = 12;

export type DecimalLike = Decimal | string | number | bigint | { toString(): string };

export function dec(value: DecimalLike | null | undefined): Decimal {
  if (value === null || value === undefined) return new Decimal(0);
  if (value instanceof Decimal) return value;
  if (typeof value === "bigint") return new Decimal(value.toString());
  if (typeof value === "number" || typeof value === "string") return new Decimal(value);
  return new Decimal(value.toString());
}

export function sum(values: Iterable<DecimalLike | null | undefined>): Decimal {
  let total = new Decimal(0);
  for (const v of values) total = total.plus(dec(v));
  return total;
}

/** Wire format: plain decimal string, up to 12 places, no exponent, no trailing zeros. */
export function toCostString(value: DecimalLike): string {
  return dec(value).toDecimalPlaces(COST_SCALE, Decimal.ROUND_HALF_UP).toFixed();
}

export function toCostStringOrNull(value: DecimalLike | null | undefined): string | null {
  return value === null || value === undefined ? null : toCostString(value);
}

/**
 * Display format for people: "$1,234.56"; amounts under a cent keep enough places to stay
 * visible ("$0.000125"), never a misleading "$0.00".
 */
export function formatUsd(value: DecimalLike | null | undefined, options: { exact?: boolean } = {}): string {
  if (value === null || value === undefined) return "—";
  const d = dec(value);
  const negative = d.isNegative();
  const abs = d.abs();
  let places = 2;
  if (options.exact) {
    places = Math.max(2, Math.min(COST_SCALE, abs.decimalPlaces()));
  } else if (!abs.isZero() && abs.lessThan(0.01)) {
    places = Math.min(COST_SCALE, Math.max(4, -Math.floor(Math.log10(abs.toNumber())) + 2));
  }
  const fixed = abs.toFixed(places, Decimal.ROUND_HALF_UP);
  const [int, frac] = fixed.split(".");
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  const trimmedFrac = options.exact || places > 2 ? (frac ?? "").replace(/0+$/, "").padEnd(2, "0") : frac;
  return `${negative ? "-" : ""}$${grouped}${trimmedFrac ? `.${trimmedFrac}` : ""}`;
}

/** Always cents ("$1,234.56"); a non-zero amount under half a cent reads "<$0.01" rather than "$0.00". */
export function formatCents(value: DecimalLike | null | undefined): string {
  if (value === null || value === undefined) return "—";
  const d = dec(value);
  if (!d.isZero() && d.abs().lessThan(0.005)) return d.isNegative() ? "-<$0.01" : "<$0.01";
  const fixed = d.abs().toFixed(2, Decimal.ROUND_HALF_UP);
  const [int, frac] = fixed.split(".");
  return `${d.isNegative() ? "-" : ""}$${int.replace(/\B(?=(\d{3})+(?!\d))/g, ",")}.${frac}`;
}
