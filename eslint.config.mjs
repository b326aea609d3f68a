import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const prismaImports = ["@/lib/generated/*", "**/generated/prisma/*", "@prisma/client", "@/lib/db/*", "**/lib/db/*"];

const config = [
  ...nextVitals,
  ...nextTs,
  { ignores: ["lib/generated/**", ".next/**", ".next-*/**", "node_modules/**", "test-results/**", "playwright-report/**", "sdk/dist/**", "sdk/node_modules/**"] },
  {
    // Only the server data layer (lib/server, lib/db, lib/cli) may reach the database.
    files: ["app/**", "components/**", "lib/*.ts", "lib/!(server|db|cli)/**"],
    // Integration tests next to routes set up their own database.
    ignores: ["**/*.test.ts"],
    rules: {
      "no-restricted-imports": ["error", { patterns: [{ group: prismaImports, message: "Only the server data layer (lib/server) may use the database." }] }],
    },
  },
  {
    // Components are rendered on the client too: they never import the server data layer's code.
    // Its result types may be imported (`import type`), so a view and its data share one shape.
    files: ["components/**"],
    rules: {
      "no-restricted-imports": "off",
      "@typescript-eslint/no-restricted-imports": [
        "error",
        {
          patterns: [
            { group: prismaImports, message: "Components must not use the database." },
            { group: ["@/lib/server/*", "**/lib/server/*"], allowTypeImports: true, message: "Components may import only types from the server data layer." },
          ],
        },
      ],
    },
  },
  {
    // Test helpers named use* are not React hooks.
    files: ["**/*.test.ts", "test/**", "e2e/**"],
    rules: { "react-hooks/rules-of-hooks": "off" },
  },
  {
    rules: {
      "@next/next/no-img-element": "off",
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
    },
  },
];

export default config;
