// Shared by the console's read models (overview, usage log, CSV): which organisations a request
// may read, and SQL predicates for the URL filters. Every value is a bind parameter.
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
