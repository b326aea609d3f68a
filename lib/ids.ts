// One check for ids that arrive in URLs, forms and bodies: a malformed id is "not found", never a
// database error (SPEC §6 tenant isolation; console URLs answer 404, never 500).
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(value: unknown): value is string {
  return typeof value === "string" && UUID_PATTERN.test(value);
}
