// Simulates a database outage by pointing the process at a closed port (the data layer, not the
// route, owns the connection), hence the direct import of the database module.
import { describe, expect, it } from "vitest";
import { openDatabase, setDatabase } from "@/lib/db/client";
import { createApiKey } from "@/lib/server/api-keys";
import { useTestDatabase } from "@/test/database";
import { makeOrg, SYSTEM } from "@/test/fixtures";
import { POST } from "./route";

const testDb = await useTestDatabase();

function post(key: string, body: unknown) {
  return POST(new Request("http://localhost/api/v1/usage", { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify(body) }), undefined);
}

describe("POST /api/v1/usage when the database is down", () => {
  it("answers 503 with Retry-After, stores nothing, and a retry counts once", async () => {
    const org = await makeOrg();
    const { key } = await createApiKey(SYSTEM, { orgId: org.id });
    const event = { event_id: "while-down", model: "gpt-4o", input_tokens: 10 };
    const down = await openDatabase({ url: "postgres://postgres@127.0.0.1:9/spendline_down", poolSize: 1 });
    setDatabase(down);
    try {
      const res = await post(key, event);
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toMatch(/^\d+$/);
      expect((await res.json()).error.code).toBe("database_unavailable");
    } finally {
      setDatabase(testDb);
      await down.close();
    }
    expect(await testDb.prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(0);
    const retried = await post(key, event);
    expect(retried.status).toBe(200);
    expect((await retried.json()).results[0].status).toBe("created");
    expect((await (await post(key, event)).json()).results[0].status).toBe("duplicate");
    expect(await testDb.prisma.usageEvent.count({ where: { orgId: org.id } })).toBe(1);
  });
});
