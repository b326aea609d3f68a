import { setAccountDisabled } from "@/lib/server/accounts";
import { CLI_ACTOR, parseOptions, required } from "../args";

export const summary = "Enable a disabled console account again.";
export const usage = "users:enable --email E";

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { email: { type: "string" } });
  const result = await setAccountDisabled(CLI_ACTOR, required(values.email, "--email"), false);
  console.log(`Enabled account ${result.email}.`);
}
