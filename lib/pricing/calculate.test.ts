import { describe, expect, it } from "vitest";
import type { TokenCounts } from "@/lib/usage/normalize";
import { normalizeServiceTier, priceEvent, priceEventDetailed, type PriceRates } from "./calculate";

const tokens = (t: Partial<TokenCounts>): TokenCounts => ({ inputUncached: 0, cacheRead: 0, cacheWrite: 0, cacheWrite1h: 0, output: 0, reasoning: 0, ...t });

// Claude Sonnet 4.5 list prices: standard and above 200k input tokens.
const SONNET: PriceRates = {
  inputPerMtok: "3",
  cachedInputPerMtok: "0.30",
  cacheWritePerMtok: "3.75",
  cacheWrite1hPerMtok: "6",
  outputPerMtok: "15",
  tiers: [{ aboveInputTokens: 200_000, inputPerMtok: "6", cachedInputPerMtok: "0.60", cacheWritePerMtok: "7.50", cacheWrite1hPerMtok: "12", outputPerMtok: "22.50" }],
};

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

  it("adds the per-request price once (USD per request) and keeps sub-cent precision without float error", () => {
    const cost = priceEvent(tokens({ inputUncached: 1 }), { inputPerMtok: "0.1", outputPerMtok: 0, perRequest: "0.2" });
    expect(cost.toFixed()).toBe("0.2000001");
    // 1000×1 + 10×2 = 1020 / 1e6 = 0.00102, + 0.01 per request
    expect(priceEvent(tokens({ inputUncached: 1000, output: 10 }), { inputPerMtok: 1, outputPerMtok: 2, perRequest: "0.01" }).toFixed()).toBe("0.01102");
    expect(priceEvent(tokens({}), { inputPerMtok: 1, outputPerMtok: 2, perRequest: "0.01" }).toFixed()).toBe("0.01");
  });

  it("prices 64-bit token counts exactly", () => {
    // 3×10^9 × $3 / 1e6 = $9,000; 10^12 × $15 / 1e6 = $15,000,000
    expect(priceEvent(tokens({ inputUncached: 3_000_000_000 }), { inputPerMtok: 3, outputPerMtok: 15 }).toFixed()).toBe("9000");
    expect(priceEvent(tokens({ output: 1_000_000_000_000 }), { inputPerMtok: 3, outputPerMtok: 15 }).toFixed()).toBe("15000000");
  });
});

describe("long-context tiers", () => {
  it("keeps the standard rates at the boundary (input equal to above_input_tokens)", () => {
    const b = priceEventDetailed(tokens({ inputUncached: 200_000, output: 1_000 }), SONNET);
    // 200000×3 = 0.6; 1000×15 = 0.015
    expect(b.cost.toFixed()).toBe("0.615");
    expect(b.tierAboveInputTokens).toBeNull();
  });

  it("bills the whole event at the tier's rates one token above the boundary", () => {
    const b = priceEventDetailed(tokens({ inputUncached: 200_001, output: 1_000 }), SONNET);
    // 200001×6 = 1.200006; 1000×22.5 = 0.0225
    expect(b.cost.toFixed()).toBe("1.222506");
    expect(b.tierAboveInputTokens).toBe(200_000);
    expect(b.rates.outputPerMtok.toFixed()).toBe("22.5");
  });

  it("counts ALL input tokens, cached reads and writes included, against the threshold", () => {
    const t = tokens({ inputUncached: 100_000, cacheRead: 80_000, cacheWrite: 20_001, cacheWrite1h: 1 });
    // 100000×6 = 0.6; 80000×0.6 = 0.048; 20000×7.5 = 0.15; 1×12 = 0.000012
    expect(priceEvent(t, SONNET).toFixed()).toBe("0.798012");
    // one token less in total: all standard. 100000×3 = 0.3; 80000×0.3 = 0.024; 19999×3.75 = 0.07499625; 1×6 = 0.000006
    expect(priceEvent({ ...t, cacheWrite: 20_000 }, SONNET).toFixed()).toBe("0.39900225");
  });

  it("applies the highest tier whose threshold is exceeded, whatever their order", () => {
    const price: PriceRates = {
      inputPerMtok: 2,
      outputPerMtok: 8,
      tiers: [
        { aboveInputTokens: 200_000, inputPerMtok: 6 },
        { aboveInputTokens: 128_000, inputPerMtok: 4 },
      ],
    };
    expect(priceEvent(tokens({ inputUncached: 128_000 }), price).toFixed()).toBe("0.256");
    expect(priceEvent(tokens({ inputUncached: 150_000 }), price).toFixed()).toBe("0.6");
    expect(priceEvent(tokens({ inputUncached: 250_000 }), price).toFixed()).toBe("1.5");
  });

  it("keeps the standard price of every rate a tier leaves out", () => {
    const price: PriceRates = { inputPerMtok: 1, cachedInputPerMtok: "0.1", outputPerMtok: 5, tiers: [{ aboveInputTokens: 1_000, inputPerMtok: 2 }] };
    // 500×2 + 600×0.1 + 100×5 = 1000 + 60 + 500 = 1560 / 1e6
    expect(priceEvent(tokens({ inputUncached: 500, cacheRead: 600, output: 100 }), price).toFixed()).toBe("0.00156");
  });
});

