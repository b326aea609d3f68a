import { setAccountDisabled } from "@/lib/server/accounts";
import { CLI_ACTOR, parseOptions, required } from "../args";

export const summary = "Disable a console account; it loses access on its next request.";
export const usage = "users:disable --email E";

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { email: { type: "string" } });
  const result = await setAccountDisabled(CLI_ACTOR, required(values.email, "--email"), true);
  console.log(`Disabled account ${result.email}.`);
}
