// SPEC §6 "outbound requests cannot reach inside". Requests in these tests go only to loopback
// receivers; private and link-local targets are checked at validation and with the resolver
// stubbed, never connected to.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { addressRefusal, EgressRefused, parseOutboundUrl, postOutbound, resolveOutbound, setEgressResolver } from ".";

const REFUSED: [string, RegExp][] = [
  ["127.0.0.1", /loopback/],
  ["127.255.0.9", /loopback/],
  ["::1", /loopback/],
  ["10.0.0.1", /private/],
  ["172.16.5.4", /private/],
  ["172.31.255.255", /private/],
  ["192.168.1.1", /private/],
  ["169.254.169.254", /link-local/],
  ["fe80::1", /link-local/],
  ["fc00::1", /unique-local/],
  ["fd12:3456::1", /unique-local/],
  ["100.64.0.1", /carrier-grade NAT/],
  ["100.127.255.254", /carrier-grade NAT/],
  ["224.0.0.1", /multicast/],
  ["ff02::1", /multicast/],
  ["0.0.0.0", /unspecified/],
  ["::", /unspecified/],
  ["255.255.255.255", /broadcast/],
  ["::ffff:127.0.0.1", /IPv4-mapped/],
  ["::ffff:8.8.8.8", /IPv4-mapped/],
  ["64:ff9b::7f00:1", /NAT64/],
];

const withEnv = (value: string | undefined) => {
  const previous = process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE;
  if (value === undefined) delete process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE;
  else process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE = value;
  return () => {
    if (previous === undefined) delete process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE;
    else process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE = previous;
  };
};

describe("address checks", () => {
  it.each(REFUSED)("refuses %s", (address, reason) => {
    expect(addressRefusal(address, false)).toMatch(reason);
  });

  it("allows public unicast addresses", () => {
    for (const a of ["8.8.8.8", "1.1.1.1", "2001:4860:4860::8888", "172.32.0.1", "100.128.0.1"]) expect(addressRefusal(a, false)).toBeNull();
  });

  it("SPENDLINE_WEBHOOK_ALLOW_PRIVATE opens loopback, private, unique-local and CGNAT, never link-local or multicast", () => {
    for (const a of ["127.0.0.1", "::1", "10.0.0.1", "192.168.0.1", "fd00::1", "100.64.0.1"]) expect(addressRefusal(a, true)).toBeNull();
    for (const a of ["169.254.169.254", "fe80::1", "224.0.0.1", "0.0.0.0", "::"]) expect(addressRefusal(a, true)).not.toBeNull();
  });
});

describe("URL checks when a URL is saved", () => {
  let restoreEnv: () => void;
  beforeAll(() => {
    restoreEnv = withEnv(undefined);
  });
  afterAll(() => restoreEnv());

  it.each([
    ["http://127.0.0.1/hook", /loopback/],
    ["http://127.1/hook", /loopback/],
    ["http://0x7f.1/hook", /loopback/],
    ["http://2130706433/hook", /loopback/],
    ["http://[::1]:8080/hook", /loopback/],
    ["http://localhost:3000/hook", /loopback/],
    ["http://app.localhost/hook", /loopback/],
    ["http://169.254.169.254/latest/meta-data/", /link-local/],
    ["https://10.1.2.3/", /private/],
    ["https://172.16.0.1/", /private/],
    ["https://192.168.0.10/", /private/],
    ["https://100.64.1.1/", /carrier-grade/],
    ["https://[fd00::5]/", /unique-local/],
    ["https://[fe80::1]/", /link-local/],
    ["https://224.1.1.1/", /multicast/],
    ["https://0.0.0.0/", /unspecified/],
    ["https://[::]/", /unspecified/],
    ["https://[::ffff:10.0.0.1]/", /IPv4-mapped/],
    ["ftp://example.com/x", /only https and http/],
    ["file:///etc/passwd", /only https and http/],
    ["https://user:pw@example.com/", /credentials/],
    ["not a url", /not a valid URL/],
  ])("refuses %s", (url, reason) => {
    expect(() => parseOutboundUrl(url)).toThrow(reason);
  });

  it("accepts public https and http URLs", () => {
    expect(parseOutboundUrl("https://hooks.slack.com/services/T/B/X").hostname).toBe("hooks.slack.com");
    expect(parseOutboundUrl("http://8.8.8.8:8080/x").port).toBe("8080");
  });
});

