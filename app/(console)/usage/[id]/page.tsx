import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { UsageEventDetailView } from "@/components/usage/usage-event-detail";
import { PageHeader } from "@/components/ui/card";
import { isAppError } from "@/lib/server/errors";
import { getUsageEvent } from "@/lib/server/usage-log";
import { requireUser } from "@/lib/server/session";

export const metadata: Metadata = { title: "Usage event" };

export default async function UsageEventPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<{ org?: string }> }) {
  const { id } = await params;
  const { org } = await searchParams;
  const actor = await requireUser();
  let event;
  try {
    event = await getUsageEvent(actor, id);
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  }
  const back = `/usage${org ? `?org=${encodeURIComponent(org)}` : ""}`;
  return (
    <>
      <PageHeader
        title="Usage event"
        description={
          <>
            <span className="font-mono break-all">{event.eventId}</span> · {event.orgName}
          </>
        }
        actions={
          <Link href={back} className="text-sm font-medium text-accent hover:underline">
            ← Usage log
          </Link>
        }
      />
      <UsageEventDetailView event={event} />
    </>
  );
}
