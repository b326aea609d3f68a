// SPEC §6 "no input can stall the server": an event whose prompt holds (nearly) 5 MiB of the text
// that made redaction quadratic is answered within 2 s, and /api/health keeps answering meanwhile.
import { describe, expect, it } from "vitest";
import { createApiKey } from "@/lib/server/api-keys";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM, uniq } from "@/test/fixtures";
import { GET as health } from "../../health/route";
import { POST } from "./route";

const testDb = await useTestDatabase();
const org = await makeOrg();
const { key } = await createApiKey(SYSTEM, { orgId: org.id });

const FIELD = 5 * 1024 * 1024 - 4096; // the body limit is 5 MiB for the whole request

function post(body: unknown) {
  return POST(
    new Request("http://localhost/api/v1/usage", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify(body),
    }),
    undefined,
  );
}

async function timedIngest(event: Record<string, unknown>) {
  let done = false;
  const healthTimes: number[] = [];
  const poll = (async () => {
    while (!done) {
      const t = performance.now();
      const res = await health();
      expect(res.status).toBe(200);
      healthTimes.push(performance.now() - t);
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  const started = performance.now();
  const res = await post(event);
  const ms = performance.now() - started;
  done = true;
  await poll;
  return { res, ms, healthTimes };
}

describe("ingest of 5 MiB adversarial fields", () => {
  it("warms up (first request compiles the handler and opens connections)", async () => {
    expect((await post({ event_id: uniq("warm"), prompt: "w ".repeat(500_000) })).status).toBe(200);
  });

  const cases: [string, () => Record<string, unknown>][] = [
    ["a prompt of one letter repeated, ending in an email", () => ({ prompt: `${"a".repeat(FIELD - 20)} x@example.com` })],
    ["a response of '-eyJ' repeated", () => ({ response: "-eyJ".repeat(FIELD / 4) })],
    ["metadata holding a base64 blob", () => ({ metadata: { blob: "QUJDREVGR0hJSktMTU5PUA==".repeat(FIELD / 24) } })],
  ];
  for (const [name, make] of cases) {
    it(`answers ${name} within 2 s while health keeps answering`, async () => {
      const eventId = uniq("big");
      const { res, ms, healthTimes } = await timedIngest({ event_id: eventId, provider: "openai", model: "gpt-x", input_tokens: 1, ...make() });
      expect(res.status).toBe(200);
      expect(ms).toBeLessThan(2_000);
      expect(healthTimes.length).toBeGreaterThan(0);
      expect(Math.max(...healthTimes)).toBeLessThan(2_000);
      const row = await testDb.prisma.usageEvent.findUniqueOrThrow({ where: { orgId_eventId: { orgId: org.id, eventId } } });
      if (name.includes("email")) {
        expect(row.prompt?.endsWith(" [REDACTED:email]")).toBe(true);
        expect(row.redactionSummary).toEqual({ email: 1 });
      }
    });
  }
});
