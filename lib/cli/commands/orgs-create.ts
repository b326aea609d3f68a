import { createOrganization } from "@/lib/server/organizations";
import { CLI_ACTOR, CliError, parseOptions } from "../args";

export const summary = "Create an organisation.";
export const usage = "orgs:create <slug> <name>";

export async function run(argv: string[]): Promise<void> {
  const { positionals } = parseOptions(argv, {}, 2);
  const [slug, name] = positionals;
  if (!slug || !name) throw new CliError(`usage: spendline ${usage}`);
  const org = await createOrganization(CLI_ACTOR, { slug, name });
  console.log(`Created organisation ${org.slug} (${org.name}).`);
}
