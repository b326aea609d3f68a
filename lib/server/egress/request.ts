// One outbound POST: the host is resolved and checked (url.ts), the socket connects to exactly
// that address (TLS still verifies the host name), redirects are never followed, and the whole
// exchange has a deadline. Only the status and a short start of the body are kept.
import http from "node:http";
import https from "node:https";
import type { LookupFunction } from "node:net";
import { EgressRefused, resolveOutbound } from "./url";

export interface OutboundResult {
  /** HTTP status, or null when no answer came. */
  status: number | null;
  ok: boolean;
  /** Why it failed (refused, network error, timeout, non-2xx), or null. */
  error: string | null;
  /** True when the request was not sent because the address is not allowed. */
  refused: boolean;
}

const MAX_BODY = 4096;

export async function postOutbound(raw: string, options: { headers: Record<string, string>; body: string; timeoutMs: number }): Promise<OutboundResult> {
  const deadline = Date.now() + options.timeoutMs;
  let target;
  try {
    target = await resolveOutbound(raw, { timeoutMs: options.timeoutMs });
  } catch (err) {
    if (err instanceof EgressRefused) return { status: null, ok: false, error: err.message, refused: true };
    throw err;
  }
  const { url, address } = target;
  const pinned: LookupFunction = (_hostname, opts, callback) => {
    if (opts && (opts as { all?: boolean }).all) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [address]);
    else callback(null, address.address, address.family);
  };
  const client = url.protocol === "https:" ? https : http;
  return new Promise<OutboundResult>((resolve) => {
    let settled = false;
    const finish = (r: Omit<OutboundResult, "refused">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve({ ...r, refused: false });
    };
    const req = client.request(
      url,
      {
        method: "POST",
        headers: { ...options.headers, "content-length": Buffer.byteLength(options.body).toString() },
        lookup: pinned,
        agent: false,
      },
      (res) => {
        const status = res.statusCode ?? null;
        let size = 0;
        res.on("data", (chunk: Buffer) => {
          size += chunk.length;
          if (size > MAX_BODY) res.destroy();
        });
        const done = () => {
          const ok = status !== null && status >= 200 && status < 300;
          const redirect = status !== null && status >= 300 && status < 400;
          finish({ status, ok, error: ok ? null : redirect ? `HTTP ${status} (redirects are not followed)` : `HTTP ${status}` });
        };
        res.on("end", done);
        res.on("close", done);
        res.on("error", done);
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      finish({ status: null, ok: false, error: `no answer within ${options.timeoutMs} ms` });
    }, Math.max(1, deadline - Date.now()));
    timer.unref();
    req.on("error", (err) => finish({ status: null, ok: false, error: (err.message || String(err)).slice(0, 500) }));
    req.end(options.body);
  });
}
