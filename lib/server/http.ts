// Route-handler plumbing for the public API: JSON errors in SPEC §5's shape, API-key auth,
// per-key rate limiting, and "database unavailable" → 503 with Retry-After.
import { rateLimiter } from "./rate-limit";
import { AppError, type ErrorCode } from "./errors";
import { authenticateApiKey, type ApiKeyPrincipal } from "./api-keys";

export function jsonResponse(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json; charset=utf-8", "cache-control": "no-store", ...headers },
  });
}

export function jsonError(code: ErrorCode | string, message: string, status: number, details?: unknown, headers: Record<string, string> = {}): Response {
  return jsonResponse({ error: { code, message, ...(details === undefined ? {} : { details }) } }, status, headers);
}

const UNAVAILABLE_CODES = new Set(["ECONNREFUSED", "ECONNRESET", "ETIMEDOUT", "EPIPE", "ENOTFOUND", "EHOSTUNREACH", "P1001", "P1002", "P1017", "57P01", "57P02", "57P03", "53300"]);

/** True when an error means the database could not be reached (not that a query was wrong). */
export function isDatabaseUnavailable(err: unknown, depth = 0): boolean {
  if (!err || typeof err !== "object" || depth > 5) return false;
  const e = err as { code?: unknown; message?: unknown; cause?: unknown; kind?: unknown; originalCode?: unknown };
  if (typeof e.code === "string" && (UNAVAILABLE_CODES.has(e.code) || e.code.startsWith("08"))) return true;
  if (typeof e.originalCode === "string" && (UNAVAILABLE_CODES.has(e.originalCode) || e.originalCode.startsWith("08"))) return true;
  if (e.kind === "DatabaseNotReachable" || e.kind === "ConnectionClosed" || e.kind === "SocketTimeout") return true;
  if (typeof e.message === "string" && /connect(ion)? (refused|terminated|timeout)|Connection terminated|timeout exceeded when trying to connect|Can't reach database|server closed the connection|terminating connection/i.test(e.message)) return true;
  return isDatabaseUnavailable(e.cause, depth + 1);
}

export const RETRY_AFTER_SECONDS = "5";

/** Turns any error into the JSON error answer; unexpected errors are logged without request data. */
export function errorResponse(err: unknown): Response {
  if (err instanceof AppError) return jsonError(err.code, err.message, err.status, err.details, err.code === "database_unavailable" ? { "retry-after": RETRY_AFTER_SECONDS } : {});
  if (isDatabaseUnavailable(err)) {
    return jsonError("database_unavailable", "The database is unavailable; nothing was stored. Retry later.", 503, undefined, { "retry-after": RETRY_AFTER_SECONDS });
  }
  console.error("Unexpected error in API handler:", err instanceof Error ? `${err.name}: ${err.message}` : String(err));
  return jsonError("internal_error", "Internal server error.", 500);
}

export function bearerToken(req: Request): string | null {
  const header = req.headers.get("authorization");
  if (!header) return null;
  const m = /^Bearer\s+(.+)$/i.exec(header.trim());
  return m ? m[1].trim() : null;
}

type KeyHandler<C> = (req: Request, principal: ApiKeyPrincipal, ctx: C) => Promise<Response>;

/** Wraps a public API handler: the API key decides the organisation; errors become JSON. */
export function withApiKey<C = unknown>(handler: KeyHandler<C>) {
  return async (req: Request, ctx: C): Promise<Response> => {
    try {
      const principal = await authenticateApiKey(bearerToken(req));
      if (!principal) return jsonError("unauthorized", "Missing, invalid or revoked API key.", 401);
      const wait = await rateLimiter().take(principal.keyId);
      if (wait > 0) return jsonError("rate_limited", "Too many requests for this API key.", 429, undefined, { "retry-after": String(wait) });
      return await handler(req, principal, ctx);
    } catch (err) {
      return errorResponse(err);
    }
  };
}

/** Reads a body of at most `maxBytes` (413 otherwise): the declared length first, then as it streams. */
export async function readBody(req: Request, maxBytes: number): Promise<Buffer> {
  const declared = Number(req.headers.get("content-length") ?? NaN);
  if (Number.isFinite(declared) && declared > maxBytes) {
    throw new AppError("payload_too_large", `Request body is larger than ${maxBytes} bytes.`);
  }
  // A declared length within the limit: Node's parser ends the body there, so it is read whole.
  if (Number.isFinite(declared)) return Buffer.from(await req.arrayBuffer());
  const reader = req.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel().catch(() => {});
        throw new AppError("payload_too_large", `Request body is larger than ${maxBytes} bytes.`);
      }
      chunks.push(value);
    }
  }
  return Buffer.concat(chunks);
}

/** The media type of a request, lower-cased, without parameters such as `charset`. */
export function mediaType(req: Request): string | undefined {
  return req.headers.get("content-type")?.split(";")[0].trim().toLowerCase();
}

/** Reads a JSON body the way SPEC §5 asks: content type first, size before parsing, then JSON. */
export async function readJsonBody(req: Request, maxBytes: number): Promise<unknown> {
  if (mediaType(req) !== "application/json") {
    throw new AppError("unsupported_media_type", "Content-Type must be application/json.");
  }
  const text = (await readBody(req, maxBytes)).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    throw new AppError("invalid_json", "Request body is not valid JSON.");
  }
}
