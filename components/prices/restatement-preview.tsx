import type { RestatementPreview } from "@/lib/server/pricing";

/** Already-priced events a past-dated version would have priced differently, per model and month. */
export function RestatementPreviewTable({ preview }: { preview: RestatementPreview }) {
  return (
    <div className="space-y-2 text-sm">
      <p className="font-medium">
        Restatement preview: {preview.provider}/{preview.model} from {preview.effectiveFrom.slice(0, 10)}
      </p>
      {preview.events === 0 ? (
        <p className="text-muted">No already-priced event would be priced differently.</p>
      ) : (
        <>
          <p>
            {preview.events.toLocaleString("en-US")} already-priced event{preview.events === 1 ? "" : "s"} would have cost ${preview.differenceUsd} {preview.differenceUsd.startsWith("-") ? "less" : "more"} in
            total. Stored events keep their cost.
          </p>
          <div className="overflow-x-auto">
            <table className="w-full text-left text-xs">
              <caption className="sr-only">Events priced differently by model and month</caption>
              <thead className="text-muted">
                <tr>
                  <th scope="col" className="py-1 pr-2 font-medium">Month</th>
                  <th scope="col" className="py-1 pr-2 font-medium">Model</th>
                  <th scope="col" className="py-1 pr-2 text-right font-medium">Events</th>
                  <th scope="col" className="py-1 pr-2 text-right font-medium">Stored cost</th>
                  <th scope="col" className="py-1 pr-2 text-right font-medium">With this version</th>
                  <th scope="col" className="py-1 text-right font-medium">Difference</th>
                </tr>
              </thead>
              <tbody>
                {preview.rows.map((r) => (
                  <tr key={`${r.month}/${r.model}`} className="border-t border-border">
                    <td className="py-1 pr-2">{r.month}</td>
                    <td className="py-1 pr-2 break-all">{r.model}</td>
                    <td className="py-1 pr-2 text-right tabular-nums">{r.events.toLocaleString("en-US")}</td>
                    <td className="py-1 pr-2 text-right tabular-nums">${r.storedCostUsd}</td>
                    <td className="py-1 pr-2 text-right tabular-nums">${r.restatedCostUsd}</td>
                    <td className="py-1 text-right tabular-nums">${r.differenceUsd}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      )}
      {preview.waitingEvents > 0 ? (
        <p className="text-muted">
          {preview.waitingEvents.toLocaleString("en-US")} unpriced event{preview.waitingEvents === 1 ? "" : "s"} would be covered; you can price them after saving.
        </p>
      ) : null}
    </div>
  );
}
