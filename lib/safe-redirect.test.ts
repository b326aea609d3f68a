import { describe, expect, it } from "vitest";
import { safeCallbackPath, sameOriginRedirect } from "./safe-redirect";

describe("safeCallbackPath", () => {
  it("keeps same-origin paths with their query and fragment", () => {
    expect(safeCallbackPath("/usage?org=acme&from=2026-01-01#top")).toBe("/usage?org=acme&from=2026-01-01#top");
    expect(safeCallbackPath("/budgets/123")).toBe("/budgets/123");
  });

  it.each([
    "//evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "https://evil.example",
    "http://evil.example/path",
    "javascript:alert(1)",
    "/\t/evil.example",
    "/\n/evil.example",
    " //evil.example",
    "%2F%2Fevil.example",
    "%252F%252Fevil.example",
    "/%5Cevil.example\\",
    "evil.example",
    "",
    "////evil.example",
  ])("sends %j to /", (raw) => {
    expect(safeCallbackPath(raw)).toBe("/");
  });

  it("keeps encoded slashes inside the path harmless (still this origin)", () => {
    const out = safeCallbackPath("/%2F%2Fevil.example");
    expect(new URL(out, "https://console.test").origin).toBe("https://console.test");
  });

  it("the next-auth callback never leaves the origin", () => {
    const base = "https://console.test";
    expect(sameOriginRedirect("/usage", base)).toBe("https://console.test/usage");
    expect(sameOriginRedirect("https://console.test/alerts", base)).toBe("https://console.test/alerts");
    expect(sameOriginRedirect("https://evil.example/", base)).toBe(base);
    expect(sameOriginRedirect("/\\evil.example", base)).toBe("https://console.test/");
    expect(sameOriginRedirect("//evil.example", base)).toBe("https://console.test/");
  });
});
