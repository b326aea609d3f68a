import { revokeApiKey } from "@/lib/server/api-keys";
import { CLI_ACTOR, CliError, parseOptions } from "../args";

export const summary = "Revoke an API key by its prefix.";
export const usage = "keys:revoke <prefix>";

export async function run(argv: string[]): Promise<void> {
  const { positionals } = parseOptions(argv, {}, 1);
  const prefix = positionals[0];
  if (!prefix) throw new CliError(`usage: spendline ${usage}`);
  const result = await revokeApiKey(CLI_ACTOR, prefix);
  console.log(result.alreadyRevoked ? `API key ${result.prefix} was already revoked.` : `Revoked API key ${result.prefix}.`);
}
