import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const prismaImports = ["@/lib/generated/*", "**/generated/prisma/*", "@prisma/client", "@/lib/db/*", "**/lib/db/*"];

export default [
  ...nextVitals,
  ...nextTs,
  { ignores: ["lib/generated/**", ".next/**", "node_modules/**", "test-results/**", "playwright-report/**"] },
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
    // Components are rendered on the client too: they never import the server data layer.
    files: ["components/**"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: [{ group: [...prismaImports, "@/lib/server/*", "**/lib/server/*"], message: "Components must not import the server data layer." }] },
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
