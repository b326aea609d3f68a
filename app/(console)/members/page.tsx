import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { AddMemberForm } from "@/components/members/add-member-form";
import { MembersTable } from "@/components/members/members-table";
import { InvitationsTable } from "@/components/members/invitations-table";
import { listMembers } from "@/lib/server/accounts";
import { listInvitations } from "@/lib/server/invitations";
import { requireOrgScope } from "@/lib/server/session";
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
  const [members, invitations] = await Promise.all([listMembers(actor, org.id), listInvitations(actor, org.id)]);
  const canManageOwners = role === "owner" || role === "super_admin";
  return (
    <>
      <PageHeader title="Members" description={`People who can sign in to ${org.name}.`} />
      <div className="grid grid-cols-1 gap-6 lg:grid-cols-[minmax(0,1fr)_20rem]">
        <Card title={`${members.length} member${members.length === 1 ? "" : "s"}`}>
          <MembersTable orgId={org.id} members={members} canManageOwners={canManageOwners} selfEmail={actor.email} />
        </Card>
        <Card title="Add member">
          <AddMemberForm orgId={org.id} canAddOwner={canManageOwners} />
        </Card>
        {invitations.length > 0 ? (
          <Card title={`${invitations.length} pending invitation${invitations.length === 1 ? "" : "s"}`} className="lg:col-start-1">
            <InvitationsTable invitations={invitations} />
          </Card>
        ) : null}
      </div>
    </>
  );
}
