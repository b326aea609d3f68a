// Dispatches `spendline <command>` to lib/cli/commands/<command with ':' as '-'>.ts.
// Every failure is one line on stderr and a non-zero exit code.
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { ZodError } from "zod";
import { closeDatabase } from "@/lib/db/client";
import { CliError } from "./args";

export interface Command {
  summary: string;
  usage: string;
  /** Commands that must not auto-apply migrations first (migrate itself). */
  skipMigrate?: boolean;
  run(argv: string[]): Promise<number | void>;
}

const commandsDir = path.join(import.meta.dirname, "commands");

function commandNames(): string[] {
  return readdirSync(commandsDir)
    .filter((f) => f.endsWith(".ts") && !f.endsWith(".test.ts"))
    .map((f) => f.replace(/\.ts$/, "").replace("-", ":"))
    .sort();
}

async function loadCommand(name: string): Promise<Command | null> {
  if (!/^[a-z]+(:[a-z-]+)?$/.test(name)) return null;
  const file = path.join(commandsDir, `${name.replace(":", "-")}.ts`);
  try {
    return (await import(pathToFileURL(file).href)) as Command;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ERR_MODULE_NOT_FOUND" && String((err as Error).message).includes(file)) return null;
    throw err;
  }
}

async function help(): Promise<void> {
  const lines = ["Usage: spendline <command> [options]", "", "Commands:"];
  for (const name of commandNames()) {
    const cmd = await loadCommand(name);
    if (cmd) lines.push(`  ${name.padEnd(20)} ${cmd.summary}`);
  }
  lines.push("", "The database is PostgreSQL when DATABASE_URL is set, else the embedded one in ./.data.");
  console.log(lines.join("\n"));
}

export function describeError(err: unknown): string {
  if (err instanceof ZodError) return err.issues[0]?.message ?? "Invalid input.";
  if (err instanceof Error) return err.message.split("\n")[0];
  return String(err);
}

export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === "help" || name === "--help" || name === "-h") {
    await help();
    return name ? 0 : 1;
  }
  try {
    const cmd = await loadCommand(name);
    if (!cmd) {
      console.error(`error: unknown command "${name}". Run "spendline help" for the list.`);
      return 2;
    }
    if (rest.includes("--help") || rest.includes("-h")) {
      console.log(`Usage: spendline ${cmd.usage}\n\n${cmd.summary}`);
      return 0;
    }
    if (!cmd.skipMigrate) {
      const { getDatabase } = await import("@/lib/db/client");
      const { migrate } = await import("@/lib/db/migrate");
      await migrate((await getDatabase()).sql);
    }
    const code = await cmd.run(rest);
    return typeof code === "number" ? code : 0;
  } catch (err) {
    console.error(`error: ${describeError(err)}`);
    return err instanceof CliError ? err.exitCode : 1;
  } finally {
    await closeDatabase().catch(() => {});
  }
}
