// Query of GET /api/v1/usage/summary: inclusive UTC dates, default this month to today.
import { z } from "zod";

export const SUMMARY_GROUPS = ["day", "provider", "model", "project", "user", "category"] as const;
export type SummaryGroup = (typeof SUMMARY_GROUPS)[number];

const isoDay = (d: Date) => d.toISOString().slice(0, 10);

const dateParam = (name: string) =>
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `${name} must be a date in the form YYYY-MM-DD.`)
    .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00Z`)) && isoDay(new Date(`${s}T00:00:00Z`)) === s, `${name} is not a valid date.`);

export const usageSummaryQuerySchema = z
  .object({
    from: dateParam("from").optional(),
    to: dateParam("to").optional(),
    group_by: z.enum(SUMMARY_GROUPS, { message: `group_by must be one of ${SUMMARY_GROUPS.join(", ")}.` }).optional(),
  })
  .transform((q) => {
    const today = new Date();
    const to = q.to ?? isoDay(today);
    const from = q.from ?? `${to.slice(0, 7)}-01`;
    return { from, to, groupBy: q.group_by ?? ("day" as SummaryGroup) };
  })
  .refine((q) => q.from <= q.to, { message: "from must not be after to.", path: ["from"] });

export type UsageSummaryQuery = z.output<typeof usageSummaryQuerySchema>;

