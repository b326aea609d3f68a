// `@spendline/sdk/react`: the end-user confirmation of a soft budget (SPEC §8). An app that gets
// `BudgetConfirmationRequired` shows this; on confirm it repeats the call with the override token.
import { useEffect, useId, useRef, type KeyboardEvent, type ReactNode } from "react";
import type { BudgetConfirmationRequired, CallEstimate } from "./errors.js";
import type { BudgetFigures } from "./types.js";

export interface BudgetConfirmDialogProps {
  open: boolean;
  /** The budgets in scope (`error.budgets`): each shows its current spend and limit. */
  budgets?: BudgetFigures[];
  /** What the call may cost, in USD (a decimal string), when the app knows it. */
  estimatedCostUsd?: string | number;
  /** The call's token estimate (`error.estimate`), shown when no cost is given. */
  estimate?: CallEstimate;
  /** Shorthand for `budgets` and `estimate`. */
  error?: Pick<BudgetConfirmationRequired, "budgets" | "estimate">;
  onConfirm: () => void;
  onCancel: () => void;
  title?: string;
  description?: ReactNode;
  confirmLabel?: string;
  cancelLabel?: string;
  className?: string;
}

const SCOPE_NAMES: Record<string, string> = { organization: "Organisation budget", project: "Project budget", user: "Your budget" };

/** A decimal string as dollars, without going through a float: "0.6" → "$0.60", "0.000125" → "$0.000125". */
export function formatUsd(value: string | number): string {
  const text = String(value).trim();
  const match = /^(-?)(\d*)(?:\.(\d*))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole, fraction = ""] = match;
  const trimmed = fraction.replace(/0+$/, "");
  const decimals = trimmed.length <= 2 ? trimmed.padEnd(2, "0") : trimmed;
  const grouped = (whole || "0").replace(/\B(?=(\d{3})+(?!\d))/g, ",");
  return `${sign}$${grouped}.${decimals}`;
}

function formatTokens(n: number): string {
  return String(Math.round(n)).replace(/\B(?=(\d{3})+(?!\d))/g, ",");
}

const FOCUSABLE = 'button:not([disabled]), [href], input:not([disabled]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])';

const styles = {
  backdrop: { position: "fixed", inset: 0, background: "rgba(15, 23, 42, 0.55)", display: "flex", alignItems: "center", justifyContent: "center", padding: 16, zIndex: 2147483000 },
  dialog: { background: "Canvas", color: "CanvasText", borderRadius: 12, padding: 24, width: "100%", maxWidth: 440, boxShadow: "0 20px 50px rgba(0,0,0,0.3)", fontFamily: "system-ui, sans-serif", lineHeight: 1.45 },
  title: { margin: "0 0 8px", fontSize: 18 },
  list: { margin: "16px 0", padding: 0, listStyle: "none", display: "grid", gap: 6 },
  row: { display: "flex", justifyContent: "space-between", gap: 12 },
  actions: { display: "flex", justifyContent: "flex-end", gap: 8, marginTop: 20 },
  button: { padding: "8px 14px", borderRadius: 8, border: "1px solid currentColor", background: "transparent", color: "inherit", font: "inherit", cursor: "pointer" },
  primary: { padding: "8px 14px", borderRadius: 8, border: "1px solid #b45309", background: "#b45309", color: "#fff", font: "inherit", cursor: "pointer" },
} as const;

/**
 * A modal asking the end user to confirm a call over a soft budget: current spend, limit and
 * what the call may cost; Confirm / Cancel. Focus moves into the dialog (to Cancel), Tab stays
 * inside it, Escape cancels, and focus returns to where it was when the dialog closes.
 */
