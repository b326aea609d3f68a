// A small page showing <BudgetConfirmDialog> as an app would, for the browser test
// (e2e/sdk.spec.ts bundles it with esbuild and serves it on 127.0.0.1).
import { useState } from "react";
import { createRoot } from "react-dom/client";
import { BudgetConfirmDialog } from "../dist/react.js";

const budgets = [
  { scope: "user" as const, limitUsd: "1", spentUsd: "0.98", reservedUsd: "0", remainingUsd: "0.02", periodEnd: "2026-12-01T00:00:00.000Z", mode: "soft" as const },
];

function App() {
  const [open, setOpen] = useState(false);
  const [outcome, setOutcome] = useState("none");
  return (
    <main>
      <label>
        Question <input defaultValue="Summarise the contract" />
      </label>
      <button type="button" onClick={() => setOpen(true)}>
        Ask the model
      </button>
      <p data-testid="outcome">{outcome}</p>
      <BudgetConfirmDialog
        open={open}
        budgets={budgets}
        estimatedCostUsd="0.05"
        onConfirm={() => {
          setOutcome("confirmed");
          setOpen(false);
        }}
        onCancel={() => {
          setOutcome("cancelled");
          setOpen(false);
        }}
      />
    </main>
  );
}

createRoot(document.getElementById("root")!).render(<App />);
