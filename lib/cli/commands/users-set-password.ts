import { resetPassword } from "@/lib/server/accounts";
import { CLI_ACTOR, parseOptions, required } from "../args";

export const summary = "Reset a console account's password (operator); the account's sessions end.";
export const usage = "users:set-password --email E --password P";

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { email: { type: "string" }, password: { type: "string" } });
  const result = await resetPassword(CLI_ACTOR, { email: required(values.email, "--email"), password: required(values.password, "--password") });
  console.log(`Set a new password for ${result.email}; ${result.sessionsEnded} session${result.sessionsEnded === 1 ? "" : "s"} ended.`);
}
