import type { Metadata } from "next";
import Link from "next/link";
import { Card, PageHeader } from "@/components/ui/card";
import { DeleteOrganizationForm, RenameOrganizationForm, StoreContentForm } from "@/components/settings/organization-settings";
import { getOrganizationBySlug } from "@/lib/server/organizations";
import { requireOrgScope } from "@/lib/server/session";

export const metadata: Metadata = { title: "Organisation settings" };

export default async function SettingsPage({ searchParams }: { searchParams: Promise<{ org?: string }> }) {
  const { org: slug } = await searchParams;
  const { actor, org, role } = await requireOrgScope(slug, "owner", { path: "/settings" });
  if (!org) return <PageHeader title="Organisation settings" description="Create an organisation first." />;
  const details = await getOrganizationBySlug(actor, org.slug);
  const q = `?org=${encodeURIComponent(org.slug)}`;
  return (
    <>
      <PageHeader title="Organisation settings" description={<>{org.name} <span className="font-mono text-xs">({org.slug})</span></>} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-2">
        <Card title="Name">
          <RenameOrganizationForm orgId={org.id} name={org.name} />
        </Card>
        <Card title="Prompts and responses">
          <StoreContentForm orgId={org.id} storeContent={details.storeContent} />
        </Card>
        <Card title="Alerts and webhooks">
          <p className="text-sm text-muted">
            The single-call threshold, the spike factor, webhook URLs and the webhook signing secret are set on the{" "}
            <Link href={`/alerts${q}`} className="text-accent underline underline-offset-2">
              Alerts page
            </Link>
            . API keys are on the{" "}
            <Link href={`/keys${q}`} className="text-accent underline underline-offset-2">
              API keys page
            </Link>
            .
          </p>
        </Card>
        {role === "super_admin" ? (
          <Card title="Delete organisation" className="border-danger/40">
            <p className="mb-3 text-sm text-muted">Super admins only. Everything of this organisation goes; the audit log keeps the deletion.</p>
            <DeleteOrganizationForm orgId={org.id} slug={org.slug} name={org.name} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
