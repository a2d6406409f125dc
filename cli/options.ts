/**
 * Argument parsing shared by the commands (node:util parseArgs), with usage errors instead of exceptions.
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { usage } from "./exit.ts";

/** Parses a command's arguments; unknown options and missing values are usage errors. */
export function parseCommandArgs<T extends NonNullable<ParseArgsConfig["options"]>>(
  command: string,
  args: string[],
  options: T,
) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw usage(`${command}: ${message}; see 'scitt-audit ${command} --help'`);
  }
}

/** A subcommand. */
export interface Command {
  /** Its name on the command line. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Runs it and returns the exit status. */
  run(args: string[], io: import("./io.ts").Io): Promise<number>;
}
