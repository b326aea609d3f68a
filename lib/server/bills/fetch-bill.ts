// bills:fetch (SPEC §3): reads a provider's cost report for a range of UTC days from its admin API,
// every page (`page` = the previous `next_page`), waiting out 429 answers as Retry-After asks, and
// returns the pages exactly as the provider sent them, for the same parser and import as a file.
import { addDays } from "@/lib/dashboard/dates";
import type { BillProvider } from "@/lib/bills/parse";
import { getProviderJson, type ProviderResponse } from "./provider-http";

export const DEFAULT_BASE_URLS: Record<BillProvider, string> = {
  openai: "https://api.openai.com",
  anthropic: "https://api.anthropic.com",
};

export const ADMIN_KEY_ENV: Record<BillProvider, string> = {
  openai: "OPENAI_ADMIN_KEY",
  anthropic: "ANTHROPIC_ADMIN_KEY",
};

export class BillFetchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BillFetchError";
  }
}

export interface FetchBillOptions {
  provider: BillProvider;
  /** UTC dates, both inclusive. */
  from: string;
  to: string;
  adminKey: string;
  baseUrl?: string;
  /** Stop after this many 429/5xx answers in a row. */
  maxRetries?: number;
  /** Longest wait for one Retry-After, in seconds. */
  maxWaitSeconds?: number;
  onPage?: (pages: number) => void;
  onWait?: (seconds: number, status: number) => void;
  /** For tests: how to wait. */
  sleep?: (ms: number) => Promise<void>;
  get?: (url: URL, headers: Record<string, string>) => Promise<ProviderResponse>;
}

const MAX_PAGES = 10_000;

function endpoint(provider: BillProvider, baseUrl: string): URL {
  const base = baseUrl.replace(/\/+$/, "");
  const withVersion = /\/v1$/.test(base) ? base : `${base}/v1`;
  let url: URL;
  try {
    url = new URL(`${withVersion}/${provider === "openai" ? "organization/costs" : "organizations/cost_report"}`);
  } catch {
    throw new BillFetchError(`--base-url "${baseUrl}" is not a URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new BillFetchError(`--base-url must be http(s), not ${url.protocol}`);
  return url;
}

function pageUrl(o: FetchBillOptions, page: string | null): URL {
  const url = endpoint(o.provider, o.baseUrl ?? DEFAULT_BASE_URLS[o.provider]);
  const end = addDays(o.to, 1);
  const q = url.searchParams;
  if (o.provider === "openai") {
    q.set("start_time", String(Date.parse(`${o.from}T00:00:00Z`) / 1000));
    q.set("end_time", String(Date.parse(`${end}T00:00:00Z`) / 1000));
    q.set("bucket_width", "1d");
    q.append("group_by", "line_item");
    q.append("group_by", "project_id");
    q.set("limit", "180");
  } else {
    q.set("starting_at", `${o.from}T00:00:00Z`);
    q.set("ending_at", `${end}T00:00:00Z`);
    q.set("bucket_width", "1d");
    q.append("group_by[]", "description");
    q.append("group_by[]", "workspace_id");
    q.set("limit", "31");
  }
  if (page) q.set("page", page);
  return url;
}

function headersFor(o: FetchBillOptions): Record<string, string> {
  return o.provider === "openai" ? { authorization: `Bearer ${o.adminKey}` } : { "x-api-key": o.adminKey, "anthropic-version": "2023-06-01" };
}

function providerMessage(body: unknown): string {
  const error = (body as { error?: { message?: unknown } } | null)?.error;
  const msg = typeof error?.message === "string" ? error.message : "";
  return msg ? `: ${msg.replace(/\s+/g, " ").slice(0, 200)}` : "";
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export async function fetchBillPages(o: FetchBillOptions): Promise<unknown[]> {
  const get = o.get ?? getProviderJson;
  const sleep = o.sleep ?? defaultSleep;
  const maxRetries = o.maxRetries ?? 8;
  const maxWait = o.maxWaitSeconds ?? 120;
  const pages: unknown[] = [];
  const seen = new Set<string>();
  let page: string | null = null;
  let retries = 0;
  for (;;) {
    const url = pageUrl(o, page);
    let res: ProviderResponse;
    try {
      res = await get(url, headersFor(o));
    } catch (err) {
      throw new BillFetchError(`cannot reach ${url.origin}: ${(err as Error).message.split("\n")[0]}`);
    }
    if (res.status === 429 || res.status >= 500) {
      retries += 1;
      if (retries > maxRetries) throw new BillFetchError(`${o.provider} answered ${res.status} ${retries} times in a row; try again later`);
      const seconds = Math.min(maxWait, res.retryAfterSeconds ?? 2 ** (retries - 1));
      o.onWait?.(seconds, res.status);
      await sleep(seconds * 1000);
      continue;
    }
    retries = 0;
    if (res.status === 401 || res.status === 403) throw new BillFetchError(`${o.provider} refused the admin key (HTTP ${res.status})${providerMessage(res.body)}`);
    if (res.status < 200 || res.status >= 300) throw new BillFetchError(`${o.provider} answered HTTP ${res.status}${providerMessage(res.body)}`);
    pages.push(res.body);
    o.onPage?.(pages.length);
    const body = res.body as { has_more?: unknown; next_page?: unknown } | null;
    if (!body || body.has_more !== true) break;
    if (typeof body.next_page !== "string" || !body.next_page) throw new BillFetchError(`${o.provider} said has_more without a next_page (page ${pages.length})`);
    if (seen.has(body.next_page) || pages.length >= MAX_PAGES) throw new BillFetchError(`${o.provider} repeated the page token "${body.next_page}"; stopped paging`);
    seen.add(body.next_page);
    page = body.next_page;
  }
  return pages;
}
