// Override tokens (SPEC §5): a `confirm` answer carries a signed, short-lived token that lets
// one usage event through as an authorised override. The signature binds it to the
// organisation, end user and project it was issued for; single use is enforced where it is
// redeemed (usage_events.override_token_id is unique).
import { createHmac, randomUUID, timingSafeEqual } from "node:crypto";

export const OVERRIDE_TOKEN_TTL_SECONDS = 15 * 60;
const PREFIX = "spo1";

export interface OverrideClaims {
  /** Token id, recorded on the event that uses it. */
  jti: string;
  orgId: string;
  /** End user's external id, or null when the check named none. */
  user: string | null;
  /** Project key, or null. */
  project: string | null;
  /** The soft budgets the confirmed call goes over. */
  budgetIds: string[];
  /** Prefix of the API key that asked, for "override by" when no end user is named. */
  keyPrefix: string | null;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

function sign(secret: string, payload: string): string {
  return createHmac("sha256", secret).update(`${PREFIX}.${payload}`).digest("base64url");
}

export function issueOverrideToken(
  secret: string,
  claims: Omit<OverrideClaims, "jti" | "exp">,
  now = new Date(),
  ttlSeconds = OVERRIDE_TOKEN_TTL_SECONDS,
): { token: string; claims: OverrideClaims } {
  const full: OverrideClaims = { ...claims, jti: randomUUID(), exp: Math.floor(now.getTime() / 1000) + ttlSeconds };
  const payload = Buffer.from(JSON.stringify(full)).toString("base64url");
  return { token: `${PREFIX}.${payload}.${sign(secret, payload)}`, claims: full };
}

function isClaims(value: unknown): value is OverrideClaims {
  if (!value || typeof value !== "object") return false;
  const c = value as Record<string, unknown>;
  const nullableString = (v: unknown) => v === null || typeof v === "string";
  return (
    typeof c.jti === "string" &&
    typeof c.orgId === "string" &&
    nullableString(c.user) &&
    nullableString(c.project) &&
    nullableString(c.keyPrefix) &&
    Array.isArray(c.budgetIds) &&
    c.budgetIds.every((b) => typeof b === "string") &&
    typeof c.exp === "number"
  );
}

/** The token's claims when its signature is good and it has not expired; otherwise null. */
export function readOverrideToken(secret: string, token: string, now = new Date()): OverrideClaims | null {
  const parts = token.split(".");
  if (parts.length !== 3 || parts[0] !== PREFIX) return null;
  const [, payload, signature] = parts;
  const expected = Buffer.from(sign(secret, payload));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
  } catch {
    return null;
  }
  if (!isClaims(claims)) return null;
  if (claims.exp * 1000 <= now.getTime()) return null;
  return claims;
}

/**
 * A valid token is good only for the organisation, end user and project it names, and only when
 * the event comes with the API key that asked for it (a token issued without a key, e.g. by a
 * test, names none and is bound by the rest alone).
 */
export function overrideTokenMatches(claims: OverrideClaims, event: { orgId: string; user: string | null; project: string | null; keyPrefix?: string | null }): boolean {
  if (claims.keyPrefix !== null && claims.keyPrefix !== (event.keyPrefix ?? null)) return false;
  return claims.orgId === event.orgId && claims.user === event.user && claims.project === event.project;
}
