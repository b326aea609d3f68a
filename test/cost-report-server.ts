// A local stand-in of the providers' admin cost APIs for bills:fetch tests: serves the pages of a
// fixture one at a time (`next_page` → `page`), checks the admin key, and answers 429 with
// Retry-After to the first request and every `throttleEvery`-th one after it. Loopback only.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface CostReportServer {
  url: string;
  requests: { path: string; query: URLSearchParams; headers: Record<string, string | string[] | undefined>; status: number }[];
  close(): Promise<void>;
}

export async function startCostReportServer(options: { pages: Record<string, unknown>[]; adminKey: string; provider: "openai" | "anthropic"; throttleEvery?: number; retryAfter?: string }): Promise<CostReportServer> {
  const requests: CostReportServer["requests"] = [];
  let count = 0;
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    count += 1;
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      requests.push({ path: url.pathname, query: url.searchParams, headers: req.headers, status });
      res.writeHead(status, { "content-type": "application/json", ...headers }).end(JSON.stringify(body));
    };
    const expectedPath = options.provider === "openai" ? "/v1/organization/costs" : "/v1/organizations/cost_report";
    if (url.pathname !== expectedPath) return send(404, { error: { message: "not found" } });
    const key = options.provider === "openai" ? req.headers.authorization?.replace(/^Bearer /, "") : req.headers["x-api-key"];
    if (key !== options.adminKey) return send(401, { error: { message: "invalid admin key" } });
    if (count === 1 || (options.throttleEvery && count % options.throttleEvery === 0)) return send(429, { error: { message: "rate limited" } }, { "retry-after": options.retryAfter ?? "1" });
    const token = url.searchParams.get("page");
    const index = token ? Number(token.replace("page_", "")) : 0;
    const page = options.pages[index];
    if (!page) return send(400, { error: { message: `bad page ${token}` } });
    const last = index === options.pages.length - 1;
    send(200, { ...page, has_more: !last, next_page: last ? null : `page_${index + 1}` });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
