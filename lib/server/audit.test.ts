import { afterEach, describe, expect, it } from "vitest";
import { clientIp } from "./audit";

const saved = process.env.SPENDLINE_TRUST_PROXY;
afterEach(() => {
  if (saved === undefined) delete process.env.SPENDLINE_TRUST_PROXY;
  else process.env.SPENDLINE_TRUST_PROXY = saved;
});

describe("clientIp for the audit log", () => {
  const forwarded = new Headers({ "x-forwarded-for": "198.51.100.7, 10.0.0.2", "x-real-ip": "10.0.0.3" });

  it("ignores forwarding headers unless SPENDLINE_TRUST_PROXY declares a proxy", () => {
    delete process.env.SPENDLINE_TRUST_PROXY;
    expect(clientIp(forwarded)).toBeNull();
    process.env.SPENDLINE_TRUST_PROXY = "0";
    expect(clientIp(forwarded)).toBeNull();
  });

  it("behind a declared proxy takes the leftmost X-Forwarded-For entry", () => {
    process.env.SPENDLINE_TRUST_PROXY = "1";
    expect(clientIp(forwarded)).toBe("198.51.100.7");
    expect(clientIp({ "x-forwarded-for": "203.0.113.5" })).toBe("203.0.113.5");
    expect(clientIp(new Headers({ "x-real-ip": "203.0.113.6" }))).toBe("203.0.113.6");
    expect(clientIp(new Headers())).toBeNull();
  });
});
