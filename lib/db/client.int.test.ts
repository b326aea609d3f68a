import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { EmbeddedDatabaseBusyError, openDatabase } from "./client";
import { migrate } from "./migrate";

describe("embedded database", () => {
  it("keeps its data across a restart", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "spendline-persist-"));
    const first = await openDatabase({ dataDir: dir });
    await migrate(first.sql);
    await first.prisma.organization.create({ data: { slug: "kept", name: "Kept" } });
    await first.close();

    const second = await openDatabase({ dataDir: dir });
    try {
      expect((await second.prisma.organization.findUnique({ where: { slug: "kept" } }))?.name).toBe("Kept");
    } finally {
      await second.close();
    }
  });

  it("belongs to one process at a time: a stale lock of a dead process is taken over", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "spendline-lock-"));
    const { writeFileSync } = await import("node:fs");
    writeFileSync(path.join(dir, "spendline.lock"), JSON.stringify({ pid: 2 ** 22 + 12345 }));
    const db = await openDatabase({ dataDir: dir });
    await db.close();
    // A live process other than this one holds it: refused with a clear message.
    writeFileSync(path.join(dir, "spendline.lock"), JSON.stringify({ pid: process.ppid }));
    await expect(openDatabase({ dataDir: dir })).rejects.toBeInstanceOf(EmbeddedDatabaseBusyError);
  });
});
