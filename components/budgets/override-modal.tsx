"use client";

import { useActionState, useRef, useState } from "react";
import { grantExtensionAction } from "@/app/(console)/budgets/actions";
import { Button, buttonClass } from "@/components/ui/button";
import { Dialog } from "@/components/ui/dialog";
import { TextField } from "@/components/ui/field";
import { FormMessage } from "@/components/ui/form-message";
import { dec, Decimal } from "@/lib/money";
import { budgetCap, formatUsd, formatUtc, scopeLabel, type BudgetView } from "./budget-format";

const AMOUNT = /^\d+(\.\d{1,6})?$/;

type ExtensionState = Awaited<ReturnType<typeof grantExtensionAction>>;

/**
 * The budget-override confirmation: "Grant extension" opens a modal with the figures the
 * decision rests on; Confirm records the extension, Cancel or Escape leaves everything as it was.
 */
export function OverrideModal({ budget }: { budget: BudgetView }) {
  const [open, setOpen] = useState(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const [state, action, pending] = useActionState<ExtensionState, FormData>(async (prev, form) => {
    const result = await grantExtensionAction(prev, form);
    if (result.ok) close();
    return result;
  }, {});
  const [amount, setAmount] = useState("");
  // Errors belong to the attempt that caused them; reopening the modal starts afresh.
  const [staleState, setStaleState] = useState<ExtensionState | null>(null);

  function close() {
    setOpen(false);
    // The native dialog gives focus back too; this also covers a dialog closed by a re-render.
    requestAnimationFrame(() => trigger.current?.focus());
  }

  const cap = budgetCap(budget);
  const remaining = dec(budget.remainingUsd);
  // Suggested: what the period is projected to need beyond the cap (or what is already over it), in whole cents.
  const need = Decimal.max(dec(budget.projectedSpendUsd), dec(budget.spentUsd).plus(dec(budget.reservedUsd))).minus(cap);
  const suggestion = need.greaterThan(0) ? need.toDecimalPlaces(2, Decimal.ROUND_UP).toFixed(2) : null;
  const extra = AMOUNT.test(amount.trim()) ? dec(amount.trim()) : null;
  const failed = state.ok === false && state !== staleState;

  return (
    <div className="space-y-3">
      <button
        type="button"
        ref={trigger}
        className={buttonClass()}
        onClick={() => {
          setAmount(suggestion ?? "");
          setStaleState(state);
          setOpen(true);
        }}
        aria-haspopup="dialog"
      >
        Grant extension
      </button>
      {state.ok ? <FormMessage state={state} /> : null}
      <Dialog
        open={open}
        onClose={close}
        title="Grant a budget extension"
        labelledBy="override-modal-title"
        description={
          <>
            {scopeLabel(budget)} · {budget.period} · {budget.mode} limit. The extension raises what may be spent until it expires; it is recorded in
            the audit log.
          </>
        }
      >
        <dl className="grid grid-cols-2 gap-x-4 gap-y-2 rounded-md border border-border bg-surface-muted p-3 text-sm" data-testid="override-figures">
          <dt className="text-muted">Current spend</dt>
          <dd className="text-right font-medium tabular-nums">{formatUsd(budget.spentUsd)}</dd>
          <dt className="text-muted">Limit</dt>
          <dd className="text-right font-medium tabular-nums">
            {formatUsd(budget.limitUsd)}
            {dec(budget.extensionUsd).isZero() ? null : <span className="block text-xs font-normal text-muted">+ {formatUsd(budget.extensionUsd)} granted</span>}
          </dd>
          <dt className="text-muted">Reserved</dt>
          <dd className="text-right font-medium tabular-nums">{formatUsd(budget.reservedUsd)}</dd>
          <dt className="text-muted">Remaining</dt>
          <dd className="text-right font-medium tabular-nums">{formatUsd(remaining)}</dd>
          <dt className="text-muted">Projected period-end spend</dt>
          <dd className="text-right font-medium tabular-nums">{formatUsd(budget.projectedSpendUsd)}</dd>
          <dt className="text-muted">Period ends</dt>
          <dd className="text-right tabular-nums">{formatUtc(budget.periodEnd)} UTC</dd>
        </dl>
        <form action={action} className="mt-4 space-y-4" noValidate>
          <input type="hidden" name="budgetId" value={budget.id} />
          {failed && !state.errors?.amountUsd && !state.errors?.until && !state.errors?.reason ? <FormMessage state={state} /> : null}
          <TextField
            label="Amount (USD)"
            name="amountUsd"
            id="override-amount"
            inputMode="decimal"
            required
            value={amount}
            onChange={(e) => setAmount(e.target.value)}
            error={failed ? state.errors?.amountUsd : undefined}
            hint={
              suggestion && amount === suggestion ? (
                <>Suggested: the projected spend beyond the cap by the period end · new cap {formatUsd(cap.plus(dec(suggestion)))}</>
              ) : extra ? (
                <>
                  New cap {formatUsd(cap.plus(extra))} · remaining {formatUsd(remaining.plus(extra))}
                </>
              ) : (
                "Added to the limit while the extension is in force."
              )
            }
          />
          <TextField
            label="Expires (UTC)"
            name="until"
            id="override-until"
            placeholder="YYYY-MM-DDTHH:MM"
            pattern="\d{4}-\d{2}-\d{2}T\d{2}:\d{2}"
            required
            defaultValue={failed && state.data?.until ? state.data.until : budget.periodEnd.slice(0, 16)}
            error={failed ? state.errors?.until : undefined}
            hint="Defaults to the end of the current period."
          />
          <div className="space-y-1">
            <label htmlFor="override-reason" className="block text-sm font-medium">
              Reason
            </label>
            <textarea
              id="override-reason"
              name="reason"
              required
              rows={3}
              maxLength={500}
              defaultValue={failed ? state.data?.reason : undefined}
              aria-invalid={failed && state.errors?.reason ? true : undefined}
              aria-describedby={failed && state.errors?.reason ? "override-reason-error" : undefined}
              className="block w-full rounded-md border border-border bg-surface px-3 py-2 text-sm text-foreground placeholder:text-muted focus:border-accent focus:outline-none aria-[invalid=true]:border-danger"
              placeholder="e.g. Quarter-end report run approved by finance"
            />
            {failed && state.errors?.reason ? (
              <p id="override-reason-error" className="text-sm text-danger" role="alert">
                {state.errors.reason}
              </p>
            ) : null}
          </div>
          <div className="flex flex-wrap justify-end gap-2">
            <Button variant="secondary" onClick={close} disabled={pending}>
              Cancel
            </Button>
            <Button type="submit" disabled={pending}>
              {pending ? "Granting…" : "Confirm extension"}
            </Button>
          </div>
        </form>
      </Dialog>
    </div>
  );
}
