import type { Metadata } from "next";
import Link from "next/link";
import { AcceptInvitationForm } from "@/components/auth/accept-invitation-form";
import { findInvitation } from "@/lib/server/invitations";

export const metadata: Metadata = { title: "Accept invitation", referrer: "no-referrer" };
export const dynamic = "force-dynamic";

export default async function InvitePage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const invitation = await findInvitation(token);
  return (
    <main className="flex min-h-screen items-center justify-center p-4">
      <div className="w-full max-w-sm rounded-lg border border-border bg-surface p-6 shadow-sm">
        <div className="mb-6 flex items-center gap-2">
          <img src="/favicon.svg" alt="" width={28} height={28} />
          <h1 className="text-xl font-semibold">{invitation ? `Join ${invitation.orgName}` : "Invitation"}</h1>
        </div>
        {invitation ? (
          <>
            <p className="mb-4 text-sm text-muted">
              You are invited as <strong className="text-foreground">{invitation.role}</strong> with the address{" "}
              <strong className="text-foreground [overflow-wrap:anywhere]" data-testid="invited-email">{invitation.email}</strong>. Choose your password to create your account.
            </p>
            <AcceptInvitationForm token={token} email={invitation.email} />
          </>
        ) : (
          <p role="alert" className="rounded-md border border-danger/40 bg-danger/10 px-3 py-2 text-sm text-danger">
            This invitation link is not valid any more: it was used, withdrawn or is older than 7 days. Ask for a new one.
          </p>
        )}
        <p className="mt-6 text-sm">
          <Link href="/login" className="text-accent hover:underline">
            Sign in instead
          </Link>
        </p>
      </div>
    </main>
  );
}