export function BudgetConfirmDialog(props: BudgetConfirmDialogProps) {
  const { open, onConfirm, onCancel } = props;
  const budgets = props.budgets ?? props.error?.budgets ?? [];
  const estimate = props.estimate ?? props.error?.estimate;
  const cost = props.estimatedCostUsd ?? estimate?.estimatedCostUsd;
  const titleId = useId();
  const descriptionId = useId();
  const dialogRef = useRef<HTMLDivElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  const onCancelRef = useRef(onCancel);
  useEffect(() => {
    onCancelRef.current = onCancel;
  }, [onCancel]);

  useEffect(() => {
    if (!open) return;
    const previous = document.activeElement instanceof HTMLElement ? document.activeElement : null;
    cancelRef.current?.focus();
    // Focus that leaves the dialog some other way (a click behind it, a script) is brought back.
    const keepFocusInside = (event: FocusEvent) => {
      const dialog = dialogRef.current;
      if (dialog && event.target instanceof Node && !dialog.contains(event.target)) cancelRef.current?.focus();
    };
    document.addEventListener("focusin", keepFocusInside);
    return () => {
      document.removeEventListener("focusin", keepFocusInside);
      if (previous && previous.isConnected) previous.focus();
    };
  }, [open]);

  if (!open) return null;

  const onKeyDown = (event: KeyboardEvent<HTMLDivElement>) => {
    if (event.key === "Escape") {
      event.stopPropagation();
      event.preventDefault();
      onCancelRef.current();
      return;
    }
    if (event.key !== "Tab" || !dialogRef.current) return;
    const focusable = Array.from(dialogRef.current.querySelectorAll<HTMLElement>(FOCUSABLE));
    if (focusable.length === 0) return;
    const first = focusable[0];
    const last = focusable[focusable.length - 1];
    const active = document.activeElement;
    if (event.shiftKey && (active === first || !dialogRef.current.contains(active))) {
      event.preventDefault();
      last.focus();
    } else if (!event.shiftKey && (active === last || !dialogRef.current.contains(active))) {
      event.preventDefault();
      first.focus();
    }
  };

  return (
    <div style={styles.backdrop} data-spendline-backdrop="" onMouseDown={(e) => e.target === e.currentTarget && onCancelRef.current()}>
      <div
        ref={dialogRef}
        role="dialog"
        aria-modal="true"
        aria-labelledby={titleId}
        aria-describedby={descriptionId}
        className={props.className}
        style={styles.dialog}
        onKeyDown={onKeyDown}
      >
        <h2 id={titleId} style={styles.title}>
          {props.title ?? "This request is over budget"}
        </h2>
        <div id={descriptionId}>
          {props.description ?? <p style={{ margin: 0 }}>Going ahead will spend more than the budget allows. Do you want to continue?</p>}
        </div>
        <ul style={styles.list} data-testid="spendline-budget-figures">
          {budgets.map((b, i) => (
            <li key={`${b.scope}-${i}`} style={{ display: "grid", gap: 2 }}>
              <strong>{SCOPE_NAMES[b.scope] ?? b.scope}</strong>
              <span style={styles.row}>
                <span>Current spend</span>
                <span>{formatUsd(b.spentUsd)}</span>
              </span>
              <span style={styles.row}>
                <span>Limit</span>
                <span>{formatUsd(b.limitUsd)}</span>
              </span>
            </li>
          ))}
          {cost !== undefined ? (
            <li style={styles.row}>
              <span>This request may cost</span>
              <strong>{formatUsd(cost)}</strong>
            </li>
          ) : estimate ? (
            <li style={styles.row}>
              <span>This request may use</span>
              <strong>
                up to {formatTokens(estimate.estimatedInputTokens + estimate.estimatedOutputTokens)} tokens
              </strong>
            </li>
          ) : null}
        </ul>
        <div style={styles.actions}>
          <button ref={cancelRef} type="button" style={styles.button} onClick={() => onCancelRef.current()}>
            {props.cancelLabel ?? "Cancel"}
          </button>
          <button type="button" style={styles.primary} onClick={onConfirm}>
            {props.confirmLabel ?? "Continue anyway"}
          </button>
        </div>
      </div>
    </div>
  );
}
