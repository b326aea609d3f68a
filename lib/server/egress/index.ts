// One home for outbound HTTP (SPEC §6): address checks, resolution pinned to the checked address,
// no redirects, deadlines. Webhooks use it; other outbound callers should too.
export { addressRefusal, allowPrivateEgress } from "./address";
export { EgressRefused, parseOutboundUrl, resolveOutbound, setEgressResolver, type ResolvedAddress, type Resolver } from "./url";
export { postOutbound, type OutboundResult } from "./request";
