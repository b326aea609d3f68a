// Shared by the console's read models (overview, usage log, CSV): which organisations a request
// may read, and SQL predicates for the URL filters. Every value is a bind parameter.
import { planRollupRange, type DayRange } from "@/lib/dashboard/rollup-range";
import { assertOrgRole, readableOrgIds, type Actor } from "./authz";

/** Organisation ids to read: one (checked), every readable one, or null for all (super admins). */
export function scopeOrgIds(actor: Actor, orgId: string | null): string[] | null {
  if (orgId) {
    assertOrgRole(actor, orgId, "viewer");
    return [orgId];
  }
  return readableOrgIds(actor, "viewer");
}

/** Collects AND-ed predicates and their parameters ($1, $2, … in order). */
export class SqlWhere {
  readonly parts: string[] = [];
  readonly params: unknown[] = [];

  /** Adds a parameter and returns its placeholder. */
  param(value: unknown): string {
    this.params.push(value);
    return `$${this.params.length}`;
  }

  add(predicate: string): this {
    this.parts.push(predicate);
    return this;
  }

  /** `column = value` when value is set. */
  equals(column: string, value: string | null | undefined): this {
    if (value !== null && value !== undefined) this.add(`${column} = ${this.param(value)}`);
    return this;
  }

  orgs(column: string, ids: string[] | null): this {
    if (ids !== null) this.add(`${column} = ANY(${this.param(ids)}::uuid[])`);
    return this;
  }

  get sql(): string {
    return this.parts.length ? `WHERE ${this.parts.join(" AND ")}` : "";
  }
}

/**
 * A FROM item with the roll-up rows of the days `from` to `to` (see planRollupRange): `dims` as
 * they are, `measures` (alias → expression over one roll-up row) negated on the days subtracted.
 * `where` holds the filters; each part of the union repeats them. Sum the measures and keep the
 * groups whose summed requests are above 0: a group whose days were all subtracted had no usage
 * in the range.
 */
export function rollupRangeSource(where: SqlWhere, from: string, to: string, today: string, dims: string[], measures: Record<string, string>): string {
  const plan = planRollupRange(from, to, today);
  const filters = where.parts.length ? `${where.parts.join(" AND ")} AND ` : "";
  const select = (sign: "" | "-") => [...dims, ...Object.entries(measures).map(([alias, expr]) => `${sign}(${expr}) AS ${alias}`)].join(", ");
  const days = (ranges: DayRange[]) => `(${ranges.map(([a, b]) => `day BETWEEN ${where.param(a)}::date AND ${where.param(b)}::date`).join(" OR ")})`;
  const parts: string[] = [];
  if (plan.months.length) parts.push(`SELECT ${select("")} FROM monthly_rollups WHERE ${filters}month = ANY(${where.param(plan.months)}::date[])`);
  if (plan.add.length) parts.push(`SELECT ${select("")} FROM daily_rollups WHERE ${filters}${days(plan.add)}`);
  if (plan.subtract.length) parts.push(`SELECT ${select("-")} FROM daily_rollups WHERE ${filters}${days(plan.subtract)}`);
  return `(${parts.join(" UNION ALL ")}) AS r`;
}
