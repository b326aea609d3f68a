// Finds an event by its client event id within an organisation and redirects to its detail page
// (alerts about an expensive call name the event id). Unknown or foreign events are a 404.
import { isAppError } from "@/lib/server/errors";
import { getOrganizationBySlug } from "@/lib/server/organizations";
import { currentActor } from "@/lib/server/session";
import { findUsageEventId } from "@/lib/server/usage-log";

export const dynamic = "force-dynamic";

const notFound = () => new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function GET(req: Request): Promise<Response> {
  const actor = await currentActor();
  if (actor === null || actor === "disabled") return Response.redirect(new URL("/login", req.url), 302);
  const url = new URL(req.url);
  const slug = url.searchParams.get("org");
  const eventId = url.searchParams.get("event_id");
  if (!slug || !eventId || eventId.length > 128) return notFound();
  try {
    const org = await getOrganizationBySlug(actor, slug);
    const id = await findUsageEventId(actor, org.id, eventId);
    return new Response(null, { status: 302, headers: { location: `/usage/${id}?org=${encodeURIComponent(org.slug)}` } });
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") return notFound();
    throw err;
  }
}
