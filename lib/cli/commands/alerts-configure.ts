import { ZodError } from "zod";
import { formatUsd } from "@/lib/money";
import { updateAlertSettings } from "@/lib/server/alerts";
import { ensureWebhookSecret } from "@/lib/server/webhook-secrets";
import { orgIdBySlug } from "../org-lookup";
import { CLI_ACTOR, CliError, parseOptions, required } from "../args";

export const summary = "Set an organisation's alert settings: webhook URLs (the list replaces the old one; --webhook '' clears it), single-call threshold, spike factor.";
export const usage = "alerts:configure --org SLUG [--webhook URL …] [--single-call USD] [--spike-factor N]";

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, {
    org: { type: "string" },
    webhook: { type: "string", multiple: true },
    "single-call": { type: "string" },
    "spike-factor": { type: "string" },
  });
  const slug = required(values.org, "--org");
  const orgId = await orgIdBySlug(slug);
  const singleCall = values["single-call"];
  const spike = values["spike-factor"];
  let settings;
  try {
    settings = await updateAlertSettings(CLI_ACTOR, orgId, {
      ...(values.webhook !== undefined ? { webhookUrls: values.webhook.map((u) => u.trim()).filter(Boolean) } : {}),
      ...(singleCall !== undefined ? { singleCallThresholdUsd: singleCall.trim() === "" || singleCall === "none" ? null : singleCall } : {}),
      ...(spike !== undefined ? { spikeFactor: spike.trim() === "" ? Number.NaN : spike } : {}),
    });
  } catch (err) {
    if (err instanceof ZodError) throw new CliError(err.issues[0]?.message ?? "invalid alert settings");
    throw err;
  }
  // The organisation's first configuration creates its signing secret, printed this once.
  let secret = settings.signingSecret ?? null;
  if (!secret) {
    const ensured = await ensureWebhookSecret(orgId);
    if (ensured.created) secret = ensured.secret;
  }
  const threshold = settings.singleCallThresholdUsd === null ? "none" : formatUsd(settings.singleCallThresholdUsd, { exact: true });
  console.log(`Alert settings of ${slug}: single-call threshold ${threshold}, spike factor ${settings.spikeFactor}, ${settings.webhookUrls.length} webhook${settings.webhookUrls.length === 1 ? "" : "s"}.`);
  for (const url of settings.webhookUrls) console.log(`webhook: ${url}`);
  if (secret) {
    console.log("Receivers verify deliveries with this Standard Webhooks secret; it is shown only now (rotate it in the console to get a new one).");
    console.log(`signing secret: ${secret}`);
  }
}
