// Which addresses outbound requests may reach (SPEC §6 "outbound requests cannot reach inside").
// Ranges come from ipaddr.js, not from a hand-written list: only global unicast is public.
import ipaddr from "ipaddr.js";

/** Ranges an operator may open with SPENDLINE_WEBHOOK_ALLOW_PRIVATE=1 (receivers inside the network). */
const PRIVATE_RANGES = new Set(["loopback", "private", "uniqueLocal", "carrierGradeNat"]);

const RANGE_NAMES: Record<string, string> = {
  loopback: "a loopback address",
  private: "a private address",
  uniqueLocal: "a unique-local address",
  carrierGradeNat: "a carrier-grade NAT address",
  linkLocal: "a link-local address",
  multicast: "a multicast address",
  unspecified: "an unspecified address",
  broadcast: "a broadcast address",
  reserved: "a reserved address",
  ipv4Mapped: "an IPv4-mapped IPv6 address",
  rfc6145: "an IPv4-translated address",
  rfc6052: "a NAT64 address",
  "6to4": "a 6to4 address",
  teredo: "a Teredo address",
  benchmarking: "a benchmarking address",
  amt: "an AMT address",
  as112: "an AS112 address",
  deprecated: "a deprecated address",
  orchid2: "an ORCHIDv2 address",
  droneRemoteIdProtocolEntityTags: "a reserved address",
  discard: "a discard-only address",
};

export const allowPrivateEgress = () => process.env.SPENDLINE_WEBHOOK_ALLOW_PRIVATE === "1";

/** Why `address` may not be reached, or null when it may. */
export function addressRefusal(address: string, allowPrivate = allowPrivateEgress()): string | null {
  if (!ipaddr.isValid(address)) return `${address} is not an IP address`;
  const range = ipaddr.parse(address).range();
  if (range === "unicast") return null;
  if (allowPrivate && PRIVATE_RANGES.has(range)) return null;
  const name = RANGE_NAMES[range] ?? `a ${range} address`;
  return `${address} is ${name}${PRIVATE_RANGES.has(range) ? " (set SPENDLINE_WEBHOOK_ALLOW_PRIVATE=1 to allow receivers inside the network)" : ""}`;
}
