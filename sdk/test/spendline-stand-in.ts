// A local stand-in of Spendline's ingest and budget-check endpoints (loopback only), for the SDK's
// unit tests: it records every request and answers as told, else as Spendline does.
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export interface SpendlineRequest {
  path: string;
  headers: IncomingMessage["headers"];
  raw: string;
  body: Record<string, unknown>;
  at: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** A scripted answer: a reply, or "destroy" to drop the connection (a network error). */
export type Scripted = Reply | "destroy";

export interface SpendlineStandIn {
  url: string;
  requests: SpendlineRequest[];
  /** Answers for the next ingest requests, in order; then the default (200, all created). */
  usageScript: Scripted[];
  /** Answers for the next budget checks, in order; then `allow` with no budget. */
  checkScript: Scripted[];
  usageRequests(): SpendlineRequest[];
  checkRequests(): SpendlineRequest[];
  /** Every event of every ingest request, in order (retries included). */
  sentEvents(): Record<string, unknown>[];
  close(): Promise<void>;
}

export function createdResults(events: Record<string, unknown>[]) {
  return {
    results: events.map((e) => ({ event_id: e.event_id, status: "created", cost_usd: "0.001", priced: true, budget_override: Boolean(e.override_token), over_budget: false })),
  };
}

export async function startSpendlineStandIn(): Promise<SpendlineStandIn> {
  const requests: SpendlineRequest[] = [];
  const standIn: SpendlineStandIn = {
    url: "",
    requests,
    usageScript: [],
    checkScript: [],
    usageRequests: () => requests.filter((r) => r.path === "/api/v1/usage"),
    checkRequests: () => requests.filter((r) => r.path === "/api/v1/budgets/check"),
    sentEvents: () => standIn.usageRequests().flatMap((r) => (r.body.events as Record<string, unknown>[]) ?? []),
    close: async () => undefined,
  };
  const server = createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString("utf8");
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(raw) as Record<string, unknown>;
    } catch {
      // recorded as is
    }
    const path = (req.url ?? "").split("?")[0];
    requests.push({ path, headers: req.headers, raw, body, at: Date.now() });
    const script = path === "/api/v1/usage" ? standIn.usageScript : path === "/api/v1/budgets/check" ? standIn.checkScript : [];
    const scripted = script.shift();
    if (scripted === "destroy") {
      req.socket.destroy();
      return;
    }
    const reply: Reply =
      scripted ??
      (path === "/api/v1/usage"
        ? { status: 200, body: createdResults((body.events as Record<string, unknown>[]) ?? [body]) }
        : path === "/api/v1/budgets/check"
          ? { status: 200, body: { decision: "allow", budgets: [] } }
          : { status: 404, body: { error: { code: "not_found", message: "Not found." } } });
    res.writeHead(reply.status, { "content-type": "application/json", ...(reply.headers ?? {}) });
    res.end(reply.body === undefined ? "" : JSON.stringify(reply.body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  standIn.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  standIn.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return standIn;
}
