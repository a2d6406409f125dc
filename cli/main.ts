/**
 * The `scitt-audit` command line: subcommand dispatch, one-line errors and exit statuses.
 * No stack trace reaches the user for any input.
 *
 * @module
 */

import { AuditError } from "../core/errors.ts";
import type { Command } from "./command.ts";
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
import { CliError, EXIT, exitFor, usage } from "./exit.ts";
import { cleanMessage, type Io, parseSize, processIo, setMaxInputSize } from "./io.ts";
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
${COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary ?? ""}`).join("\n")}

Run 'scitt-audit <command> --help' (or 'scitt-audit help <command>') for a command's options.
Global option: --max-input-size SIZE  the largest file read (default 256M; e.g. 1G); devices, pipes and
directories are never read as files.
Nothing is fetched: keys and trust anchors come only from files you name. The one exception is 'collect',
the connected-side command that fetches evidence into a bundle, run with network access of its own.

Exit status: 0 all checks pass; 1 a check failed; 2 usage error; 3 malformed input; 4 a named file is missing.`;
}

/** The help of `help <command> [<subcommand>]`. */
function helpOf([name, sub, ...extra]: readonly string[]): string {
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) throw usage(`help: unknown command '${name}'; commands: ${COMMANDS.map((c) => c.name).join(", ")}`);
  if (sub === undefined) return command.help;
  const subcommands = command.subcommands ?? [];
  const subcommand = subcommands.find((c) => c.name === `${name} ${sub}`);
  if (!subcommand || extra.length > 0) {
    const known = subcommands.length > 0
      ? `its subcommands: ${subcommands.map((c) => c.name.slice(name!.length + 1)).join(", ")}`
      : "it has none";
    throw usage(`help: '${[name, sub, ...extra].join(" ")}' is not a subcommand of '${name}'; ${known}`);
  }
  return subcommand.help;
}

/**
 * Runs the command line with the given arguments and returns the exit status.
 *
 * @param args The arguments, without the program name.
 * @param io Where output goes.
 * @returns The exit status.
 *
 * @example Usage
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { runCli } from "./main.ts";
 * import { memoryIo } from "./io.ts";
 * const io = memoryIo();
 * equal(await runCli(["--version"], io), 0);
 * match(io.stdout[0]!, /^scitt-audit /);
 * ```
 */
export async function runCli(args: string[], io: Io): Promise<number> {
  try {
    const [name, ...rest] = takeMaxInputSize(args);
    if (name === "help" && rest.length > 0) {
      io.out(helpOf(rest));
      return EXIT.OK;
    }
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
    // A reader that stops early (`scitt-audit inspect x | head -1`) is not an error of this tool.
    if (error instanceof Deno.errors.BrokenPipe) return EXIT.OK;
    if (error instanceof CliError) {
      io.err(`scitt-audit: ${cleanMessage(error)}`);
      return error.exit;
    }
    if (error instanceof AuditError) {
      io.err(`scitt-audit: ${cleanMessage(error)}`);
      return exitFor(error);
    }
    if (error instanceof RangeError && /call stack/i.test(error.message)) {
      io.err("scitt-audit: the input is nested too deeply to process");
      return EXIT.MALFORMED;
    }
    io.err(`scitt-audit: internal error: ${cleanMessage(error)} (please report this)`);
    return EXIT.INTERNAL;
  } finally {
    setMaxInputSize(undefined);
  }
}

/** Removes the global `--max-input-size SIZE` option (anywhere before `--`) and applies it for this run. */
function takeMaxInputSize(args: readonly string[]): string[] {
  const rest: string[] = [];
  let value: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (arg === "--") {
      rest.push(...args.slice(i));
      break;
    }
    if (arg === "--max-input-size") {
      value = args[++i];
      if (value === undefined) throw usage("--max-input-size needs a size, e.g. 512M or 1G");
    } else if (arg.startsWith("--max-input-size=")) value = arg.slice("--max-input-size=".length);
    else rest.push(arg);
  }
  if (value !== undefined) {
    const bytes = parseSize(value);
    if (bytes === undefined) throw usage(`--max-input-size must be a size such as 512M or 1G; found '${value}'`);
    setMaxInputSize(bytes);
  }
  return rest;
}

if (import.meta.main) {
  Deno.exit(await runCli(Deno.args, processIo()));
}
