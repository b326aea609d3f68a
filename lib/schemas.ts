// Client-safe zod schemas shared by forms, server actions, the CLI and the API.
import { z } from "zod";

export const slugSchema = z
  .string()
  .trim()
  .min(2, "Slug must be at least 2 characters.")
  .max(48, "Slug must be at most 48 characters.")
  .regex(/^[a-z0-9][a-z0-9-]*$/, "Slug may contain lowercase letters, digits and dashes, and must start with a letter or digit.");

export const organizationInputSchema = z.object({
  slug: slugSchema,
  name: z.string().trim().min(1, "Name is required.").max(120, "Name must be at most 120 characters."),
});

export const roleSchema = z.enum(["owner", "admin", "viewer"], { message: "Role must be owner, admin or viewer." });

export const emailSchema = z.string().trim().toLowerCase().pipe(z.email({ message: "Enter a valid email address." }));

export const PROJECT_KEY_MAX = 64;
export const PROJECT_KEY_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;

export const projectKeySchema = z
  .string()
  .trim()
  .min(1, "Project key is required.")
  .max(PROJECT_KEY_MAX, `Project key must be at most ${PROJECT_KEY_MAX} characters.`)
  .regex(PROJECT_KEY_PATTERN, "Project key may contain letters, digits, dot, dash and underscore.");

export const apiKeyInputSchema = z.object({
  name: z.string().trim().max(120, "Name must be at most 120 characters.").optional(),
  projectKey: projectKeySchema.optional(),
});
