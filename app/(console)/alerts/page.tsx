import type { Metadata } from "next";
import { Suspense } from "react";
import { z } from "zod";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { AlertFilters, type AlertFilterValues } from "@/components/alerts/alert-filters";
import { AlertsList } from "@/components/alerts/alerts-list";
import { AlertSettingsForm, TestWebhookButton } from "@/components/alerts/alert-settings-form";
import { WebhookLog } from "@/components/alerts/webhook-log";
import { RotateWebhookSecret } from "@/components/alerts/webhook-secret";
import { getAlertSettings, listAlerts } from "@/lib/server/alerts";
import { listWebhookDeliveries } from "@/lib/server/webhooks";
import { hasWebhookSecret } from "@/lib/server/webhook-secrets";
import { autoResolveBudgetAlerts } from "@/lib/server/alerts-auto-resolve";
import { readableOrgIds } from "@/lib/server/authz";
import { requireOrgScope } from "@/lib/server/session";
import { alertTypeSchema } from "@/lib/budgets/schemas";
import { PageBodySkeleton } from "@/components/ui/skeleton";
import type { OrgScope } from "@/lib/server/session";

export const metadata: Metadata = { title: "Alerts" };

const statusFilterSchema = z.enum(["unresolved", "open", "acknowledged", "resolved", "all"]).catch("unresolved");
const typeFilterSchema = alertTypeSchema.optional().catch(undefined);
const severityFilterSchema = z.enum(["low", "medium", "high", "critical"]).optional().catch(undefined);

type AlertsSearch = { org?: string; status?: string; type?: string; severity?: string };

export default async function AlertsPage({ searchParams }: { searchParams: Promise<AlertsSearch> }) {
  const search = await searchParams;
  // The access check answers 404 before anything streams; the lists stream in behind a skeleton.
  const scope = await requireOrgScope(search.org, "viewer", { allowAll: true });
  const { org, role } = scope;
  return (
    <>
      <PageHeader
        title="Alerts"
        description={
          org
            ? `Budget warnings and limits reached, expensive calls and daily spikes of ${org.name}. Each fires once per budget and period, or once a day.`
            : "Alerts of every organisation. Pick an organisation to change its alert settings."
        }
      />
      <Suspense key={JSON.stringify(search)} fallback={<PageBodySkeleton aside={Boolean(org) && role !== "viewer"} label="Loading alerts" />}>
        <AlertsBody scope={scope} search={search} />
      </Suspense>
    </>
  );
}

async function AlertsBody({ scope, search }: { scope: OrgScope; search: AlertsSearch }) {
  const { actor, org, role } = scope;
  await autoResolveBudgetAlerts(org ? [org.id] : readableOrgIds(actor, "viewer"));
  // Unknown filter values are ignored rather than failing the page.
  const status = statusFilterSchema.parse(search.status ?? "unresolved");
  const type = typeFilterSchema.parse(search.type || undefined);
  const severity = severityFilterSchema.parse(search.severity || undefined);
  const canManage = role !== "viewer";

  const [alerts, settings, deliveries, hasSecret] = await Promise.all([
    listAlerts(actor, { orgId: org?.id, status: status === "all" ? undefined : status, type, severity }),
    org && canManage ? getAlertSettings(actor, org.id) : null,
    org && canManage ? listWebhookDeliveries(actor, org.id, { limit: 50 }) : null,
    org && canManage ? hasWebhookSecret(actor, org.id) : false,
  ]);
  const filters: AlertFilterValues = { org: search.org, status, type, severity };
  const filtered = status !== "unresolved" || type || severity;

  return (
    <>
      <div className={`grid grid-cols-1 gap-6 ${settings ? "lg:grid-cols-[minmax(0,1fr)_20rem]" : ""}`}>
        <div className="min-w-0 space-y-6">
          <Card>
            <AlertFilters values={filters} />
          </Card>
          <Card title={`${alerts.length}${alerts.length === 200 ? "+" : ""} alert${alerts.length === 1 ? "" : "s"}`}>
            {alerts.length === 0 ? (
              <EmptyState title={filtered ? "No alerts match these filters" : "No open alerts"}>
                {filtered ? "Change the filters to see more." : "Alerts appear here when a budget nears or reaches its limit, a call is unusually expensive or spend spikes."}
              </EmptyState>
            ) : (
              <AlertsList alerts={alerts} canManage={canManage} showOrg={!org} />
            )}
          </Card>
          {deliveries ? (
            <Card title="Webhook delivery log">
              {deliveries.length === 0 ? (
                <EmptyState title="Nothing sent yet">Alerts and test messages sent to your webhooks are logged here with each attempt.</EmptyState>
              ) : (
                <WebhookLog deliveries={deliveries} />
              )}
            </Card>
          ) : null}
        </div>
        {settings && org ? (
          <div className="min-w-0 space-y-6">
            <Card title="Alert settings">
              <AlertSettingsForm orgId={org.id} settings={settings} />
            </Card>
            <Card title="Webhook test">
              <TestWebhookButton orgId={org.id} hasUrls={settings.webhookUrls.length > 0} />
            </Card>
            <Card title="Webhook signing secret">
              <RotateWebhookSecret orgId={org.id} hasSecret={hasSecret} />
            </Card>
          </div>
        ) : null}
      </div>
    </>
  );
}
