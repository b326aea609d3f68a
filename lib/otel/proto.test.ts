import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
// @ts-expect-error: a plain .mjs script without type declarations
import { buildDescriptor, DESCRIPTOR_PATH } from "@/scripts/otel-proto.mjs";

describe("OTLP protobuf descriptor", () => {
  it("is the one built from the vendored official .proto files (run scripts/otel-proto.mjs)", () => {
    expect(readFileSync(DESCRIPTOR_PATH, "utf8")).toBe(buildDescriptor());
  });
});
