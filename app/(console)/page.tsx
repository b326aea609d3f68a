import { PageHeader } from "@/components/ui/card";
import { requireOrgScope } from "@/lib/server/session";

export default async function OverviewPage({ searchParams }: { searchParams: Promise<{ org?: string }> }) {
  const { org: slug } = await searchParams;
  const { org } = await requireOrgScope(slug, "viewer", { allowAll: true });
  return <PageHeader title="Overview" description={org ? org.name : "All organisations"} />;
}
