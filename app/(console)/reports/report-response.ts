// Shared by the report downloads: who asks, which organisation (?org=, or all for super admins),
// which days (?from=&to=, default this month); another organisation is a 404.
import { parseDateRange } from "@/lib/dashboard/filters";
import type { DateRange } from "@/lib/dashboard/filters";
import type { Actor } from "@/lib/server/authz";
import { isAppError } from "@/lib/server/errors";
import { getOrganizationBySlug } from "@/lib/server/organizations";
import { currentActor } from "@/lib/server/session";

const text = (body: string, status: number) => new Response(body, { status, headers: { "content-type": "text/plain; charset=utf-8" } });

export async function reportResponse(req: Request, name: string, build: (actor: Actor, orgId: string | null, range: DateRange) => Promise<string>): Promise<Response> {
  const actor = await currentActor();
  if (actor === null || actor === "disabled") return text("Sign in first\n", 401);
  const params = Object.fromEntries(new URL(req.url).searchParams);
  const { error, ...range } = parseDateRange(params, new Date());
  if (error) return text(`${error}\n`, 400);
  const slug = params.org || null;
  try {
    const orgId = slug ? (await getOrganizationBySlug(actor, slug)).id : actor.isSuperAdmin ? null : actor.memberships[0]?.orgId ?? null;
    if (!orgId && !actor.isSuperAdmin) return text("Not found\n", 404);
    const body = await build(actor, orgId, range);
    return new Response(body, {
      headers: {
        "content-type": "text/csv; charset=utf-8",
        "content-disposition": `attachment; filename="spendline-${name}-${slug ?? (orgId ? actor.memberships[0].slug : "all")}-${range.from}-to-${range.to}.csv"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    if (isAppError(err) && err.code === "not_found") return text("Not found\n", 404);
    throw err;
  }
}
