// API keys look like spl_<prefix>_<secret>: the prefix (8 lowercase alphanumerics) finds the key,
// only a hash of the secret is stored. Secrets have ~238 bits of entropy, so a fast hash is right.
import { randomBytes, timingSafeEqual } from "node:crypto";
import { sha256Hex } from "./sha256";

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
const PREFIX_ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
const KEY_PATTERN = /^spl_([a-z0-9]{8})_([0-9A-Za-z]{32,})$/;

function randomString(length: number, alphabet: string): string {
  let out = "";
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // Rejection sampling keeps every character equally likely.
      if (byte < Math.floor(256 / alphabet.length) * alphabet.length) out += alphabet[byte % alphabet.length];
      if (out.length === length) break;
    }
  }
  return out;
}

export function generateApiKey(): { key: string; prefix: string; secretHash: string } {
  const prefix = randomString(8, PREFIX_ALPHABET);
  const secret = randomString(40, BASE62);
  return { key: `spl_${prefix}_${secret}`, prefix, secretHash: hashSecret(secret) };
}

export function parseApiKey(raw: string): { prefix: string; secret: string } | null {
  const m = KEY_PATTERN.exec(raw.trim());
  return m ? { prefix: m[1], secret: m[2] } : null;
}

export function hashSecret(secret: string): string {
  return sha256Hex(secret);
}

export function secretMatches(secret: string, storedHash: string): boolean {
  const a = Buffer.from(hashSecret(secret), "hex");
  const b = Buffer.from(storedHash, "hex");
  return a.length === b.length && timingSafeEqual(a, b);
}
