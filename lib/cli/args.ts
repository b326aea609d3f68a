import { parseArgs, type ParseArgsConfig } from "node:util";

export class CliError extends Error {
  constructor(message: string, readonly exitCode = 2) {
    super(message);
  }
}

type Options = NonNullable<ParseArgsConfig["options"]>;

/** Strict option parsing: an unknown option or a missing value is one clear error line. */
export function parseOptions<O extends Options>(argv: string[], options: O, positionals = 0) {
  try {
    const parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
    if (parsed.positionals.length > positionals) {
      throw new CliError(`unexpected argument "${parsed.positionals[positionals]}"`);
    }
    return parsed;
  } catch (err) {
    if (err instanceof CliError) throw err;
    throw new CliError((err as Error).message.split("\n")[0]);
  }
}

export function required(value: string | undefined, flag: string): string {
  if (value === undefined || value === "") throw new CliError(`missing required option ${flag}`);
  return value;
}

/** The CLI acts as the operator: a system actor with every right, named in the audit log. */
export const CLI_ACTOR = { kind: "system", label: "cli" } as const;

/** Progress for long commands: a bar on a terminal, a line every few seconds otherwise. */
export function progress(label: string, total: number) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return {
    update(done: number) {
      const now = Date.now();
      if (done < total && now - last < (tty ? 100 : 5000)) return;
      last = now;
      const pct = total > 0 ? Math.floor((done / total) * 100) : 100;
      if (tty) {
        const width = 30;
        const filled = Math.round((pct / 100) * width);
        process.stderr.write(`\r${label} [${"#".repeat(filled)}${"-".repeat(width - filled)}] ${pct}% (${done}/${total})`);
        if (done >= total) process.stderr.write("\n");
      } else {
        process.stderr.write(`${label}: ${done}/${total} (${pct}%)\n`);
      }
    },
  };
}
