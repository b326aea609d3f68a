// Password rules and hashing (SPEC §6 "sign-in resists guessing"): at least 12 characters, not
// among the 10,000 most common passwords (lib/data/common-passwords.json, see
// scripts/common-passwords.mjs for its source), and hashed so that no byte is ignored.
//
// bcrypt reads only the first 72 bytes of its input. New hashes therefore bcrypt a fixed-length
// digest of the whole password (HMAC-SHA-256, base64: 44 bytes) and are marked `$sl1$`; hashes
// written before that (plain bcrypt) stay verifiable and are upgraded at the next sign-in.
import bcrypt from "bcryptjs";
import { createHmac } from "node:crypto";
import commonPasswords from "./data/common-passwords.json";

const COST = Math.min(14, Math.max(4, Number(process.env.SPENDLINE_BCRYPT_COST ?? 11)));
export const MIN_PASSWORD_LENGTH = 12;
export const MAX_PASSWORD_LENGTH = 1024;
const PREHASH_MARK = "$sl1$";

const COMMON = new Set<string>(commonPasswords as string[]);

/** Why a password is too weak, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if ([...password].length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters long.`;
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters long.`;
  if (COMMON.has(password.toLowerCase()) || /^(.)\1+$/u.test(password)) return "Password is too common: choose one that is harder to guess.";
  return null;
}

function prehash(password: string): string {
  return createHmac("sha256", "spendline-password-v1").update(password, "utf8").digest("base64");
}

export async function hashPassword(password: string): Promise<string> {
  return PREHASH_MARK + (await bcrypt.hash(prehash(password), COST));
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  if (hash.startsWith(PREHASH_MARK)) return bcrypt.compare(prehash(password), hash.slice(PREHASH_MARK.length));
  return bcrypt.compare(password, hash);
}

/** True for hashes in an older format, to be replaced after a successful sign-in. */
export function needsRehash(hash: string): boolean {
  return !hash.startsWith(PREHASH_MARK);
}
