import { createAccount } from "@/lib/server/accounts";
import { roleSchema } from "@/lib/schemas";
import { orgIdBySlug } from "../org-lookup";
import { CLI_ACTOR, CliError, parseOptions, required } from "../args";

export const summary = "Create a console account (optionally super admin, or member of an organisation).";
export const usage = "users:create --email E --password P [--super-admin] [--org SLUG --role owner|admin|viewer] [--name N]";

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, {
    email: { type: "string" },
    password: { type: "string" },
    name: { type: "string" },
    "super-admin": { type: "boolean" },
    org: { type: "string" },
    role: { type: "string" },
  });
  const email = required(values.email, "--email");
  const password = required(values.password, "--password");
  if (values.role && !values.org) throw new CliError("--role needs --org");
  const role = values.org ? roleSchema.parse(values.role ?? "viewer") : undefined;
  const orgId = values.org ? await orgIdBySlug(values.org) : undefined;
  const account = await createAccount(CLI_ACTOR, { email, password, name: values.name, superAdmin: !!values["super-admin"], orgId, role });
  const what = [values["super-admin"] ? "super admin" : null, values.org ? `${role} of ${values.org}` : null].filter(Boolean).join(", ");
  console.log(`Created account ${account.email}${what ? ` (${what})` : ""}.`);
}
