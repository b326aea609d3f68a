import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { UsageEventDetailView } from "@/components/usage/usage-event-detail";
import { PageHeader } from "@/components/ui/card";
import { isAppError } from "@/lib/server/errors";
import { getUsageEvent } from "@/lib/server/usage-log";
import { requireUser } from "@/lib/server/session";

export const metadata: Metadata = { title: "Usage event" };

export default async function UsageEventPage({ params, searchParams }: { params: Promise<{ id: string }>; searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const { id } = await params;
  const query = await searchParams;
  const actor = await requireUser();
  let event;
  try {
    event = await getUsageEvent(actor, id);
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") notFound();
    throw err;
  }
  // Back to the usage log exactly as it was left: range, filters, sort and page travel in the URL.
  const carried = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (typeof v === "string" && v) carried.set(k, v);
  const back = `/usage${carried.size ? `?${carried.toString()}` : ""}`;
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
          <Link href={back} className="text-sm font-medium text-accent underline underline-offset-2">
            ← Back to the usage log
          </Link>
        }
      />
      <UsageEventDetailView event={event} />
    </>
  );
}
