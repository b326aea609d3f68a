"use server";

import { revalidatePath } from "next/cache";
import { z } from "zod";
import { acknowledgeAlert, resolveAlert, updateAlertSettings } from "@/lib/server/alerts";
import { sendTestWebhook, type AttemptResult } from "@/lib/server/webhooks";
import { rotateWebhookSecret } from "@/lib/server/webhook-secrets";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";
import { alertSettingsSchema } from "@/lib/budgets/schemas";

const text = (form: FormData, name: string) => String(form.get(name) ?? "").trim();
const idSchema = z.string().min(1, "Not found.");

const webhookUrlSchema = alertSettingsSchema.shape.webhookUrls.unwrap().element;

/** The settings schema with webhook URLs checked line by line, so a bad line is named and all field errors show at once. */
const alertSettingsFormSchema = alertSettingsSchema.extend({
  webhookUrls: z.array(z.string()).superRefine((urls, ctx) => {
    urls.forEach((url, i) => {
      if (!webhookUrlSchema.safeParse(url).success) ctx.addIssue({ code: "custom", message: `Line ${i + 1} is not an http(s) URL: ${url.slice(0, 80)}` });
    });
    if (urls.length > 10) ctx.addIssue({ code: "custom", message: "At most 10 webhook URLs." });
  }),
});

export async function acknowledgeAlertAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  try {
    await acknowledgeAlert(actor, idSchema.parse(text(form, "alertId")), ctx);
    revalidatePath("/alerts");
    return { ok: true, message: "Acknowledged." };
  } catch (err) {
    return actionError(err);
  }
}

export async function resolveAlertAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const data = { resolution: text(form, "resolution") };
  try {
    await resolveAlert(actor, idSchema.parse(text(form, "alertId")), data.resolution, ctx);
    revalidatePath("/alerts");
    return { ok: true, message: "Resolved." };
  } catch (err) {
    return { ...actionError(err), data };
  }
}

export interface AlertSettingsState extends ActionState {
  /** The organisation's new signing secret, present once: in the answer to the save that created it. */
  signingSecret?: string;
}

export async function updateAlertSettingsAction(_prev: AlertSettingsState, form: FormData): Promise<AlertSettingsState> {
  const { actor, ctx } = await actionContext();
  const data = {
    singleCallThresholdUsd: text(form, "singleCallThresholdUsd"),
    spikeFactor: text(form, "spikeFactor"),
    webhookUrls: String(form.get("webhookUrls") ?? ""),
  };
  try {
    const orgId = idSchema.parse(text(form, "orgId"));
    const input = alertSettingsFormSchema.parse({
      singleCallThresholdUsd: data.singleCallThresholdUsd || null,
      spikeFactor: data.spikeFactor,
      // One URL per line; blank lines are ignored.
      webhookUrls: data.webhookUrls.split(/\r?\n/).map((line) => line.trim()).filter(Boolean),
    });
    const saved = await updateAlertSettings(actor, orgId, input, ctx);
    revalidatePath("/alerts");
    return { ok: true, message: "Alert settings saved.", ...(saved.signingSecret ? { signingSecret: saved.signingSecret } : {}) };
  } catch (err) {
    return { ...actionError(err), data };
  }
}

export interface TestWebhookState extends ActionState {
  results?: Pick<AttemptResult, "url" | "status" | "responseStatus" | "error">[];
}

export async function sendTestWebhookAction(_prev: TestWebhookState, form: FormData): Promise<TestWebhookState> {
  const { actor, ctx } = await actionContext();
  try {
    const results = await sendTestWebhook(actor, idSchema.parse(text(form, "orgId")), ctx);
    revalidatePath("/alerts");
    const delivered = results.filter((r) => r.status === "delivered").length;
    return {
      ok: delivered === results.length,
      message: `Test message delivered to ${delivered} of ${results.length} URL${results.length === 1 ? "" : "s"}.`,
      results: results.map(({ url, status, responseStatus, error }) => ({ url, status, responseStatus, error })),
    };
  } catch (err) {
    return actionError(err);
  }
}

export interface RotateSecretState extends ActionState {
  secret?: string;
}

export async function rotateWebhookSecretAction(_prev: RotateSecretState, form: FormData): Promise<RotateSecretState> {
  const { actor, ctx } = await actionContext();
  try {
    const secret = await rotateWebhookSecret(actor, idSchema.parse(text(form, "orgId")), ctx);
    revalidatePath("/alerts");
    return { ok: true, message: "New signing secret created. Copy it now: it is not shown again.", secret };
  } catch (err) {
    return actionError(err);
  }
}
