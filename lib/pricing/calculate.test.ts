import { describe, expect, it } from "vitest";
import { priceEvent } from "./calculate";

const tokens = (t: Partial<{ inputUncached: number; cacheRead: number; cacheWrite: number; output: number; reasoning: number }>) => ({
  inputUncached: 0,
  cacheRead: 0,
  cacheWrite: 0,
  output: 0,
  reasoning: 0,
  ...t,
});

describe("priceEvent", () => {
  it("bills each token kind at its own per-million price, exactly", () => {
    const cost = priceEvent(tokens({ inputUncached: 1_000, cacheRead: 2_000, cacheWrite: 3_000, output: 400, reasoning: 300 }), {
      inputPerMtok: "3",
      cachedInputPerMtok: "0.30",
      cacheWritePerMtok: "3.75",
      outputPerMtok: "15",
    });
    // 1000×3 + 2000×0.3 + 3000×3.75 + 400×15 = 3000 + 600 + 11250 + 6000 = 20850 / 1e6
    expect(cost.toFixed()).toBe("0.02085");
  });

  it("bills reasoning once, inside output", () => {
    expect(priceEvent(tokens({ output: 100, reasoning: 100 }), { inputPerMtok: 1, outputPerMtok: 10 }).toFixed()).toBe("0.001");
  });

  it("falls back to the input price for cache reads and writes without their own price", () => {
    expect(priceEvent(tokens({ cacheRead: 1, cacheWrite: 1 }), { inputPerMtok: "2.5", outputPerMtok: 10, cachedInputPerMtok: null }).toFixed()).toBe("0.000005");
  });

  it("adds the per-request price and keeps sub-cent precision without float error", () => {
    const cost = priceEvent(tokens({ inputUncached: 1 }), { inputPerMtok: "0.1", outputPerMtok: 0, perRequest: "0.2" });
    expect(cost.toFixed()).toBe("0.2000001");
  });
});
