#!/usr/bin/env node
// `npm start`: migrate, bootstrap, build if needed, serve. See lib/cli/start.ts.
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { register } from "tsx/esm/api";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
register({ tsconfig: path.join(root, "tsconfig.json") });
const { start } = await import(pathToFileURL(path.join(root, "lib", "cli", "start.ts")).href);
process.exitCode = await start(root);
