import { createElement } from "react";
import { renderToStaticMarkup } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { BudgetConfirmDialog, formatUsd } from "./react.js";
import type { BudgetFigures } from "./types.js";

const budgets: BudgetFigures[] = [{ scope: "organization", limitUsd: "1000", spentUsd: "999.5", reservedUsd: "0", remainingUsd: "0.5", periodEnd: "2026-12-01T00:00:00.000Z", mode: "soft" }];
const noop = () => undefined;

describe("formatUsd", () => {
  it("formats decimal strings without floats, keeping sub-cent digits", () => {
    expect(formatUsd("0.6")).toBe("$0.60");
    expect(formatUsd("1234.5")).toBe("$1,234.50");
    expect(formatUsd("0.000125")).toBe("$0.000125");
    expect(formatUsd("0.100000000001")).toBe("$0.100000000001");
    expect(formatUsd(2)).toBe("$2.00");
  });
});

describe("BudgetConfirmDialog", () => {
  it("renders nothing when closed", () => {
    expect(renderToStaticMarkup(createElement(BudgetConfirmDialog, { open: false, budgets, onConfirm: noop, onCancel: noop }))).toBe("");
  });

  it("is a labelled modal dialog with spend, limit and the call's estimate", () => {
    const html = renderToStaticMarkup(
      createElement(BudgetConfirmDialog, {
        open: true,
        error: { budgets, estimate: { provider: "openai", model: "gpt-4.1", estimatedInputTokens: 1200, estimatedOutputTokens: 4000 } },
        onConfirm: noop,
        onCancel: noop,
      }),
    );
    expect(html).toMatch(/role="dialog"/);
    expect(html).toMatch(/aria-modal="true"/);
    const labelledBy = /aria-labelledby="([^"]+)"/.exec(html)?.[1];
    expect(html).toContain(`id="${labelledBy}"`);
    expect(html).toContain("$999.50");
    expect(html).toContain("$1,000.00");
    expect(html).toContain("up to 5,200 tokens");
  });
});
