// alerts:configure and alerts:test as an operator runs them (SPEC §3): a real process, a real
// database, receivers on loopback (allowed with SPENDLINE_WEBHOOK_ALLOW_PRIVATE=1), signatures
// verified with the `standardwebhooks` package.
import { createServer, type IncomingHttpHeaders, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { setupTestCli } from "@/test/cli";

const { cli } = await setupTestCli({ name: "cli-alerts", env: { SPENDLINE_WEBHOOK_TIMEOUT_MS: "3000" }, unset: ["SPENDLINE_WEBHOOK_ALLOW_PRIVATE"] });

const ALLOW = { SPENDLINE_WEBHOOK_ALLOW_PRIVATE: "1" };
const received: { path: string; body: string; headers: IncomingHttpHeaders }[] = [];
let receiver: Server;
let base = "";

beforeAll(async () => {
  receiver = createServer((req, res) => {
    let body = "";
    req.on("data", (c) => (body += c));
    req.on("end", () => {
      received.push({ path: req.url ?? "", body, headers: req.headers });
      res.writeHead(req.url === "/fail" ? 500 : 204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((r) => receiver.close(r));
});

describe("alerts:configure and alerts:test", { timeout: 600_000 }, () => {
  let secret = "";

  it("configures webhooks and thresholds, printing the new signing secret once on a line of its own", async () => {
    expect((await cli(["orgs:create", "hooks", "Hooks Inc"])).code).toBe(0);
    const first = await cli(["alerts:configure", "--org", "hooks", "--webhook", `${base}/ok`, "--webhook", `${base}/fail`, "--single-call", "2.5", "--spike-factor", "4"], ALLOW);
    expect(first.code).toBe(0);
    const lines = first.stdout.trimEnd().split("\n");
    const secretLine = lines.find((l) => l.startsWith("signing secret: "));
    expect(secretLine).toMatch(/^signing secret: whsec_[A-Za-z0-9+/]+=*$/);
    secret = secretLine!.slice("signing secret: ".length);
    expect(first.stdout).toContain("single-call threshold $2.50");
    expect(first.stdout).toContain("spike factor 4");
    expect(first.stdout).toContain("2 webhooks");

    const again = await cli(["alerts:configure", "--org", "hooks", "--webhook", `${base}/ok`, "--webhook", `${base}/fail`], ALLOW);
    expect(again.code).toBe(0);
    expect(again.stdout).not.toContain("whsec_");
  });

  it("refuses a private or metadata URL with one line saying why, keeping the old list", async () => {
    for (const [url, why] of [
      ["http://127.0.0.1:9/x", /loopback/],
      ["http://169.254.169.254/latest/meta-data/", /link-local/],
    ] as const) {
      const res = await cli(["alerts:configure", "--org", "hooks", "--webhook", url]);
      expect(res.code).not.toBe(0);
      expect(res.stderr.trim().split("\n")).toHaveLength(1);
      expect(res.stderr).toMatch(why);
    }
    expect((await cli(["alerts:configure", "--org", "nope", "--webhook", ""])).stderr).toMatch(/unknown organisation "nope"/);
  });

  it("sends a signed webhook.test to each URL and prints one line per URL", async () => {
    received.length = 0;
    const res = await cli(["alerts:test", "--org", "hooks"], ALLOW);
    expect(res.stdout.trimEnd().split("\n").sort()).toEqual([`${base}/fail: HTTP 500`, `${base}/ok: HTTP 204`]);
    expect(res.code).toBe(1);
    expect(received).toHaveLength(2);
    for (const r of received) {
      const headers = { "webhook-id": String(r.headers["webhook-id"]), "webhook-timestamp": String(r.headers["webhook-timestamp"]), "webhook-signature": String(r.headers["webhook-signature"]) };
      expect(new Webhook(secret).verify(r.body, headers)).toMatchObject({ type: "webhook.test", data: { organization: { slug: "hooks" } } });
    }

    // Without the operator's switch the loopback receivers are not sent anything.
    received.length = 0;
    const refused = await cli(["alerts:test", "--org", "hooks"]);
    expect(refused.code).toBe(1);
    for (const line of refused.stdout.trimEnd().split("\n")) expect(line).toMatch(/: not sent: .*127\.0\.0\.1 is a loopback address/);
    expect(received).toEqual([]);
  });

  it("clears the list with --webhook ''", async () => {
    const res = await cli(["alerts:configure", "--org", "hooks", "--webhook", ""]);
    expect(res.code).toBe(0);
    expect(res.stdout).toContain("0 webhooks");
    const test = await cli(["alerts:test", "--org", "hooks"]);
    expect(test.code).not.toBe(0);
    expect(test.stderr).toMatch(/Add a webhook URL first/);
  });
});
