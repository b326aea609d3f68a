import { z } from "zod";
import { setMemberRole } from "@/lib/server/accounts";
import { orgIdBySlug } from "../org-lookup";
import { CLI_ACTOR, parseOptions, required } from "../args";

export const summary = "Set an account's role in an organisation (none removes the membership).";
export const usage = "users:set-role --email E --org SLUG --role owner|admin|viewer|none";

const roleOrNone = z.enum(["owner", "admin", "viewer", "none"], { message: "--role must be owner, admin, viewer or none" });

export async function run(argv: string[]): Promise<void> {
  const { values } = parseOptions(argv, { email: { type: "string" }, org: { type: "string" }, role: { type: "string" } });
  const email = required(values.email, "--email");
  const slug = required(values.org, "--org");
  const role = roleOrNone.parse(required(values.role, "--role"));
  const orgId = await orgIdBySlug(slug);
  const result = await setMemberRole(CLI_ACTOR, { email, orgId, role });
  console.log(role === "none" ? `Removed ${result.email} from ${slug}.` : `${result.email} is now ${role} of ${slug}.`);
}
