import { describe, expect, it } from "vitest";
import { REDACTION_CORPUS } from "./redaction.corpus";
import { redactionMarker, redactString } from "./redaction";

function measure() {
  let secrets = 0;
  let caught = 0;
  let typed = 0;
  let keeps = 0;
  let falsePositives = 0;
  const misses: string[] = [];
  const damaged: string[] = [];
  for (const sample of REDACTION_CORPUS) {
    const out = redactString(sample.text);
    for (const s of sample.secrets) {
      secrets += 1;
      if (!out.includes(s.value)) caught += 1;
      else misses.push(`${s.type}: ${s.value}`);
      if (!out.includes(s.value) && out.includes(redactionMarker(s.type))) typed += 1;
    }
    for (const k of sample.keep ?? []) {
      keeps += 1;
      if (!out.includes(k)) {
        falsePositives += 1;
        damaged.push(`${k} → ${out}`);
      }
    }
  }
  return { secrets, recall: caught / secrets, typeAccuracy: typed / secrets, keeps, falsePositiveRate: falsePositives / keeps, misses, damaged };
}

describe("redaction corpus", () => {
  const result = measure();

  it("finds at least 97% of the labelled secrets, each under its own type", () => {
    expect(result.secrets).toBeGreaterThanOrEqual(40);
    expect(result.misses).toEqual([]);
    expect(result.recall).toBeGreaterThanOrEqual(0.97);
    expect(result.typeAccuracy).toBeGreaterThanOrEqual(0.95);
  });

  it("alters at most 5% of the look-alikes, and never a Luhn-invalid number", () => {
    expect(result.falsePositiveRate).toBeLessThanOrEqual(0.05);
    for (const luhnInvalid of ["4111 1111 1111 1112", "1234567890123456", "5555-5555-5555-4445"]) {
      const sample = REDACTION_CORPUS.find((s) => s.keep?.includes(luhnInvalid))!;
      expect(redactString(sample.text)).toContain(luhnInvalid);
    }
    expect(result.damaged).toEqual([]);
  });
});
