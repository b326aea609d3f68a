// FOCUS 1.2 CSV of spend (one row per day × organisation × project × provider × model), SPEC §7.
import { focusCsv } from "@/lib/server/reports";
import { reportResponse } from "../report-response";

export const dynamic = "force-dynamic";

export function GET(req: Request): Promise<Response> {
  return reportResponse(req, "focus-1.2", focusCsv);
}
