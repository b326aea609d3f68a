// The command line as an operator uses it: a real process, a real database, exact output lines.
import { describe, expect, it } from "vitest";
import { openDatabase } from "@/lib/db/client";
import { setupTestCli } from "@/test/cli";

const { cli, dataDir } = await setupTestCli({ name: "cli" });

describe("spendline CLI", { timeout: 600_000 }, () => {
  it("migrates, creates an organisation, a user and a key printed as SPEC §3 says", async () => {
    expect((await cli(["migrate"])).code).toBe(0);
    expect(await cli(["orgs:create", "acme", "Acme Inc"])).toMatchObject({ code: 0 });
    expect(await cli(["users:create", "--email", "owner@acme.test", "--password", "long enough pw", "--org", "acme", "--role", "owner"])).toMatchObject({ code: 0 });
    const key = await cli(["keys:create", "--org", "acme", "--project", "chatbot", "--name", "backend"]);
    expect(key.code).toBe(0);
    const lines = key.stdout.trimEnd().split("\n");
    const prefixLine = lines.find((l) => l.startsWith("prefix: "));
    expect(prefixLine).toMatch(/^prefix: [a-z0-9]{8}$/);
    const prefix = prefixLine!.slice("prefix: ".length);
    expect(lines.at(-1)).toMatch(new RegExp(`^spl_${prefix}_[0-9A-Za-z]{32,}$`));
    const revoke = await cli(["keys:revoke", prefix]);
    expect(revoke).toMatchObject({ code: 0 });
    expect(revoke.stdout).toContain(prefix);
  });

  it("answers bad input with one clear line and a non-zero exit code", async () => {
    const cases: [string[], RegExp][] = [
      [["keys:create", "--org", "no-such-org"], /unknown organisation "no-such-org"/],
      [["orgs:create", "acme", "Again"], /already exists/],
      [["orgs:create", "Bad Slug", "X"], /Slug may contain/],
      [["users:create", "--email", "weak@acme.test", "--password", "123"], /at least 12 characters/],
      [["users:create", "--email", "weak@acme.test", "--password", "1qaz2wsx3edc"], /too common/],
      [["users:set-password", "--email", "owner@acme.test", "--password", "short"], /at least 12 characters/],
      [["users:set-password", "--email", "owner@acme.test", "--password", "qwerty123456"], /too common/],
      [["users:set-password", "--email", "nobody@acme.test", "--password", "a fine new password"], /No account with email nobody@acme.test/],
      [["users:set-password", "--email", "owner@acme.test"], /missing required option --password/],
      [["users:create", "--email", "not-an-email", "--password", "long enough pw"], /valid email/],
      [["users:set-role", "--email", "owner@acme.test", "--org", "acme", "--role", "king"], /--role must be/],
      [["users:disable", "--email", "nobody@acme.test"], /No account/],
      [["keys:revoke", "zzzzzzzz"], /No API key/],
      [["keys:create"], /missing required option --org/],
      [["keys:create", "--org", "acme", "--bogus"], /Unknown option '--bogus'/],
      [["no:such-command"], /unknown command/],
    ];
    for (const [args, message] of cases) {
      const result = await cli(args);
      expect(result.code, args.join(" ")).not.toBe(0);
      const errLines = result.stderr.trim().split("\n").filter((l) => !l.startsWith("npm warn"));
      expect(errLines, args.join(" ")).toHaveLength(1);
      expect(errLines[0], args.join(" ")).toMatch(/^error: /);
      expect(errLines[0], args.join(" ")).toMatch(message);
    }
  });

  it("resets a password as the operator", async () => {
    const result = await cli(["users:set-password", "--email", "owner@acme.test", "--password", "a fine new password"]);
    expect(result).toMatchObject({ code: 0 });
    expect(result.stdout.trim()).toMatch(/^Set a new password for owner@acme\.test; \d+ sessions? ended\.$/);
  });

  it("sets roles and disables accounts", async () => {
    expect((await cli(["users:set-role", "--email", "owner@acme.test", "--org", "acme", "--role", "viewer"])).stdout).toContain("viewer of acme");
    expect((await cli(["users:disable", "--email", "owner@acme.test"])).stdout).toContain("Disabled account owner@acme.test");
  });

  // On the embedded database in this file's folder, whichever database the other cases use.
  it("stops with a clear line while another process holds the embedded database", async () => {
    const embedded = { embedded: true };
    expect((await cli(["migrate"], {}, embedded)).code).toBe(0);
    const holder = await openDatabase({ dataDir });
    try {
      const result = await cli(["orgs:create", "other", "Other"], {}, embedded);
      expect(result.code).toBe(1);
      expect(result.stderr.trim()).toMatch(/^error: The embedded database in .* is in use by another Spendline process \(pid \d+\)\. Stop the server first, or set DATABASE_URL/);
    } finally {
      await holder.close();
    }
    expect((await cli(["orgs:create", "other", "Other"], {}, embedded)).code).toBe(0);
  });
});
