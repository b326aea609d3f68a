import { ConsoleShell, type ShellOrg } from "@/components/layout/console-shell";
import { listOrganizations } from "@/lib/server/organizations";
import { requireUser } from "@/lib/server/session";

// No Suspense around the page: access checks must be able to answer 404 before anything streams.
export default async function ConsoleLayout({ children }: { children: React.ReactNode }) {
  const actor = await requireUser();
  const orgs: ShellOrg[] = actor.isSuperAdmin
    ? (await listOrganizations(actor)).map((o) => ({
        slug: o.slug,
        name: o.name,
        role: actor.memberships.find((m) => m.orgId === o.id)?.role ?? "owner",
      }))
    : actor.memberships.map((m) => ({ slug: m.slug, name: m.name, role: m.role }));
  return (
    <ConsoleShell email={actor.email} isSuperAdmin={actor.isSuperAdmin} orgs={orgs}>
      {children}
    </ConsoleShell>
  );
}
