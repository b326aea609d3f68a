import { createApiKey } from "@/lib/server/api-keys";
import { orgIdBySlug } from "../org-lookup";
import { CLI_ACTOR, parseOptions, required } from "../args";

export const summary = "Create an API key for an organisation (optionally bound to a project); the key is shown once.";
export const usage = "keys:create --org SLUG [--project KEY] [--name N]";

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { org: { type: "string" }, project: { type: "string" }, name: { type: "string" } });
  const slug = required(values.org, "--org");
  const orgId = await orgIdBySlug(slug);
  const { key, prefix } = await createApiKey(CLI_ACTOR, { orgId, projectKey: values.project, name: values.name });
  console.log(`Created API key for ${slug}${values.project ? ` (project ${values.project})` : ""}. Store it now: it is not shown again.`);
  console.log(`prefix: ${prefix}`);
  console.log(key);
}
