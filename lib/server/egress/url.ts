// Outbound URL checks: http(s) only, no credentials, and every address the host stands for must
// be public (address.ts). Names are resolved here and the request connects to the address that
// was checked (request.ts), so DNS cannot answer one address to the check and another to the
// connection.
import { lookup } from "node:dns/promises";
import ipaddr from "ipaddr.js";
import { addressRefusal } from "./address";

export class EgressRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EgressRefused";
  }
}

export interface ResolvedAddress {
  address: string;
  family: 4 | 6;
}

export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

// Special-use names (RFC 6761, RFC 2606) that no public DNS answers: never sent to a resolver.
const NEVER_PUBLIC = /(^|\.)(test|invalid|example)\.?$/i;

const systemResolver: Resolver = async (hostname) => {
  if (NEVER_PUBLIC.test(hostname)) throw new Error(`${hostname} is a special-use name`);
  return (await lookup(hostname, { all: true, verbatim: true })).map((a) => ({ address: a.address, family: a.family === 6 ? 6 : 4 }));
};

let resolver: Resolver = systemResolver;

/** Replaces the DNS resolver (tests); returns a function that restores the previous one. */
export function setEgressResolver(next: Resolver): () => void {
  const previous = resolver;
  resolver = next;
  return () => {
    resolver = previous;
  };
}

/** Parses and checks the parts of a URL that need no DNS; throws EgressRefused with the reason. */
export function parseOutboundUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new EgressRefused(`${raw} is not a valid URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") throw new EgressRefused(`${raw}: only https and http URLs are allowed`);
  if (url.username || url.password) throw new EgressRefused(`${raw}: credentials in the URL are not allowed`);
  const host = literalAddress(url);
  if (host) {
    const refusal = addressRefusal(host);
    if (refusal) throw new EgressRefused(`${raw}: ${refusal}`);
  } else if (url.hostname === "localhost" || url.hostname.endsWith(".localhost")) {
    const refusal = addressRefusal("127.0.0.1");
    if (refusal) throw new EgressRefused(`${raw}: ${url.hostname} is a loopback name`);
  }
  return url;
}

/** The IP address a URL names literally (brackets of IPv6 removed), or null for a host name. */
export function literalAddress(url: URL): string | null {
  const host = url.hostname.startsWith("[") ? url.hostname.slice(1, -1) : url.hostname;
  return ipaddr.isValid(host) && (host.includes(":") || ipaddr.IPv4.isValidFourPartDecimal(host)) ? host : null;
}

/**
 * Resolves the URL's host and checks every address; returns the one to connect to. Refuses when
 * any address is not allowed (a name answering both a public and a private address is refused).
 */
export async function resolveOutbound(raw: string, options: { timeoutMs?: number } = {}): Promise<{ url: URL; address: ResolvedAddress }> {
  const url = parseOutboundUrl(raw);
  const literal = literalAddress(url);
  if (literal) return { url, address: { address: literal, family: literal.includes(":") ? 6 : 4 } };
  let addresses: ResolvedAddress[];
  try {
    addresses = await withTimeout(resolver(url.hostname), options.timeoutMs ?? 5_000, `${url.hostname} did not resolve in time`);
  } catch (err) {
    if (err instanceof EgressRefused) throw err;
    throw new EgressRefused(`${url.hostname} does not resolve (${(err as Error).message})`);
  }
  if (addresses.length === 0) throw new EgressRefused(`${url.hostname} does not resolve`);
  for (const a of addresses) {
    const refusal = addressRefusal(a.address);
    if (refusal) throw new EgressRefused(`${raw}: ${url.hostname} resolves to ${refusal}`);
  }
  return { url, address: addresses[0] };
}

function withTimeout<T>(p: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new EgressRefused(message)), ms);
      timer.unref();
    }),
  ]);
}
