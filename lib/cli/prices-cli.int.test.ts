// prices:import and prices:reprice as an operator runs them: a real process, exact output lines.
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { setupTestCli } from "@/test/cli";

const { cli } = await setupTestCli({ name: "prices-cli" });
const dir = mkdtempSync(path.join(tmpdir(), "spendline-prices-cli-files-"));

function file(name: string, data: unknown): string {
  const f = path.join(dir, name);
  writeFileSync(f, JSON.stringify(data));
  return f;
}

describe("prices CLI", { timeout: 600_000 }, () => {
  it("imports native files: added, unchanged, and a changed version refused by name with exit 1", async () => {
    expect((await cli(["migrate"])).code).toBe(0);
    const entry = { provider: "acme", model: "tst-cli", input_per_mtok: "1", output_per_mtok: "2", tiers: [{ above_input_tokens: 1000, input_per_mtok: "2" }], effective_from: "2025-01-01" };
    const first = await cli(["prices:import", file("a.json", [entry])]);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain(": 1 added, 0 unchanged, 0 skipped, 0 refused.");
    expect((await cli(["prices:import", file("b.json", [entry])])).stdout).toContain(": 0 added, 1 unchanged, 0 skipped, 0 refused.");
    const refused = await cli(["prices:import", file("c.json", [{ ...entry, output_per_mtok: "3" }, { ...entry, effective_from: "2026-01-01" }])]);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain(": 1 added, 0 unchanged, 0 skipped, 1 refused.");
    expect(refused.stdout).toContain("refused acme/tst-cli effective 2025-01-01T00:00:00.000Z: a version with this effective_from already exists with other prices (output_per_mtok 2 → 3)");
  });

  it("imports a LiteLLM file, saying what it skipped and why", async () => {
    const r = await cli([
      "prices:import",
      file("litellm.json", {
        sample_spec: { input_cost_per_token: 0 },
        "tst-lite": { litellm_provider: "mistral_ai", input_cost_per_token: 1e-6, output_cost_per_token: 3e-6, cache_creation_input_token_cost_above_1hr: 2e-6 },
        "tst-image": { litellm_provider: "openai", output_cost_per_image: 0.04 },
      }),
      "--format",
      "litellm",
    ]);
    expect(r).toMatchObject({ code: 0 });
    expect(r.stdout).toContain("(litellm): 1 added, 0 unchanged, 2 skipped, 0 refused.");
    expect(r.stdout).toContain("skipped 1 (no token prices): tst-image");
    expect(r.stdout).toContain("skipped 1 (sample specification): sample_spec");
    expect((await cli(["prices:reprice"])).stdout).toContain("nothing to re-price");
    expect((await cli(["prices:reprice", "--from", "2026-02-30"])).stderr).toMatch(/--from must be a date/);
    expect((await cli(["prices:import", file("bad.json", [{ provider: "x" }])])).stderr).toMatch(/entry 0 .*model/);
  });
});
