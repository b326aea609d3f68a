"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { redirect } from "next/navigation";
import { deleteBudget, grantExtension, setBudget, setBudgetActive, updateBudget } from "@/lib/server/budgets";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";
import { budgetInputSchema, budgetUpdateSchema, extensionInputSchema } from "@/lib/budgets/schemas";
import { formatUsd } from "@/lib/money";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();

/** Form fields as typed; an empty optional field means "not given". */
const createBudgetFormSchema = z.object({ orgId: z.string().min(1, "Pick an organisation.") }).and(budgetInputSchema);
const budgetIdSchema = z.string().min(1, "Budget not found.");

// datetime-local inputs carry no zone; the console works in UTC (SPEC §7).
const utcDateTimeSchema = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?$/, "Expiry must be a date and time.")
  .transform((v) => new Date(`${v}Z`))
  .refine((d) => !Number.isNaN(d.getTime()), "Expiry must be a valid date and time.");

function revalidateBudgetPages(budgetId?: string) {
  revalidatePath("/budgets");
  if (budgetId) revalidatePath(`/budgets/${budgetId}`);
}

export async function createBudgetAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const data = {
    scope: text(form, "scope") || "organization",
    scopeKey: text(form, "scopeKey"),
    period: text(form, "period") || "monthly",
    limitUsd: text(form, "limitUsd"),
    warnPercent: text(form, "warnPercent"),
    mode: text(form, "mode") || "soft",
  };
  try {
    const parsed = createBudgetFormSchema.parse({
      orgId: text(form, "orgId"),
      scope: data.scope,
      scopeKey: data.scope === "organization" ? undefined : data.scopeKey || undefined,
      period: data.period,
      limitUsd: data.limitUsd,
      warnPercent: data.warnPercent || undefined,
      mode: data.mode,
    });
    const { orgId, ...input } = parsed;
    const { created, budget } = await setBudget(actor, orgId, input, ctx);
    revalidateBudgetPages(budget.id);
    const what = budget.scope === "organization" ? "the organisation" : `${budget.scope} ${budget.scopeKey}`;
    return {
      ok: true,
      message: created ? `Created a ${budget.period} budget for ${what}.` : `A budget for ${what} already existed; it was updated.`,
    };
  } catch (err) {
    return { ...actionError(err), data };
  }
}

export async function updateBudgetAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const data = { limitUsd: text(form, "limitUsd"), period: text(form, "period"), mode: text(form, "mode"), warnPercent: text(form, "warnPercent") };
  try {
    const budgetId = budgetIdSchema.parse(text(form, "budgetId"));
    const patch = budgetUpdateSchema.parse({
      limitUsd: data.limitUsd || undefined,
      period: data.period || undefined,
      mode: data.mode || undefined,
      warnPercent: data.warnPercent || undefined,
    });
    await updateBudget(actor, budgetId, patch, ctx);
    revalidateBudgetPages(budgetId);
    return { ok: true, message: "Budget saved." };
  } catch (err) {
    return { ...actionError(err), data };
  }
}

export async function setBudgetActiveAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  try {
    const budgetId = budgetIdSchema.parse(text(form, "budgetId"));
    const active = z.enum(["true", "false"]).parse(text(form, "active")) === "true";
    await setBudgetActive(actor, budgetId, active, ctx);
    revalidateBudgetPages(budgetId);
    return { ok: true, message: active ? "Budget activated: it counts and enforces again." : "Budget deactivated: it no longer counts or enforces." };
  } catch (err) {
    return actionError(err);
  }
}

export async function grantExtensionAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const data = { amountUsd: text(form, "amountUsd"), until: text(form, "until"), reason: text(form, "reason") };
  try {
    const budgetId = budgetIdSchema.parse(text(form, "budgetId"));
    const input = z
      .object({ amountUsd: extensionInputSchema.shape.amountUsd, until: utcDateTimeSchema.optional(), reason: extensionInputSchema.shape.reason })
      .parse({ amountUsd: data.amountUsd, until: data.until || undefined, reason: data.reason });
    const granted = await grantExtension(actor, budgetId, input, ctx);
    revalidateBudgetPages(budgetId);
    return { ok: true, message: `Granted an extension of ${formatUsd(granted.amountUsd, { exact: true })} until ${granted.validUntil?.slice(0, 16).replace("T", " ")} UTC.` };
  } catch (err) {
    return { ...actionError(err), data };
  }
}

export async function deleteBudgetAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const budgetId = text(form, "budgetId");
  const confirm = text(form, "confirm");
  try {
    await deleteBudget(actor, budgetId, confirm, ctx);
  } catch (err) {
    return { ...actionError(err), data: { confirm } };
  }
  revalidateBudgetPages(budgetId);
  const org = text(form, "org");
  redirect(`/budgets${org ? `?org=${encodeURIComponent(org)}` : ""}`);
}
