import { describe, expect, it } from "vitest";
import { luhnValid, redactEventContent, redactJson, redactString, type RedactionSummary } from "./redaction";

describe("redactString", () => {
  it("replaces each kind of secret with its typed marker and counts it", () => {
    const summary: RedactionSummary = {};
    const out = redactString("mail a@b.io or x@y.org, card 4111111111111111, ip 8.8.8.8", summary);
    expect(out).toBe("mail [REDACTED:email] or [REDACTED:email], card [REDACTED:card], ip [REDACTED:ip]");
    expect(summary).toEqual({ email: 2, card: 1, ip: 1 });
  });

  it("keeps the label before a secret readable", () => {
    expect(redactString("api_key=abc123def456ghi789")).toBe("api_key=[REDACTED:api_key]");
  });

  it("leaves Luhn-invalid numbers alone", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(redactString("ref 4111111111111112")).toBe("ref 4111111111111112");
  });

  it("redacts a private key block as a whole", () => {
    const out = redactString("-----BEGIN EC PRIVATE KEY-----\nabc\n-----END EC PRIVATE KEY-----\nrest");
    expect(out).toBe("[REDACTED:private_key]\nrest");
  });
});

describe("redactJson / redactEventContent", () => {
  it("walks nested metadata, arrays and keys", () => {
    const summary: RedactionSummary = {};
    const out = redactJson({ a: { b: ["call 555-123-4567", 5, null], "k@x.com": true }, n: 1 }, summary);
    expect(out).toEqual({ a: { b: ["call [REDACTED:phone]", 5, null], "[REDACTED:email]": true }, n: 1 });
    expect(summary).toEqual({ phone: 1, email: 1 });
  });

  it("covers prompt, response, error and purpose detail with one summary", () => {
    const { content, summary } = redactEventContent({
      prompt: "ssn 123-45-6789",
      response: "ok",
      error: "auth failed for sk-abcdefghijklmnopqrstuvwx",
      purposeDetail: "for jo@example.com",
      metadata: { ip: "10.1.2.3" },
    });
    expect(content).toEqual({
      prompt: "ssn [REDACTED:ssn]",
      response: "ok",
      error: "auth failed for [REDACTED:api_key]",
      purposeDetail: "for [REDACTED:email]",
      metadata: { ip: "[REDACTED:ip]" },
    });
    expect(summary).toEqual({ ssn: 1, api_key: 1, email: 1, ip: 1 });
  });
});
