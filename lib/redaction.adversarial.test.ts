import { describe, expect, it } from "vitest";
import { ADVERSARIAL_INPUTS, ADVERSARIAL_SIZE } from "./redaction.adversarial";
import { REDACTION_CORPUS } from "./redaction.corpus";
import { REDACTION_RULE_COUNT, redactString, redactWithRule, redactionMarker, redactionRuleType, SCAN_WINDOW } from "./redaction";

// SPEC §6: 5 MiB of any text is answered within 2 s on a 2-core machine. The machine running the
// tests is shared and often loaded several times over, so the bound here is generous (per-rule
// figures come from `scripts/bench/redaction.ts`); the quadratic rules this replaces took 13.8 s
// for 100,000 characters — 5 MiB would take hours — so a regression still fails by far. The
// growth test below is the load-independent proof of linearity.
const BOUND_MS = 8_000;

describe("redaction of adversarial 5 MiB inputs runs in linear time", () => {
  for (const input of ADVERSARIAL_INPUTS) {
    it(`all rules over ${input.name}`, () => {
      const text = input.make();
      expect(text.length).toBe(ADVERSARIAL_SIZE);
      const t = performance.now();
      redactString(text);
      expect(performance.now() - t).toBeLessThan(BOUND_MS);
    });
  }

  it("runs every rule on its own over every input within the bound", () => {
    const slow: string[] = [];
    for (const input of ADVERSARIAL_INPUTS.slice(0, 6)) {
      const text = input.make();
      for (let i = 0; i < REDACTION_RULE_COUNT; i++) {
        const t = performance.now();
        redactWithRule(i, text);
        const ms = performance.now() - t;
        if (ms > BOUND_MS / 4) slow.push(`${redactionRuleType(i)}#${i} on ${input.name}: ${Math.round(ms)} ms`);
      }
    }
    expect(slow).toEqual([]);
  });

  it("grows linearly: 4× the input takes far less than 16× the time", () => {
    const unit = "a.b-eyJ@1 ";
    const small = unit.repeat(50_000);
    const large = unit.repeat(200_000);
    // The fastest of five runs each: a busy machine (GC, another process) only ever adds time.
    const fastest = (text: string) => {
      let best = Infinity;
      for (let i = 0; i < 5; i++) {
        const t = performance.now();
        redactString(text);
        best = Math.min(best, performance.now() - t);
      }
      return best;
    };
    redactString(small);
    const smallMs = fastest(small);
    const largeMs = fastest(large);
    expect(largeMs).toBeLessThan(Math.max(smallMs, 5) * 10);
  });
});

describe("redaction in windows misses nothing at window edges", () => {
  const filler = (n: number) => "x ".repeat(Math.ceil(n / 2)).slice(0, n);

  it("finds every corpus secret whichever way a window edge cuts it", () => {
    const misses: string[] = [];
    for (const sample of REDACTION_CORPUS) {
      for (const secret of sample.secrets) {
        const at = sample.text.indexOf(secret.value);
        // Put the window edge before, at, inside and just after the secret.
        for (const cut of [at - 1, at, at + 1, at + (secret.value.length >> 1), at + secret.value.length - 1, at + secret.value.length]) {
          const lead = SCAN_WINDOW - cut;
          if (lead < 1) continue;
          const text = `${filler(lead - 1)} ${sample.text} ${filler(4096)}`;
          const out = redactString(text);
          if (out.includes(secret.value) || !out.includes(redactionMarker(secret.type))) misses.push(`${secret.type} cut at ${cut}: ${secret.value}`);
        }
      }
    }
    expect(misses).toEqual([]);
  });

  it("keeps a long private key and a long JWT whole across an edge, and counts each once", () => {
    const key = `-----BEGIN RSA PRIVATE KEY-----\n${"MIIEowIBAAKCAQEA\n".repeat(200)}-----END RSA PRIVATE KEY-----`;
    const jwt = `eyJhbGciOiJIUzI1NiJ9.eyJ${"c3ViIjoiMTIzNDU2Nzg5MCJ9".repeat(100)}.${"S".repeat(43)}`;
    const text = `${filler(SCAN_WINDOW - 1000)} ${key} and ${jwt} then jo@example.com ${filler(10)}`;
    const summary = {};
    const out = redactString(text, summary);
    expect(out).not.toContain("MIIEowIBAAKCAQEA");
    expect(out).not.toContain("c3ViIjoiMTIzNDU2Nzg5MCJ9");
    expect(out.endsWith(`${redactionMarker("private_key")} and ${redactionMarker("jwt")} then ${redactionMarker("email")} ${filler(10)}`)).toBe(true);
    expect(summary).toEqual({ private_key: 1, jwt: 1, email: 1 });
  });

  it("redacts secrets spread through a 5 MiB field, the last one at its very end", () => {
    const block = `${filler(100_000)} mail jo@example.com card 4111 1111 1111 1111 `;
    const text = `${block.repeat(50)}ip 192.0.2.44`;
    const summary = {};
    const out = redactString(text, summary);
    expect(summary).toEqual({ email: 50, card: 50, ip: 1 });
    expect(out.endsWith("ip [REDACTED:ip]")).toBe(true);
  });
});
