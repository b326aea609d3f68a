// Prices a budget check's token estimate with the catalog, exactly as ingest would price the
// call: provider + model (or the model alone when one provider has it), aliases and dated
// names, the version in force now.
import type { Decimal } from "@/lib/money";
import { priceEvent } from "@/lib/pricing/calculate";
import { findPrice } from "../pricing";

/** Estimated cost, or null when the catalog has no (unambiguous) price for the model. */
export async function estimateCallCost(call: { provider: string | null; model: string; inputTokens: number; outputTokens: number }, at: Date): Promise<Decimal | null> {
  const match = await findPrice({ provider: call.provider, model: call.model, at });
  if (!match.price) return null;
  return priceEvent({ inputUncached: call.inputTokens, cacheRead: 0, cacheWrite: 0, output: call.outputTokens, reasoning: 0 }, match.price);
}
