// Client-safe zod schemas for budgets and alerts, shared by forms, server actions, the CLI and
// the API. Money stays a decimal string; it is never parsed into a float.
import { z } from "zod";

const money = (label: string, places: number, maxIntDigits: number) =>
  z
    .union([z.string(), z.number()])
    .transform((v) => (typeof v === "number" ? String(v) : v.trim()))
    .refine((v) => /^\d+(\.\d+)?$/.test(v), `${label} must be a non-negative decimal number of US dollars.`)
    .refine((v) => (v.split(".")[1] ?? "").length <= places, `${label} may have at most ${places} decimal places.`)
    .refine((v) => v.split(".")[0].replace(/^0+(?=\d)/, "").length <= maxIntDigits, `${label} is too large.`);

export const budgetLimitSchema = money("Limit", 6, 14).refine((v) => /[1-9]/.test(v), "Limit must be greater than zero.");
export const budgetPeriodSchema = z.enum(["monthly", "weekly", "daily"], { message: "Period must be monthly, weekly or daily." });
export const budgetModeSchema = z.enum(["soft", "hard"], { message: "Mode must be soft or hard." });
export const budgetScopeSchema = z.enum(["organization", "project", "user"], { message: "Scope must be organization, project or user." });
export const warnPercentSchema = z.coerce
  .number({ message: "Warning threshold must be a whole percentage." })
  .int("Warning threshold must be a whole percentage.")
  .min(1, "Warning threshold must be between 1 and 100 percent.")
  .max(100, "Warning threshold must be between 1 and 100 percent.");

const scopeKeySchema = z.string().trim().min(1).max(256);

export const budgetInputSchema = z
  .object({
    scope: budgetScopeSchema,
    /** Project key or end user's external id; absent for the organisation. */
    scopeKey: scopeKeySchema.optional(),
    limitUsd: budgetLimitSchema,
    period: budgetPeriodSchema.optional(),
    mode: budgetModeSchema.optional(),
    warnPercent: warnPercentSchema.optional(),
  })
  .refine((b) => (b.scope === "organization") === (b.scopeKey === undefined), {
    message: "A project or user budget needs its key; an organisation budget has none.",
    path: ["scopeKey"],
  });
export type BudgetInput = z.input<typeof budgetInputSchema>;

export const budgetUpdateSchema = z.object({
  limitUsd: budgetLimitSchema.optional(),
  period: budgetPeriodSchema.optional(),
  mode: budgetModeSchema.optional(),
  warnPercent: warnPercentSchema.optional(),
});
export type BudgetUpdate = z.input<typeof budgetUpdateSchema>;

export const extensionInputSchema = z.object({
  amountUsd: money("Amount", 6, 14).refine((v) => /[1-9]/.test(v), "Amount must be greater than zero."),
  /** Until when the extension applies; the end of the current period when absent. */
  until: z.coerce.date({ message: "Expiry must be a date." }).optional(),
  reason: z.string().trim().min(1, "Give a reason for the extension.").max(500, "Reason must be at most 500 characters."),
});
export type ExtensionInput = z.input<typeof extensionInputSchema>;

const tokenCount = z.number({ message: "Token estimates must be whole numbers." }).int("Token estimates must be whole numbers.").min(0, "Token estimates cannot be negative.").max(1e12, "Token estimate is too large.");
const optionalKey = z.string().trim().min(1).max(256).optional().nullable();

/** Body of POST /api/v1/budgets/check (SPEC §5). */
export const budgetCheckSchema = z
  .object({
    user: optionalKey,
    project: optionalKey,
    provider: z.string().trim().min(1).max(128).optional().nullable(),
    model: z.string().trim().min(1).max(256).optional().nullable(),
    estimated_cost_usd: money("estimated_cost_usd", 12, 12).optional().nullable(),
    estimated_input_tokens: tokenCount.optional().nullable(),
    estimated_output_tokens: tokenCount.optional().nullable(),
  })
  .superRefine((b, ctx) => {
    const tokens = b.estimated_input_tokens != null || b.estimated_output_tokens != null;
    if (b.estimated_cost_usd != null || !tokens) return;
    if (b.estimated_input_tokens == null || b.estimated_output_tokens == null) {
      ctx.addIssue({ code: "custom", message: "Give both estimated_input_tokens and estimated_output_tokens, or estimated_cost_usd.", path: [b.estimated_input_tokens == null ? "estimated_input_tokens" : "estimated_output_tokens"] });
    }
    if (!b.model) ctx.addIssue({ code: "custom", message: "A token estimate needs the model that prices it.", path: ["model"] });
  });
export type BudgetCheckBody = z.output<typeof budgetCheckSchema>;

export const alertSettingsSchema = z.object({
  singleCallThresholdUsd: money("Single-call threshold", 6, 14).nullable().optional(),
  spikeFactor: z.coerce.number({ message: "Spike factor must be a number." }).min(1.1, "Spike factor must be at least 1.1.").max(1000, "Spike factor must be at most 1000.").optional(),
  webhookUrls: z
    .array(z.url({ protocol: /^https?$/, message: "Webhook URLs must be http(s) URLs." }).max(2048))
    .max(10, "At most 10 webhook URLs.")
    .optional(),
});
export type AlertSettingsInput = z.input<typeof alertSettingsSchema>;

export const alertStatusSchema = z.enum(["open", "acknowledged", "resolved"]);
export const alertTypeSchema = z.enum(["budget_warning", "budget_reached", "single_call_high", "daily_spike"]);
