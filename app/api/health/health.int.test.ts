import { describe, expect, it } from "vitest";
import { closeDatabase, openDatabase, setDatabase } from "@/lib/db/client";
import { setupTestDatabase } from "@/test/database";
import { GET } from "./route";

const db = await setupTestDatabase();

describe("GET /api/health", () => {
  it("answers 200 when the database answers", async () => {
    const res = await GET();
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: "ok", database: "ok" });
  });

  it("answers 503 when the database does not", async () => {
    const unreachable = await openDatabase({ url: "postgres://postgres@127.0.0.1:1/none" });
    setDatabase(unreachable);
    try {
      const res = await GET();
      expect(res.status).toBe(503);
      expect(res.headers.get("retry-after")).toBeTruthy();
      expect(await res.json()).toMatchObject({ database: "unavailable" });
    } finally {
      await closeDatabase();
      setDatabase(db);
    }
  });
});
