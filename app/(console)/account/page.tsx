import type { Metadata } from "next";
import { Card, PageHeader } from "@/components/ui/card";
import { ChangePasswordForm } from "@/components/auth/change-password-form";
import { requireUser } from "@/lib/server/session";

export const metadata: Metadata = { title: "Account" };

export default async function AccountPage() {
  const actor = await requireUser();
  return (
    <>
      <PageHeader title="Account" description={`Signed in as ${actor.email}.`} />
      <div className="max-w-md">
        <Card title="Change password">
          <ChangePasswordForm email={actor.email} />
        </Card>
      </div>
    </>
  );
}
