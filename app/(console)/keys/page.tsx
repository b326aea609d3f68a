import type { Metadata } from "next";
import { Suspense } from "react";
import { Card, EmptyState, PageHeader } from "@/components/ui/card";
import { CreateApiKeyForm } from "@/components/keys/create-api-key-form";
import { ApiKeysTable } from "@/components/keys/api-keys-table";
import { listApiKeys } from "@/lib/server/api-keys";
import { RowsSkeleton } from "@/components/ui/skeleton";
import type { Actor } from "@/lib/server/authz";
import { requireOrgScope } from "@/lib/server/session";

export const metadata: Metadata = { title: "API keys" };

export default async function ApiKeysPage({ searchParams }: { searchParams: Promise<{ org?: string }> }) {
  const { org: slug } = await searchParams;
  const { actor, org } = await requireOrgScope(slug, "admin", { path: "/keys" });
  if (!org) {
    return (
      <>
        <PageHeader title="API keys" />
        <EmptyState title="No organisation yet">Create an organisation first.</EmptyState>
      </>
    );
  }
  return (
    <>
      <PageHeader
        title="API keys"
        description={
          <>
            Keys let applications of {org.name} report usage to <code className="font-mono">POST /api/v1/usage</code>. The secret is shown once.
          </>
        }
      />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Suspense key={org.id} fallback={<Card title="Keys"><RowsSkeleton rows={3} label="Loading keys" /></Card>}>
          <KeysCard actor={actor} orgId={org.id} />
        </Suspense>
        <Card title="Create API key">
          <CreateApiKeyForm orgId={org.id} />
        </Card>
      </div>
    </>
  );
}

async function KeysCard({ actor, orgId }: { actor: Actor; orgId: string }) {
  const keys = await listApiKeys(actor, orgId);
  return (
    <Card title={`${keys.length} key${keys.length === 1 ? "" : "s"}`}>
      {keys.length === 0 ? (
        <EmptyState title="No API keys yet">Create one to start sending usage events.</EmptyState>
      ) : (
        <ApiKeysTable orgId={orgId} keys={keys} now={new Date().toISOString()} />
      )}
    </Card>
  );
}
