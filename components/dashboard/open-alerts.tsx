import Link from "next/link";
import { Badge } from "@/components/ui/card";
import { alertTarget } from "@/lib/dashboard/alert-links";

export interface OpenAlertView {
  id: string;
  orgSlug: string;
  budgetId: string | null;
  type: string;
  severity: "low" | "medium" | "high" | "critical";
  status: string;
  message: string;
  createdAt: string;
}

const TONE = { low: "neutral", medium: "warning", high: "danger", critical: "danger" } as const;

export function OpenAlertsList({ alerts, showOrg, alertsHref }: { alerts: OpenAlertView[]; showOrg: boolean; alertsHref: string }) {
  if (alerts.length === 0) return <p className="text-sm text-muted">No open alerts. Budgets and spikes raise alerts here.</p>;
  return (
    <ul className="space-y-3">
      {alerts.map((a) => {
        const target = alertTarget(a);
        return (
        <li key={a.id} className="min-w-0 border-b border-border pb-3 last:border-0 last:pb-0">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={TONE[a.severity]}>{a.severity}</Badge>
            <span className="text-xs text-muted">{a.type.replace(/_/g, " ")}</span>
            {a.status === "acknowledged" ? <Badge>acknowledged</Badge> : null}
          </div>
          <p className="mt-1 text-sm break-words">{a.message}</p>
          <p className="text-xs text-muted">
            {showOrg ? `${a.orgSlug} · ` : ""}
            {a.createdAt.slice(0, 16).replace("T", " ")} UTC
            {target ? (
              <>
                {" · "}
                <Link href={target.href} className="font-medium text-accent underline underline-offset-2">
                  {target.label}
                </Link>
              </>
            ) : null}
          </p>
        </li>
        );
      })}
      <li>
        <Link href={alertsHref} className="text-sm font-medium text-accent underline underline-offset-2">
          All alerts →
        </Link>
      </li>
    </ul>
  );
}
