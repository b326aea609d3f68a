// CSV export of the usage log's filtered set, streamed: rows are read in keyset batches and
// written as they arrive, so a million rows never sit in memory (SPEC §7).
import { isAppError } from "@/lib/server/errors";
import { exportUsageCsv } from "@/lib/server/usage-log";
import { currentActor } from "@/lib/server/session";
import { getOrganizationBySlug } from "@/lib/server/organizations";
import { parseUsageParams } from "../usage-params";

export const dynamic = "force-dynamic";

const notFound = () => new Response("Not found\n", { status: 404, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function GET(req: Request): Promise<Response> {
  const actor = await currentActor();
  if (actor === null || actor === "disabled") return new Response("Sign in first\n", { status: 401, headers: { "content-type": "text/plain; charset=utf-8" } });
  const parsed = parseUsageParams(Object.fromEntries(new URL(req.url).searchParams));
  let chunks: AsyncGenerator<string>;
  try {
    const orgId = parsed.orgSlug ? (await getOrganizationBySlug(actor, parsed.orgSlug)).id : null;
    chunks = await exportUsageCsv(actor, { orgId }, parsed.filters, parsed.sort);
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") return notFound();
    throw err;
  }
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      } catch (err) {
        controller.error(err);
      }
    },
    async cancel() {
      await chunks.return(undefined);
    },
  });
  const name = `spendline-usage-${parsed.orgSlug ?? "all"}-${parsed.filters.from}-to-${parsed.filters.to}.csv`;
  return new Response(body, {
    headers: {
      "content-type": "text/csv; charset=utf-8",
      "content-disposition": `attachment; filename="${name}"`,
      "cache-control": "no-store",
    },
  });
}
