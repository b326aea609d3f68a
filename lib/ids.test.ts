import { describe, expect, it } from "vitest";
import { isUuid } from "./ids";

describe("isUuid", () => {
  it("accepts UUIDs in either case and nothing else", () => {
    expect(isUuid("0b7f8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5b")).toBe(true);
    expect(isUuid("0B7F8A4E-1C2D-4E5F-8A9B-0C1D2E3F4A5B")).toBe(true);
    for (const bad of ["xyz", "-".repeat(36), "0b7f8a4e1c2d4e5f8a9b0c1d2e3f4a5b", "0b7f8a4e-1c2d-4e5f-8a9b-0c1d2e3f4a5bz", "", null, 42]) expect(isUuid(bad)).toBe(false);
  });
});
