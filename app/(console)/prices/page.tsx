import type { Metadata } from "next";
import { AddPriceForm } from "@/components/prices/add-price-form";
import { PriceCatalog } from "@/components/prices/price-catalog";
import { RepricePanel } from "@/components/prices/reprice-panel";
import { UnpricedModels } from "@/components/prices/unpriced-models";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { isoDay } from "@/lib/dashboard/dates";
import { first, type SearchParams } from "@/lib/dashboard/filters";
import { isSuperAdmin } from "@/lib/server/authz";
import { listPrices, listUnpricedModels, previewReprice } from "@/lib/server/pricing";
import { requireUser } from "@/lib/server/session";

export const metadata: Metadata = { title: "Prices" };

export default async function PricesPage({ searchParams }: { searchParams: Promise<SearchParams> }) {
  const params = await searchParams;
  const actor = await requireUser();
  const admin = isSuperAdmin(actor);
  const providerFilter = first(params, "provider_filter");
  const [prices, unpriced, reprice] = await Promise.all([
    listPrices(actor, providerFilter ? { provider: providerFilter } : {}),
    listUnpricedModels(actor),
    admin ? previewReprice(actor) : Promise.resolve(null),
  ]);
  const providers = [...new Set((await listPrices(actor)).map((p) => p.provider))];
  const repriced = /^\d+$/.test(first(params, "repriced") ?? "") ? first(params, "repriced") : null;
  const addedUsd = /^-?\d+(\.\d+)?$/.test(first(params, "added_usd") ?? "") ? first(params, "added_usd") : "0";
  const prefill = { provider: first(params, "provider") ?? undefined, model: first(params, "model") ?? undefined, effectiveFrom: first(params, "effective_from") ?? undefined };
  return (
    <>
      <PageHeader title="Prices" description="USD per million tokens. Each event is priced by the version in force at its time and keeps it." />
      {repriced ? (
        <p role="status" className="mb-6 rounded-md border border-success/40 bg-success/10 px-3 py-2 text-sm text-success">
          Priced {repriced} event{repriced === "1" ? "" : "s"}, adding ${addedUsd}.
        </p>
      ) : null}
      {reprice && reprice.events > 0 ? (
        <Card className="mb-6" title="Price the waiting events">
          <RepricePanel preview={reprice} />
        </Card>
      ) : null}
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title={`Unpriced models (${unpriced.length})`}>
          {unpriced.length === 0 ? (
            <p className="text-sm text-muted">Every model seen in events has a price.</p>
          ) : (
            <UnpricedModels models={unpriced} addHref={admin ? (m) => `/prices?${new URLSearchParams({ provider: m.provider ?? "", model: m.model ?? "", effective_from: m.firstSeen.slice(0, 10) }).toString()}#add-price` : null} />
          )}
        </Card>
        <div id="add-price" className="min-w-0">
          {admin ? (
            <Card title="Add a price version">
              <AddPriceForm prefill={prefill} today={isoDay(new Date())} />
            </Card>
          ) : (
            <Card title="Changing prices">
              <p className="text-sm text-muted">Only super admins change the price catalog.</p>
            </Card>
          )}
        </div>
      </div>
      <Card
        className="mt-6"
        title="Catalog"
        action={
          <form method="get" className="flex items-center gap-2 text-sm">
            <label htmlFor="provider-filter" className="text-muted">
              Show provider
            </label>
            <select id="provider-filter" name="provider_filter" defaultValue={providerFilter ?? ""} className="rounded-md border border-border bg-surface px-2 py-1 text-sm">
              <option value="">All</option>
              {providers.map((p) => (
                <option key={p} value={p}>
                  {p}
                </option>
              ))}
            </select>
            <button type="submit" className="rounded-md border border-border px-2 py-1 hover:bg-surface-muted">
              Show
            </button>
          </form>
        }
      >
        {prices.length === 0 ? <EmptyState title="No prices">Import a catalog with npx spendline prices:import.</EmptyState> : <PriceCatalog prices={prices} />}
      </Card>
    </>
  );
}
