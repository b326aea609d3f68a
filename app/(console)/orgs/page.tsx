import type { Metadata } from "next";
import Link from "next/link";
import { Suspense } from "react";
import { RowsSkeleton } from "@/components/ui/skeleton";
import type { Actor } from "@/lib/server/authz";
import { CellLabel, stackedBody, stackedHead, stackedRow, stackedTable, stackedWide } from "@/components/ui/stacked-table";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { CreateOrganizationForm } from "@/components/orgs/create-organization-form";
import { listOrganizations } from "@/lib/server/organizations";
import { requireSuperAdmin } from "@/lib/server/session";

export const metadata: Metadata = { title: "Organisations" };

export default async function OrganizationsPage() {
  const actor = await requireSuperAdmin();
  return (
    <>
      <PageHeader title="Organisations" description="Every organisation on this Spendline instance." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Suspense fallback={<Card title="Organisations"><RowsSkeleton label="Loading organisations" /></Card>}>
          <OrganisationsCard actor={actor} />
        </Suspense>
        <Card title="Create organisation">
          <CreateOrganizationForm />
        </Card>
      </div>
    </>
  );
}

async function OrganisationsCard({ actor }: { actor: Actor }) {
  const orgs = await listOrganizations(actor);
  return (
    <Card title={`${orgs.length} organisation${orgs.length === 1 ? "" : "s"}`}>
      {orgs.length === 0 ? (
        <EmptyState title="No organisations yet">Create the first one with the form, or `npx spendline orgs:create`.</EmptyState>
      ) : (
        <div className="md:overflow-x-auto">
          <table className={stackedTable}>
            <thead className={`${stackedHead} text-muted`}>
              <tr>
                <th scope="col" className="py-2 pr-4 font-medium">Name</th>
                <th scope="col" className="py-2 pr-4 font-medium">Slug</th>
                <th scope="col" className="py-2 pr-4 text-right font-medium">Members</th>
                <th scope="col" className="py-2 pr-4 text-right font-medium">Projects</th>
                <th scope="col" className="py-2 font-medium">Created (UTC)</th>
              </tr>
            </thead>
            <tbody className={stackedBody}>
              {orgs.map((o) => (
                <tr key={o.id} className={stackedRow}>
                  <td className={`${stackedWide} min-w-0 break-words md:py-2 md:pr-4`}>
                    <Link className="font-medium text-accent hover:underline" href={`/?org=${o.slug}`}>
                      {o.name}
                    </Link>
                  </td>
                  <td className="min-w-0 font-mono text-xs break-all md:py-2 md:pr-4">
                    <CellLabel>Slug</CellLabel>
                    {o.slug}
                  </td>
                  <td className="tabular-nums md:py-2 md:pr-4 md:text-right">
                    <CellLabel>Members</CellLabel>
                    <Link className="hover:underline" href={`/members?org=${o.slug}`}>{o.members}</Link>
                  </td>
                  <td className="tabular-nums md:py-2 md:pr-4 md:text-right">
                    <CellLabel>Projects</CellLabel>
                    {o.projects}
                  </td>
                  <td className="md:py-2 md:whitespace-nowrap">
                    <CellLabel>Created (UTC)</CellLabel>
                    {o.createdAt.slice(0, 10)}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Card>
  );
}
