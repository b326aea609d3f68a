"use server";

import { revalidatePath } from "next/cache";
import { isBillProvider } from "@/lib/bills/parse";
import { formatUsd } from "@/lib/money";
import { importBillText, MAX_BILL_BYTES } from "@/lib/server/bills/import-bill";
import { actionContext, actionError, type ActionState } from "@/lib/server/session";

/** Upload of a bill file: the same parser and import as `bills:import`; the data layer re-checks the role. */
export async function uploadBillAction(_prev: ActionState, form: FormData): Promise<ActionState> {
  const { actor, ctx } = await actionContext();
  const provider = String(form.get("provider") ?? "");
  const file = form.get("file");
  if (!isBillProvider(provider)) return { ok: false, message: "Choose the provider of the bill.", errors: { provider: "Choose OpenAI or Anthropic." } };
  if (!(file instanceof File) || file.size === 0) return { ok: false, message: "Choose a bill file.", errors: { file: "Choose a JSON cost report file." } };
  if (file.size > MAX_BILL_BYTES) return { ok: false, message: "The file is too large.", errors: { file: `Files up to ${MAX_BILL_BYTES / 1024 / 1024} MiB; use bills:import for larger ones.` } };
  try {
    const result = await importBillText(actor, { orgId: String(form.get("orgId") ?? ""), provider, text: await file.text(), sourceName: file.name }, ctx);
    revalidatePath("/reconciliation");
    const days = result.days.length === 1 ? result.days[0] : `${result.days.length} days`;
    return {
      ok: true,
      message: `Stored ${result.lines} ${provider} bill line${result.lines === 1 ? "" : "s"} (${days}), total ${formatUsd(result.totalUsd, { exact: true })}${result.replacedLines ? `, replacing ${result.replacedLines} imported before` : ""}.`,
    };
  } catch (err) {
    return actionError(err);
  }
}
