// Nesting depth of a parsed JSON value without recursion, so that a 10,000-deep (or deeper)
// document is measured in linear time and constant stack: SPEC §5 allows metadata at most 32
// levels deep. The object or array itself is level 1.
export const MAX_METADATA_DEPTH = 32;

/** True when `value` nests objects/arrays deeper than `max` levels. Stops at the first such path. */
export function jsonDeeperThan(value: unknown, max: number): boolean {
  if (value === null || typeof value !== "object") return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    const children = Array.isArray(node) ? node : Object.values(node as Record<string, unknown>);
    for (const child of children) if (child !== null && typeof child === "object") stack.push([child, depth + 1]);
  }
  return false;
}
