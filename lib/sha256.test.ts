import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./sha256";

describe("sha256Hex", () => {
  it("gives the same digest as createHash, for ASCII and other UTF-8 text", () => {
    for (const s of ["", "abc", "naïve ☃ 😀", "x".repeat(10_000)]) expect(sha256Hex(s)).toBe(createHash("sha256").update(s).digest("hex"));
    expect(sha256Hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });
});
