// A plain node:http server around the public API route handlers, so that tests and the benchmark
// can run several app instances as separate processes without a Next.js build.
// Run: `node --import tsx test/http-server.ts` (PORT, default 0 = any free port; prints `listening <port>`).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { pathToFileURL } from "node:url";
import { GET as health } from "@/app/api/health/route";
import { GET as openapi } from "@/app/api/v1/openapi.json/route";
import { POST as otelTraces } from "@/app/api/v1/otel/v1/traces/route";
import { GET as summary } from "@/app/api/v1/usage/summary/route";
import { POST as usage } from "@/app/api/v1/usage/route";

type Handler = (req: Request, ctx: unknown) => Promise<Response> | Response;

const ROUTES: Record<string, Handler> = {
  "POST /api/v1/usage": usage,
  "GET /api/v1/usage/summary": summary,
  "POST /api/v1/otel/v1/traces": otelTraces,
  "GET /api/v1/openapi.json": openapi,
  "GET /api/health": health,
};

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? "/", `http://${req.headers.host ?? "localhost"}`);
  const handler = ROUTES[`${req.method} ${url.pathname}`];
  if (!handler) {
    res.writeHead(404, { "content-type": "application/json" }).end('{"error":{"code":"not_found","message":"Not found"}}');
    return;
  }
  const headers = new Headers();
  for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
  const body = req.method === "GET" || req.method === "HEAD" ? undefined : new Uint8Array(await readBody(req));
  const response = await handler(new Request(url, { method: req.method, headers, body }), { params: Promise.resolve({}) });
  const out = Buffer.from(await response.arrayBuffer());
  res.writeHead(response.status, Object.fromEntries(response.headers.entries()));
  res.end(out);
}

export function createApiServer(): Server {
  return createServer((req, res) => {
    handle(req, res).catch((err) => {
      res.writeHead(500, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "internal_error", message: String(err) } }));
    });
  });
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  const server = createApiServer();
  server.keepAliveTimeout = 60_000;
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1", () => {
    const address = server.address();
    console.log(`listening ${typeof address === "object" && address ? address.port : ""}`);
  });
  const stop = () => server.close(() => process.exit(0));
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}
