import type { Metadata } from "next";
import { Suspense } from "react";
import { Card, PageHeader } from "@/components/ui/card";
import { AddMemberForm } from "@/components/members/add-member-form";
import { MembersTable } from "@/components/members/members-table";
import { InvitationsTable } from "@/components/members/invitations-table";
import { listMembers } from "@/lib/server/accounts";
import { listInvitations } from "@/lib/server/invitations";
import { RowsSkeleton } from "@/components/ui/skeleton";
import type { Actor } from "@/lib/server/authz";
import { requireOrgScope, type AccountActor } from "@/lib/server/session";
import { EmptyState } from "@/components/ui/card";

export const metadata: Metadata = { title: "Members" };

export default async function MembersPage({ searchParams }: { searchParams: Promise<{ org?: string }> }) {
  const { org: slug } = await searchParams;
  const { actor, org, role } = await requireOrgScope(slug, "admin", { path: "/members" });
  if (!org) {
    return (
      <>
        <PageHeader title="Members" />
        <EmptyState title="No organisation yet">Create an organisation first.</EmptyState>
      </>
    );
  }
  const canManageOwners = role === "owner" || role === "super_admin";
  return (
    <>
      <PageHeader title="Members" description={`People who can sign in to ${org.name}.`} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Suspense key={org.id} fallback={<Card title="Members"><RowsSkeleton rows={3} label="Loading members" /></Card>}>
          <MembersCard actor={actor} orgId={org.id} canManageOwners={canManageOwners} />
        </Suspense>
        <Card title="Add member">
          <AddMemberForm orgId={org.id} canAddOwner={canManageOwners} />
        </Card>
        <Suspense key={`${org.id}:invitations`}>
          <InvitationsCard actor={actor} orgId={org.id} />
        </Suspense>
      </div>
    </>
  );
}

async function MembersCard({ actor, orgId, canManageOwners }: { actor: AccountActor; orgId: string; canManageOwners: boolean }) {
  const members = await listMembers(actor, orgId);
  return (
    <Card title={`${members.length} member${members.length === 1 ? "" : "s"}`}>
      <MembersTable orgId={orgId} members={members} canManageOwners={canManageOwners} selfEmail={actor.email} />
    </Card>
  );
}

async function InvitationsCard({ actor, orgId }: { actor: Actor; orgId: string }) {
  const invitations = await listInvitations(actor, orgId);
  if (invitations.length === 0) return null;
  return (
    <Card title={`${invitations.length} pending invitation${invitations.length === 1 ? "" : "s"}`} className="lg:col-start-1">
      <InvitationsTable invitations={invitations} />
    </Card>
  );
}
