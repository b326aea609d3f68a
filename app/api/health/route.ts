import { checkDatabaseHealth } from "@/lib/server/health";

export const dynamic = "force-dynamic";

export async function GET() {
  const ok = await checkDatabaseHealth();
  return Response.json(ok ? { status: "ok", database: "ok" } : { status: "error", database: "unavailable" }, {
    status: ok ? 200 : 503,
    headers: { "cache-control": "no-store", ...(ok ? {} : { "retry-after": "5" }) },
  });
}
