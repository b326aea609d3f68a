import type { Metadata } from "next";
import Link from "next/link";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { CreateOrganizationForm } from "@/components/orgs/create-organization-form";
import { listOrganizations } from "@/lib/server/organizations";
import { requireSuperAdmin } from "@/lib/server/session";

export const metadata: Metadata = { title: "Organisations" };

export default async function OrganizationsPage() {
  const actor = await requireSuperAdmin();
  const orgs = await listOrganizations(actor);
  return (
    <>
      <PageHeader title="Organisations" description="Every organisation on this Spendline instance." />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Card title={`${orgs.length} organisation${orgs.length === 1 ? "" : "s"}`}>
          {orgs.length === 0 ? (
            <EmptyState title="No organisations yet">Create the first one with the form, or `npx spendline orgs:create`.</EmptyState>
          ) : (
            <div className="overflow-x-auto">
              <table className="w-full text-left text-sm">
                <thead className="text-muted">
                  <tr>
                    <th scope="col" className="py-2 pr-4 font-medium">Name</th>
                    <th scope="col" className="py-2 pr-4 font-medium">Slug</th>
                    <th scope="col" className="py-2 pr-4 text-right font-medium">Members</th>
                    <th scope="col" className="py-2 pr-4 text-right font-medium">Projects</th>
                    <th scope="col" className="py-2 font-medium">Created (UTC)</th>
                  </tr>
                </thead>
                <tbody>
                  {orgs.map((o) => (
                    <tr key={o.id} className="border-t border-border">
                      <td className="py-2 pr-4">
                        <Link className="font-medium text-accent hover:underline" href={`/?org=${o.slug}`}>
                          {o.name}
                        </Link>
                      </td>
                      <td className="py-2 pr-4 font-mono text-xs">{o.slug}</td>
                      <td className="py-2 pr-4 text-right tabular-nums">
                        <Link className="hover:underline" href={`/members?org=${o.slug}`}>{o.members}</Link>
                      </td>
                      <td className="py-2 pr-4 text-right tabular-nums">{o.projects}</td>
                      <td className="py-2 whitespace-nowrap">{o.createdAt.slice(0, 10)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </Card>
        <Card title="Create organisation">
          <CreateOrganizationForm />
        </Card>
      </div>
    </>
  );
}
