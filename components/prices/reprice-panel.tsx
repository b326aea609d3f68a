"use client";

import { useActionState } from "react";
import { applyRepriceAction, type RepriceState } from "@/app/(console)/prices/actions";
import { Button } from "@/components/ui/button";
import { FormMessage } from "@/components/ui/form-message";
import type { RepricePreview } from "@/lib/server/pricing";

/** prices:reprice in the console: what would be priced (per organisation and model), then apply. */
export function RepricePanel({ preview }: { preview: RepricePreview }) {
  const [state, action, pending] = useActionState<RepriceState, FormData>(applyRepriceAction, {});
  return (
    <form action={action} className="space-y-3 text-sm" data-testid="reprice-preview">
      <FormMessage state={state} />
      <p>
        {preview.events.toLocaleString("en-US")} unpriced event{preview.events === 1 ? "" : "s"} now have a price in force at their time. Pricing them adds ${preview.costUsd} to their
        organisations&apos; roll-ups and budgets (events already priced are never re-priced).
      </p>
      <div className="overflow-x-auto">
        <table className="w-full text-left text-xs">
          <caption className="sr-only">Events that would be priced, by organisation and model</caption>
          <thead className="text-muted">
            <tr>
              <th scope="col" className="py-1 pr-2 font-medium">Organisation</th>
              <th scope="col" className="py-1 pr-2 font-medium">Provider / model</th>
              <th scope="col" className="py-1 pr-2 text-right font-medium">Events</th>
              <th scope="col" className="py-1 text-right font-medium">Cost added</th>
            </tr>
          </thead>
          <tbody>
            {preview.groups.map((g) => (
              <tr key={`${g.orgId}/${g.provider}/${g.model}`} className="border-t border-border">
                <td className="py-1 pr-2">{g.orgSlug}</td>
                <td className="py-1 pr-2 break-all">
                  {g.provider ?? "(no provider)"} / {g.model ?? "(no model)"}
                </td>
                <td className="py-1 pr-2 text-right tabular-nums">{g.events.toLocaleString("en-US")}</td>
                <td className="py-1 text-right tabular-nums">${g.costUsd}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <Button type="submit" disabled={pending}>
        {pending ? "Pricing…" : `Price ${preview.events.toLocaleString("en-US")} event${preview.events === 1 ? "" : "s"}`}
      </Button>
    </form>
  );
}
