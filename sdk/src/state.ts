import { Spendline } from "./client.js";
import type { CallAttributes } from "./types.js";
import type { WrapState } from "./wrap.js";

const states = new WeakMap<object, WrapState>();
let defaultClient: Spendline | undefined;

/** The client the standalone `wrapOpenAI` / `wrapAnthropic` use: one per process, configured from the environment. */
export function defaultSpendline(): Spendline {
  defaultClient ??= new Spendline();
  return defaultClient;
}

/**
 * The wrap state of a provider client: created on the first wrap; a later wrap of the same client
 * replaces its attributes (and its Spendline client when one is given).
 */
export function wrapState(client: object, attrs: CallAttributes | undefined, spendline: Spendline | undefined): { state: WrapState; fresh: boolean } {
  const existing = states.get(client);
  if (existing) {
    existing.attrs = { ...(attrs ?? {}) };
    if (spendline) existing.spendline = spendline;
    return { state: existing, fresh: false };
  }
  const state: WrapState = { spendline: spendline ?? defaultSpendline(), attrs: { ...(attrs ?? {}) } };
  states.set(client, state);
  return { state, fresh: true };
}
