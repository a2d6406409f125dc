/**
 * The `scitt-audit` command line: subcommand dispatch, one-line errors and exit statuses.
 * No stack trace reaches the user for any input.
 *
 * @module
 */

import { AuditError } from "../core/errors.ts";
import { bundleCommand } from "./commands/bundle.ts";
import { collectCommand } from "./commands/collect.ts";
import { didx509Command } from "./commands/didx509.ts";
import { inspectCommand } from "./commands/inspect.ts";
import { keysCommand } from "./commands/keys.ts";
import { ledgerCommand } from "./commands/ledger.ts";
import { reportCommand } from "./commands/report.ts";
import { runCommand } from "./commands/run.ts";
import { sigstoreCommand } from "./commands/sigstore.ts";
import { verifyCommand } from "./commands/verify.ts";
import { CliError, EXIT, exitFor } from "./exit.ts";
import { type Io, processIo } from "./io.ts";
import type { Command } from "./options.ts";
import { VERSION } from "./version.ts";

const COMMANDS: readonly Command[] = [
  runCommand,
  bundleCommand,
  verifyCommand,
  ledgerCommand,
  inspectCommand,
  didx509Command,
  reportCommand,
  keysCommand,
  sigstoreCommand,
  collectCommand,
];

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return `scitt-audit ${VERSION} — offline auditor for SCITT / Microsoft Signing Transparency evidence

Usage: scitt-audit <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`).join("\n")}

Run 'scitt-audit <command> --help' for a command's options.
Nothing is fetched: keys and trust anchors come only from files you name. The one exception is 'collect',
the connected-side command that fetches evidence into a bundle, run with network access of its own.

Exit status: 0 all checks pass; 1 a check failed; 2 usage error; 3 malformed input; 4 a named file is missing.`;
}

/**
 * Runs the command line with the given arguments and returns the exit status.
 *
 * @example
 * ```ts
 * import { runCli } from "./main.ts";
 * import { memoryIo } from "./io.ts";
 * const io = memoryIo();
 * console.assert(await runCli(["--version"], io) === 0 && io.stdout[0]?.startsWith("scitt-audit "));
 * ```
 */
export async function runCli(args: string[], io: Io): Promise<number> {
  const [name, ...rest] = args;
  try {
    if (name === undefined || name === "--help" || name === "-h" || name === "help") {
      io.out(help());
      return name === undefined ? EXIT.USAGE : EXIT.OK;
    }
    if (name === "--version" || name === "-V") {
      io.out(`scitt-audit ${VERSION}`);
      return EXIT.OK;
    }
    const command = COMMANDS.find((c) => c.name === name);
    if (!command) {
      io.err(`scitt-audit: unknown command '${name}'; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
      return EXIT.USAGE;
    }
    return await command.run(rest, io);
  } catch (error) {
    if (error instanceof CliError) {
      io.err(`scitt-audit: ${error.message}`);
      return error.exit;
    }
    if (error instanceof AuditError) {
      io.err(`scitt-audit: ${error.message}`);
      return exitFor(error);
    }
    io.err(
      `scitt-audit: internal error: ${error instanceof Error ? error.message : String(error)} (please report this)`,
    );
    return EXIT.INTERNAL;
  }
}

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, processIo()));
}
