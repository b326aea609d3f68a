import { describe, expect, it } from "vitest";
import { issueOverrideToken, overrideTokenMatches, readOverrideToken } from "./override-token";

const claims = { orgId: "org-a", user: "alice", project: "chatbot", budgetIds: ["b1"], keyPrefix: "k1" };
const now = new Date("2026-11-10T12:00:00Z");

describe("override tokens", () => {
  it("round-trips claims and binds organisation, user, project and the key that asked", () => {
    const { token, claims: issued } = issueOverrideToken("secret", claims, now);
    const read = readOverrideToken("secret", token, now);
    expect(read).toEqual(issued);
    expect(overrideTokenMatches(read!, { orgId: "org-a", user: "alice", project: "chatbot", keyPrefix: "k1" })).toBe(true);
    expect(overrideTokenMatches(read!, { orgId: "org-b", user: "alice", project: "chatbot", keyPrefix: "k1" })).toBe(false);
    expect(overrideTokenMatches(read!, { orgId: "org-a", user: "bob", project: "chatbot", keyPrefix: "k1" })).toBe(false);
    expect(overrideTokenMatches(read!, { orgId: "org-a", user: "alice", project: null, keyPrefix: "k1" })).toBe(false);
    expect(overrideTokenMatches(read!, { orgId: "org-a", user: "alice", project: "chatbot", keyPrefix: "k2" })).toBe(false);
    expect(overrideTokenMatches(read!, { orgId: "org-a", user: "alice", project: "chatbot" })).toBe(false);
  });

  it("expires after 15 minutes", () => {
    const { token } = issueOverrideToken("secret", claims, now);
    expect(readOverrideToken("secret", token, new Date(now.getTime() + 14 * 60_000))).not.toBeNull();
    expect(readOverrideToken("secret", token, new Date(now.getTime() + 15 * 60_000))).toBeNull();
  });

  it("rejects another secret and any tampering", () => {
    const { token } = issueOverrideToken("secret", claims, now);
    expect(readOverrideToken("other", token, now)).toBeNull();
    const [prefix, payload, sig] = token.split(".");
    const forged = Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(payload, "base64url").toString()), orgId: "org-b" })).toString("base64url");
    expect(readOverrideToken("secret", `${prefix}.${forged}.${sig}`, now)).toBeNull();
    expect(readOverrideToken("secret", "garbage", now)).toBeNull();
  });

  it("gives every token its own id", () => {
    expect(issueOverrideToken("s", claims, now).claims.jti).not.toBe(issueOverrideToken("s", claims, now).claims.jti);
  });
});
