import { describe, expect, it } from "vitest";
import { csvField } from "./usage-log";

describe("csvField", () => {
  it("quotes every cell, doubling quotes inside", () => {
    expect(csvField("plain")).toBe('"plain"');
    expect(csvField("a,b")).toBe('"a,b"');
    expect(csvField('say "hi"\r\nnext')).toBe('"say ""hi""\r\nnext"');
    expect(csvField(42)).toBe('"42"');
    expect(csvField(true)).toBe('"true"');
    expect(csvField(null)).toBe('""');
  });

  it("defuses spreadsheet formulas but leaves numbers alone", () => {
    expect(csvField("=HYPERLINK(\"http://x\")")).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField("+1+1")).toBe("\"'+1+1\"");
    expect(csvField("@sum")).toBe("\"'@sum\"");
    expect(csvField("-0.25")).toBe('"-0.25"');
  });
});
