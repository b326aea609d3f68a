import { describe, expect, it } from "vitest";
import { prisma } from "@/lib/db/client";
import { setupTestDatabase } from "@/test/database";
import { makeOrg } from "@/test/fixtures";
import { ensureEndUser, ensureProject } from "./projects";

await setupTestDatabase();

describe("projects and end users created on first sight", () => {
  it("are created once when many requests see them at the same moment", async () => {
    const org = await makeOrg();
    const db = await prisma();
    const projects = await Promise.all(Array.from({ length: 10 }, () => db.$transaction((tx) => ensureProject(tx, org.id, "chatbot"))));
    const users = await Promise.all(Array.from({ length: 10 }, (_, i) => db.$transaction((tx) => ensureEndUser(tx, org.id, "u-1", i === 3 ? { email: "u1@example.test" } : {}))));
    expect(new Set(projects.map((p) => p.id)).size).toBe(1);
    expect(new Set(users.map((u) => u.id)).size).toBe(1);
    expect(await db.project.count({ where: { orgId: org.id } })).toBe(1);
    expect((await db.endUser.findFirstOrThrow({ where: { orgId: org.id } })).email).toBe("u1@example.test");
  });
});