describe("1-hour cache writes", () => {
  it("bills 1-hour writes at the 1-hour price and the rest of the writes at the cache-write price", () => {
    // 600×3.75 + 400×6 = 2250 + 2400 = 4650 / 1e6
    expect(priceEvent(tokens({ cacheWrite: 1_000, cacheWrite1h: 400 }), SONNET).toFixed()).toBe("0.00465");
  });

  it("bills 1-hour writes at the cache-write price when the version has no 1-hour price", () => {
    const price: PriceRates = { ...SONNET, cacheWrite1hPerMtok: null, tiers: [{ aboveInputTokens: 200_000, inputPerMtok: 6, cacheWritePerMtok: "7.5" }] };
    expect(priceEvent(tokens({ cacheWrite: 1_000, cacheWrite1h: 400 }), price).toFixed()).toBe("0.00375");
    // above the tier both kinds of write take the tier's cache-write price: 300000×7.5 = 2.25
    expect(priceEvent(tokens({ cacheWrite: 300_000, cacheWrite1h: 100_000 }), price).toFixed()).toBe("2.25");
  });

  it("bills 1-hour writes at the input price when the version has no cache-write price at all", () => {
    expect(priceEvent(tokens({ cacheWrite: 1_000, cacheWrite1h: 1_000 }), { inputPerMtok: 2, outputPerMtok: 8 }).toFixed()).toBe("0.002");
  });
});

describe("service tiers", () => {
  const price: PriceRates = {
    inputPerMtok: 3,
    cachedInputPerMtok: "0.3",
    outputPerMtok: 15,
    tiers: [{ aboveInputTokens: 200_000, inputPerMtok: 6, outputPerMtok: "22.5" }],
    serviceTiers: {
      batch: { inputPerMtok: "1.5", outputPerMtok: "7.5" },
      flex: { inputPerMtok: "1.5", cachedInputPerMtok: "0.15", outputPerMtok: "7.5" },
      priority: { inputPerMtok: 6, outputPerMtok: 30 },
    },
  };
  const t = tokens({ inputUncached: 1_000, cacheRead: 100, output: 200 });

  it("bills each service tier at its own rates, keeping the standard price of rates it leaves out", () => {
    // batch: 1000×1.5 + 100×0.3 + 200×7.5 = 1500 + 30 + 1500 = 3030
    expect(priceEventDetailed(t, price, "batch")).toMatchObject({ serviceTier: "batch" });
    expect(priceEvent(t, price, "batch").toFixed()).toBe("0.00303");
    // flex: 1500 + 100×0.15 + 1500 = 3015
    expect(priceEvent(t, price, "flex").toFixed()).toBe("0.003015");
    // priority: 1000×6 + 30 + 200×30 = 12030
    expect(priceEvent(t, price, "priority").toFixed()).toBe("0.01203");
  });

  it("bills default, auto, standard and absent tiers at standard prices", () => {
    for (const tier of ["default", "auto", "standard", "STANDARD", undefined, null, "something_else"]) {
      // 3000 + 30 + 3000 = 6030
      expect(priceEvent(t, price, tier).toFixed()).toBe("0.00603");
      expect(normalizeServiceTier(tier)).toBeNull();
    }
    expect(normalizeServiceTier(" Batch ")).toBe("batch");
  });

  it("applies long-context tiers to standard events only", () => {
    const big = tokens({ inputUncached: 300_000 });
    expect(priceEvent(big, price).toFixed()).toBe("1.8");
    expect(priceEvent(big, price, "batch").toFixed()).toBe("0.45");
  });

  it("bills an event of a service tier the version has no prices for as a standard event", () => {
    const noBatch: PriceRates = { ...price, serviceTiers: { priority: { inputPerMtok: 6 } } };
    const b = priceEventDetailed(tokens({ inputUncached: 300_000 }), noBatch, "batch");
    expect(b.cost.toFixed()).toBe("1.8");
    expect(b.serviceTier).toBeNull();
    expect(b.tierAboveInputTokens).toBe(200_000);
  });

  it("adds the per-request price to service-tier events too", () => {
    expect(priceEvent(t, { ...price, perRequest: "0.001" }, "batch").toFixed()).toBe("0.00403");
  });
});

describe("priceEvent and priceEventDetailed", () => {
  it("give the same exact cost for any tokens, rates, tiers and service tier", () => {
    // A fixed pseudo-random sequence, so a failure repeats.
    let seed = 42;
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const rate = () => (next(4) === 0 ? null : `${next(100)}.${String(next(10 ** 9)).padStart(9, "0")}`);
    const count = () => (next(3) === 0 ? 0 : next(2_000_000));
    for (let i = 0; i < 2000; i++) {
      const price: PriceRates = {
        inputPerMtok: rate() ?? "1.25",
        outputPerMtok: rate() ?? "10",
        cachedInputPerMtok: rate(),
        cacheWritePerMtok: rate(),
        cacheWrite1hPerMtok: rate(),
        perRequest: next(3) === 0 ? `0.${String(next(10 ** 6)).padStart(6, "0")}` : null,
        tiers: next(2) === 0 ? [{ aboveInputTokens: 200_000, inputPerMtok: rate(), outputPerMtok: rate() }] : null,
        serviceTiers: next(2) === 0 ? { batch: { inputPerMtok: rate(), outputPerMtok: rate() }, priority: { cachedInputPerMtok: rate() } } : null,
      };
      const cacheWrite = count();
      const tokens = { inputUncached: count(), cacheRead: count(), cacheWrite, cacheWrite1h: next(2) === 0 ? next(cacheWrite + 1) : undefined, output: count(), reasoning: 0 };
      const tier = [undefined, "batch", "priority", "flex", "auto"][next(5)];
      // Twice: the second call uses the rates resolved by the first.
      for (let k = 0; k < 2; k++) expect(priceEvent(tokens, price, tier).toFixed()).toBe(priceEventDetailed(tokens, price, tier).cost.toFixed());
    }
  });
});
