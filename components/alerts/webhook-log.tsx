import { Badge } from "@/components/ui/card";
import type { WebhookDeliveryRow } from "@/lib/server/webhooks";

export type WebhookDeliveryView = WebhookDeliveryRow;

const TONE = { pending: "warning", delivered: "success", failed: "danger" } as const;
const when = (iso: string) => `${iso.slice(0, 16).replace("T", " ")} UTC`;

export function WebhookLog({ deliveries }: { deliveries: WebhookDeliveryView[] }) {
  return (
    <ul className="divide-y divide-border" aria-label="Webhook deliveries" data-testid="webhook-log">
      {deliveries.map((d) => (
        <li key={d.id} className="space-y-1 py-3 text-sm">
          <div className="flex flex-wrap items-center gap-2">
            <Badge tone={TONE[d.status]}>{d.status}</Badge>
            <span className="font-medium">{d.event === "webhook.test" ? "Test message" : "Alert"}</span>
            <span className="text-xs text-muted">{when(d.createdAt)}</span>
          </div>
          <p className="font-mono text-xs break-all">{d.url}</p>
          <p className="text-xs text-muted">
            {d.attempts} attempt{d.attempts === 1 ? "" : "s"}
            {d.responseStatus !== null ? <> · response HTTP {d.responseStatus}</> : <> · no response</>}
            {d.deliveredAt ? <> · delivered {when(d.deliveredAt)}</> : null}
            {d.nextAttemptAt ? <> · next attempt {when(d.nextAttemptAt)}</> : null}
          </p>
          {d.lastError ? <p className="text-xs break-words text-danger">Last error: {d.lastError}</p> : null}
        </li>
      ))}
    </ul>
  );
}
