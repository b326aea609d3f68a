import { sendTestWebhook } from "@/lib/server/webhooks";
import { orgIdBySlug } from "../org-lookup";
import { CLI_ACTOR, parseOptions, required } from "../args";

export const summary = "Send a signed webhook.test message to each webhook of an organisation and print each answer.";
export const usage = "alerts:test --org SLUG";

export async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions(argv, { org: { type: "string" } });
  const orgId = await orgIdBySlug(required(values.org, "--org"));
  const results = await sendTestWebhook(CLI_ACTOR, orgId);
  for (const r of results) {
    if (r.refused) console.log(`${r.url}: not sent: ${r.error}`);
    else if (r.responseStatus !== null) console.log(`${r.url}: HTTP ${r.responseStatus}`);
    else console.log(`${r.url}: no answer: ${r.error}`);
  }
  return results.every((r) => r.status === "delivered") ? 0 : 1;
}
