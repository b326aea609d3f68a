import { describe, expect, it } from "vitest";
import { recordsJson, type EventRecord } from "./record";

const record = {
  event_id: "e-1",
  body_hash: "h",
  project_id: null,
  category: null,
  success: true,
  input_uncached_tokens: 0,
  metadata: { kept: null, list: [1, null] },
  raw_usage: null,
} as unknown as EventRecord;

describe("recordsJson", () => {
  it("leaves out the record's own null fields, and nothing inside metadata or usage", () => {
    expect(JSON.parse(recordsJson([record]))).toEqual([
      { event_id: "e-1", body_hash: "h", success: true, input_uncached_tokens: 0, metadata: { kept: null, list: [1, null] } },
    ]);
  });
});
