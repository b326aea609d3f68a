import bcrypt from "bcryptjs";

const COST = Math.min(14, Math.max(4, Number(process.env.SPENDLINE_BCRYPT_COST ?? 11)));

const COMMON = new Set(["password", "password1", "12345678", "123456789", "qwertyui", "iloveyou", "letmein1", "abcdefgh"]);

/** Why a password is too weak, or null when it is acceptable. */
export function passwordProblem(password: string): string | null {
  if (password.length < 8) return "Password must be at least 8 characters long.";
  if (password.length > 200) return "Password must be at most 200 characters long.";
  if (COMMON.has(password.toLowerCase()) || /^(.)\1+$/.test(password)) return "Password is too easy to guess.";
  return null;
}

export function hashPassword(password: string): Promise<string> {
  return bcrypt.hash(password, COST);
}

export function verifyPassword(password: string, hash: string): Promise<boolean> {
  return bcrypt.compare(password, hash);
}
