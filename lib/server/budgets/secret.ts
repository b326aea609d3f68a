// The key that signs override tokens: the instance's auth secret. Redeeming a token happens
// inside the ingest transaction, where only that transaction may touch the database (PGlite
// has one connection), so the secret is remembered once read.
import { getAuthSecret } from "../app-settings";
import type { Sql } from "./store";

let remembered: string | null = null;

export async function overrideSigningSecret(): Promise<string> {
  remembered ??= await getAuthSecret();
  return remembered;
}

/** The secret as seen from inside a transaction; null when none was ever created (so no token exists). */
export async function overrideSigningSecretInTransaction(tx: Sql): Promise<string | null> {
  const fromEnv = process.env.AUTH_SECRET ?? process.env.NEXTAUTH_SECRET;
  if (fromEnv) return fromEnv;
  if (remembered) return remembered;
  const [row] = await tx.query<{ value: string }>(`SELECT value FROM app_settings WHERE key = 'auth_secret'`);
  if (row) remembered = row.value;
  return remembered;
}
