import path from "node:path";
import { defineConfig } from "vitest/config";

// Files that hold the server to one of SPEC's own wall-clock figures (5 MiB answered within 2 s, a
// decompression bomb refused within 2 s, 10,000 nesting levels answered quickly). The bound is the
// SPEC's, not a generous one, so these run alone after the rest: beside another file's PGlite and
// migrations on a 2-core machine, the 2 s case measured 2.05 s where it takes 0.45 s alone.
const TIMED = [
  "app/api/v1/usage/large-fields.int.test.ts",
  "app/api/v1/otel/v1/traces/route.int.test.ts",
  "app/api/v1/usage/key-binding.int.test.ts",
];

const EXCLUDE = ["node_modules/**", "e2e/**", "sdk/**", ".next/**", "lib/generated/**"];

export default defineConfig({
  resolve: { alias: { "@": path.resolve(import.meta.dirname) } },
  test: {
    environment: "node",
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: "forks",
    maxWorkers: 2,
    env: { SPENDLINE_BCRYPT_COST: "4" },
    projects: [
      { extends: true, test: { name: "parallel", include: ["**/*.test.ts"], exclude: [...EXCLUDE, ...TIMED], sequence: { groupOrder: 0 } } },
      { extends: true, test: { name: "timed", include: TIMED, exclude: EXCLUDE, fileParallelism: false, sequence: { groupOrder: 1 } } },
    ],
  },
});
