// The upload server action re-checks authorisation in the data layer: viewers and members of other
// organisations get "Not found." and nothing is stored; a bad file names the field on the form.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it, vi } from "vitest";
import { prisma } from "@/lib/db/client";
import type { Actor } from "@/lib/server/authz";
import { useTestDatabase } from "@/test/database";
import { makeMember, makeOrg } from "@/test/fixtures";

let signedIn: Actor;
vi.mock("next/cache", () => ({ revalidatePath: vi.fn() }));
vi.mock("@/lib/server/session", async (importOriginal) => ({
  ...(await importOriginal<typeof import("@/lib/server/session")>()),
  actionContext: async () => ({ actor: signedIn, ctx: { ip: "203.0.113.9" } }),
}));

const { uploadBillAction } = await import("./actions");

await useTestDatabase();

const fixture = (name: string) => readFileSync(path.resolve(import.meta.dirname, "../../../test/fixtures/bills", name), "utf8");

function upload(orgId: string, provider: string, text: string, name = "bill.json") {
  const form = new FormData();
  form.set("orgId", orgId);
  form.set("provider", provider);
  form.set("file", new File([text], name, { type: "application/json" }));
  return uploadBillAction({}, form);
}

describe("uploadBillAction", () => {
  it("stores a bill for an admin of the organisation, audited with the IP; refuses viewers and other organisations", async () => {
    const org = await makeOrg();
    const other = await makeOrg();
    const db = await prisma();

    signedIn = await makeMember(org.id, "viewer");
    expect(await upload(org.id, "openai", fixture("openai-costs.json"))).toEqual({ ok: false, message: "Not found." });
    signedIn = await makeMember(other.id, "owner");
    expect(await upload(org.id, "openai", fixture("openai-costs.json"))).toEqual({ ok: false, message: "Not found." });
    expect(await db.billLine.count({ where: { orgId: org.id } })).toBe(0);

    signedIn = await makeMember(org.id, "admin");
    const ok = await upload(org.id, "anthropic", fixture("anthropic-cost-report.json"), "cost-report.json");
    expect(ok).toMatchObject({ ok: true, message: "Stored 3 anthropic bill lines (2025-06-02), total $1.80123456789." });
    const audit = await db.auditLog.findFirst({ where: { orgId: org.id, action: "bill.import" } });
    expect(audit).toMatchObject({ ip: "203.0.113.9", targetType: "bill_import" });
    expect(audit!.after).toMatchObject({ source: "cost-report.json", lines: 3 });
  });

  it("names the bad field of a malformed file and asks for a file and a provider", async () => {
    const org = await makeOrg();
    signedIn = await makeMember(org.id, "owner");
    const bad = await upload(org.id, "openai", fixture("openai-costs-malformed.json"));
    expect(bad.ok).toBe(false);
    expect(bad.errors?.file).toMatch(/^\[1\]\.data\[0\]\.results\[0\]\.amount\.value: /);
    expect((await upload(org.id, "google", "{}")).errors?.provider).toBeTruthy();
    const form = new FormData();
    form.set("orgId", org.id);
    form.set("provider", "openai");
    expect((await uploadBillAction({}, form)).errors?.file).toBeTruthy();
    expect(await (await prisma()).billLine.count({ where: { orgId: org.id } })).toBe(0);
  });
});