describe("resolution before each send", () => {
  let restoreResolver: (() => void) | undefined;
  let restoreEnv: () => void;
  beforeAll(() => {
    restoreEnv = withEnv(undefined);
  });
  afterEach(() => restoreResolver?.());
  afterAll(() => restoreEnv());

  it("refuses a host name that resolves to 127.0.0.1", async () => {
    restoreResolver = setEgressResolver(async () => [{ address: "127.0.0.1", family: 4 }]);
    await expect(resolveOutbound("https://innocent.example/hook")).rejects.toThrow(/innocent\.example resolves to 127\.0\.0\.1 is a loopback address/);
  });

  it("refuses a name that answers a public and a metadata address", async () => {
    restoreResolver = setEgressResolver(async () => [
      { address: "93.184.216.34", family: 4 },
      { address: "169.254.169.254", family: 4 },
    ]);
    await expect(resolveOutbound("https://mixed.example/")).rejects.toThrow(EgressRefused);
  });

  it("returns the checked public address to connect to", async () => {
    restoreResolver = setEgressResolver(async () => [{ address: "93.184.216.34", family: 4 }]);
    expect((await resolveOutbound("https://public.example/")).address).toEqual({ address: "93.184.216.34", family: 4 });
  });

  it("refuses a name that does not resolve", async () => {
    restoreResolver = setEgressResolver(async () => {
      throw new Error("ENOTFOUND");
    });
    await expect(resolveOutbound("https://nowhere.example/")).rejects.toThrow(/does not resolve/);
  });
});

describe("sending", () => {
  const hits: { server: string; url: string; headers: http.IncomingHttpHeaders }[] = [];
  const servers: http.Server[] = [];
  async function receiver(name: string, handler: (req: http.IncomingMessage, res: http.ServerResponse) => void): Promise<number> {
    const server = http.createServer((req, res) => {
      hits.push({ server: name, url: req.url ?? "", headers: req.headers });
      req.resume();
      req.on("end", () => handler(req, res));
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    return (server.address() as AddressInfo).port;
  }
  let okPort = 0;
  let redirectPort = 0;
  let silentPort = 0;
  let restoreResolver: (() => void) | undefined;
  let restoreEnv: (() => void) | undefined;

  beforeAll(async () => {
    okPort = await receiver("ok", (_req, res) => res.writeHead(204).end());
    redirectPort = await receiver("redirect", (_req, res) => res.writeHead(302, { location: `http://127.0.0.1:${okPort}/followed` }).end());
    silentPort = await receiver("silent", () => {});
  });
  afterEach(() => {
    restoreResolver?.();
    restoreResolver = undefined;
    restoreEnv?.();
    restoreEnv = undefined;
    hits.length = 0;
  });
  afterAll(async () => {
    for (const s of servers) s.closeAllConnections();
    await Promise.all(servers.map((s) => new Promise((r) => s.close(r))));
  });

  const send = (url: string, timeoutMs = 3_000) => postOutbound(url, { headers: { "content-type": "application/json" }, body: "{}", timeoutMs });

  it("does not send to a name resolving to loopback, and nothing reaches the receiver", async () => {
    restoreEnv = withEnv(undefined);
    restoreResolver = setEgressResolver(async () => [{ address: "127.0.0.1", family: 4 }]);
    const result = await send(`http://rebind.example:${okPort}/hook`);
    expect(result).toMatchObject({ refused: true, ok: false, status: null });
    expect(result.error).toMatch(/loopback/);
    expect(hits).toEqual([]);
  });

  it("connects to the address that was checked, keeping the host name in the request", async () => {
    restoreEnv = withEnv("1");
    restoreResolver = setEgressResolver(async () => [{ address: "127.0.0.1", family: 4 }]);
    const result = await send(`http://receiver.invalid:${okPort}/hook`);
    expect(result).toMatchObject({ ok: true, status: 204, refused: false });
    expect(hits).toHaveLength(1);
    expect(hits[0].headers.host).toBe(`receiver.invalid:${okPort}`);
  });

  it("does not follow a redirect to loopback", async () => {
    restoreEnv = withEnv("1");
    const result = await send(`http://127.0.0.1:${redirectPort}/hook`);
    expect(result.status).toBe(302);
    expect(result.ok).toBe(false);
    expect(result.error).toMatch(/redirects are not followed/);
    expect(hits.map((h) => h.server)).toEqual(["redirect"]);
  });

  it("gives up on a receiver that does not answer in time", async () => {
    restoreEnv = withEnv("1");
    const started = Date.now();
    const result = await send(`http://127.0.0.1:${silentPort}/hook`, 300);
    expect(result).toMatchObject({ ok: false, status: null });
    expect(result.error).toMatch(/no answer within 300 ms/);
    expect(Date.now() - started).toBeLessThan(2_000);
  });
});
