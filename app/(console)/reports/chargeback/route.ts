// Monthly chargeback CSV (organisation × project × model × month), SPEC §7.
import { chargebackCsv } from "@/lib/server/reports";
import { reportResponse } from "../report-response";

export const dynamic = "force-dynamic";

export function GET(req: Request): Promise<Response> {
  return reportResponse(req, "chargeback", chargebackCsv);
}
