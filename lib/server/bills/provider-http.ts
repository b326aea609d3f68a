// The one outbound HTTP call of bills:fetch: a GET of one cost-report page from a provider's
// admin API. Kept alone so that it can be routed through the shared egress module.
export interface ProviderResponse {
  status: number;
  /** Seconds to wait, from a Retry-After header (delta-seconds or HTTP date), when present. */
  retryAfterSeconds: number | null;
  body: unknown;
}

export const PROVIDER_TIMEOUT_MS = 30_000;

function retryAfter(value: string | null, now = Date.now()): number | null {
  if (!value) return null;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value.trim());
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, (at - now) / 1000);
}

export async function getProviderJson(url: URL, headers: Record<string, string>): Promise<ProviderResponse> {
  const res = await fetch(url, { method: "GET", headers: { accept: "application/json", ...headers }, redirect: "error", signal: AbortSignal.timeout(PROVIDER_TIMEOUT_MS) });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = { error: { message: text.slice(0, 200) } };
  }
  return { status: res.status, retryAfterSeconds: retryAfter(res.headers.get("retry-after")), body };
}
