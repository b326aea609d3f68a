import Link from "next/link";
import { Badge } from "@/components/ui/card";
import { formatUsd } from "@/lib/money";
import { AlertActions } from "./alert-actions";
import type { AlertRow } from "@/lib/server/alerts";

export type AlertView = AlertRow;

export const ALERT_TYPE_LABELS: Record<AlertView["type"], string> = {
  budget_warning: "Budget warning",
  budget_reached: "Budget reached",
  single_call_high: "Expensive call",
  daily_spike: "Daily spike",
};

const SEVERITY_TONE = { low: "neutral", medium: "warning", high: "danger", critical: "danger" } as const;
const STATUS_TONE = { open: "danger", acknowledged: "warning", resolved: "success" } as const;
const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function AlertsList({ alerts, canManage, showOrg }: { alerts: AlertView[]; canManage: boolean; showOrg: boolean }) {
  return (
    <ul className="divide-y divide-border" aria-label="Alerts">
      {alerts.map((a) => {
        const label = `${ALERT_TYPE_LABELS[a.type]} of ${when(a.createdAt)}`;
        return (
          <li key={a.id} className="grid grid-cols-1 gap-3 py-4 md:grid-cols-[minmax(0,1fr)_16rem]" data-testid={`alert-${a.type}`} data-status={a.status}>
            <div className="min-w-0 space-y-1.5">
              <div className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{ALERT_TYPE_LABELS[a.type]}</span>
                <Badge tone={SEVERITY_TONE[a.severity]}>{a.severity}</Badge>
                <Badge tone={STATUS_TONE[a.status]}>{a.status}</Badge>
                {showOrg ? <span className="text-xs text-muted">{a.orgSlug}</span> : null}
              </div>
              <p className="text-sm break-words">{a.message}</p>
              <p className="text-xs text-muted">
                {when(a.createdAt)}
                {a.thresholdValue !== null ? <> · threshold {formatUsd(a.thresholdValue)}</> : null}
                {a.actualValue !== null ? <> · actual {formatUsd(a.actualValue)}</> : null}
                {a.budgetId ? (
                  <>
                    {" · "}
                    <Link href={`/budgets/${a.budgetId}?org=${encodeURIComponent(a.orgSlug)}`} className="text-accent underline">
                      view budget
                    </Link>
                  </>
                ) : null}
              </p>
              {a.acknowledgedAt ? (
                <p className="text-xs text-muted">
                  Acknowledged {when(a.acknowledgedAt)} by {a.acknowledgedBy ?? "unknown"}
                </p>
              ) : null}
              {a.resolvedAt ? (
                <p className="text-sm">
                  <span className="text-muted">
                    Resolved {when(a.resolvedAt)} by {a.resolvedBy ?? "unknown"}:
                  </span>{" "}
                  <span className="break-words">{a.resolution}</span>
                </p>
              ) : null}
            </div>
            {canManage && a.status !== "resolved" ? <AlertActions alertId={a.id} status={a.status} label={label} /> : null}
          </li>
        );
      })}
    </ul>
  );
}
