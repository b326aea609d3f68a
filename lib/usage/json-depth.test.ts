import { describe, expect, it } from "vitest";
import { jsonDeeperThan, MAX_METADATA_DEPTH } from "./json-depth";

function nested(depth: number): unknown {
  let v: unknown = { leaf: "x" };
  for (let i = 1; i < depth; i++) v = i % 2 ? { a: v } : [v];
  return v;
}

describe("jsonDeeperThan", () => {
  it("counts the value itself as level 1", () => {
    expect(jsonDeeperThan({ a: 1 }, 1)).toBe(false);
    expect(jsonDeeperThan({ a: { b: 1 } }, 1)).toBe(true);
    expect(jsonDeeperThan("text", 0)).toBe(false);
  });

  it("allows 32 levels and refuses 33", () => {
    expect(jsonDeeperThan(nested(MAX_METADATA_DEPTH), MAX_METADATA_DEPTH)).toBe(false);
    expect(jsonDeeperThan(nested(MAX_METADATA_DEPTH + 1), MAX_METADATA_DEPTH)).toBe(true);
  });

  it("measures a million levels without overflowing the stack", () => {
    const deep = JSON.parse(`${"[".repeat(1_000_000)}${"]".repeat(1_000_000)}`);
    const started = performance.now();
    expect(jsonDeeperThan(deep, MAX_METADATA_DEPTH)).toBe(true);
    expect(performance.now() - started).toBeLessThan(1000);
  });
});
