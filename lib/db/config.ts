import path from "node:path";

/** Where the embedded database lives when no DATABASE_URL is set. */
export function dataDir(): string {
  return path.resolve(/*turbopackIgnore: true*/ process.env.SPENDLINE_DATA_DIR ?? path.join(/*turbopackIgnore: true*/ process.cwd(), ".data"));
}

export function databaseUrl(): string | undefined {
  const url = process.env.DATABASE_URL?.trim();
  return url ? url : undefined;
}

export function describeDatabase(): string {
  const url = databaseUrl();
  if (!url) return `embedded PGlite in ${dataDir()}`;
  try {
    const u = new URL(url);
    return `PostgreSQL at ${u.hostname}${u.port ? `:${u.port}` : ""}${u.pathname}`;
  } catch {
    return "PostgreSQL";
  }
}
