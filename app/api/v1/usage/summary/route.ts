import { AppError } from "@/lib/server/errors";
import { jsonResponse, withApiKey } from "@/lib/server/http";
import { summarizeUsageForKey, usageSummaryQuerySchema } from "@/lib/server/usage-summary";

export const dynamic = "force-dynamic";

export const GET = withApiKey(async (req, principal) => {
  const params = new URL(req.url).searchParams;
  const raw = Object.fromEntries([...params.entries()].filter(([k]) => k === "from" || k === "to" || k === "group_by"));
  const parsed = usageSummaryQuerySchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.map(String).join(".") || "query";
    throw new AppError("validation_failed", issue.message.startsWith(field) ? issue.message : `${field}: ${issue.message}`, { field });
  }
  return jsonResponse(await summarizeUsageForKey(principal, parsed.data));
});
