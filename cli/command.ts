/**
 * One declarative definition for every command and subcommand of the command line. The scaffold parses the
 * arguments (node:util `parseArgs`; an unknown option or a missing value is a usage error), prints the help for
 * `-h` / `--help`, checks the number of positional arguments, declares `-v` / `-q` for the commands that have them
 * and refuses the two together, and dispatches a group's subcommands from a table. {@linkcode withFile} turns an
 * error about a named file into one line that names it.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { defineCommand } from "./command.ts";
 * import { memoryIo } from "./io.ts";
 *
 * const greet = defineCommand({
 *   name: "greet",
 *   summary: "say hello",
 *   help: "Usage: scitt-audit greet <name> [--loud]",
 *   options: { loud: { type: "boolean" } },
 *   positionals: { min: 1, max: 1, usage: "name one person" },
 *   run({ values, positionals }, io) {
 *     io.out(`hello ${positionals[0]}${values.loud ? "!" : ""}`);
 *     return 0;
 *   },
 * });
 * const io = memoryIo();
 * strictEqual(await greet.run(["ada", "--loud"], io), 0);
 * deepStrictEqual(io.stdout, ["hello ada!"]);
 * ```
 *
 * @module
 */

import { parseArgs, type ParseArgsConfig } from "node:util";
import { AuditError } from "../core/errors.ts";
import { CliError, EXIT, exitFor, usage } from "./exit.ts";
import type { Io } from "./io.ts";

/** Option declarations, as node:util `parseArgs` takes them. */
export type OptionSpecs = NonNullable<ParseArgsConfig["options"]>;

/** `-h` / `--help`, which every command has. */
const HELP_OPTION = { help: { type: "boolean", short: "h" } } as const;

/** `-v` / `--verbose` and `-q` / `--quiet`, which a command defined with `verbosity: true` has. */
const VERBOSITY = {
  verbose: { type: "boolean", short: "v" },
  quiet: { type: "boolean", short: "q" },
} as const;

/** A command's options together with `-v` / `-q` when it has them (`V` is `true`). */
export type CommandOptions<O extends OptionSpecs, V extends boolean> = V extends true ? O & typeof VERBOSITY : O;

/** What the scaffold hands to a command's `run`: typed option values and the positional arguments. */
export type Parsed<O extends OptionSpecs, V extends boolean = false> = Pick<
  ReturnType<
    typeof parseArgs<{ args: string[]; options: CommandOptions<O, V>; allowPositionals: true; strict: true }>
  >,
  "values" | "positionals"
>;

/** How many positional arguments a command takes, and what to say when the count is wrong. */
export interface Positionals {
  /** The fewest, e.g. `1`. */
  readonly min: number;
  /** The most; without it, any number from `min` up. */
  readonly max?: number;
  /**
   * The usage error for a wrong count, e.g. `"name exactly one file"`; the scaffold adds the command's name before
   * it and a pointer to its `--help` after it.
   */
  readonly usage: string;
}

/** A command (or a group's subcommand) as {@linkcode defineCommand} takes it. */
export interface CommandDefinition<O extends OptionSpecs, V extends boolean> {
  /** Its name on the command line; a subcommand's includes its group's, e.g. `"ledger verify"`. */
  readonly name: string;
  /** One line for the command list; a subcommand needs none. */
  readonly summary?: string;
  /** The full `--help` text. */
  readonly help: string;
  /** Its options, without `-h` / `--help` (every command has those) and `-v` / `-q` (see `verbosity`). */
  readonly options: O;
  /** The positional arguments it takes; without this, none. */
  readonly positionals?: Positionals;
  /** `true` gives it `-v` / `--verbose` and `-q` / `--quiet`, refused together. */
  readonly verbosity?: V;
  /** Runs it with the parsed arguments and returns the exit status. */
  run(parsed: Parsed<O, V>, io: Io): number | Promise<number>;
}

/** A command the command line dispatches to. */
export interface Command {
  /** Its name on the command line, e.g. `"inspect"` or `"ledger verify"`. */
  readonly name: string;
  /** One line for the command list (top-level commands). */
  readonly summary?: string;
  /** The full `--help` text. */
  readonly help: string;
  /** A group's subcommands, each named `"<group> <subcommand>"`. */
  readonly subcommands?: readonly Command[];
  /** Runs it with the arguments after its name and returns the exit status. */
  run(args: string[], io: Io): Promise<number>;
}

/** Parses a command's arguments; an unknown option or a missing value is a usage error naming the command. */
function parseCommandArgs(command: string, args: string[], options: OptionSpecs) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    const message = (error as Error).message.replace(/\. To specify a positional argument.*$/s, "");
    throw usage(`${command}: ${message}; see 'scitt-audit ${command} --help'`);
  }
}

function checkPositionals(command: string, found: readonly string[], expected: Positionals | undefined): void {
  if (expected === undefined) {
    if (found.length > 0) {
      throw usage(`${command}: unexpected argument '${found[0]}'; see 'scitt-audit ${command} --help'`);
    }
    return;
  }
  if (found.length < expected.min || found.length > (expected.max ?? Infinity)) {
    throw usage(`${command}: ${expected.usage}; see 'scitt-audit ${command} --help'`);
  }
}

/**
 * Builds a command from its definition: `-h` / `--help` prints `help` and exits 0; otherwise the arguments are
 * parsed, the positional count and the `-v` / `-q` conflict are checked (each a usage error, exit 2), and `run`
 * gets the typed values.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert/strict";
 * import { defineCommand } from "./command.ts";
 * import { memoryIo } from "./io.ts";
 * const show = defineCommand({
 *   name: "show",
 *   help: "Usage: scitt-audit show <file>... [-v|-q]",
 *   options: {},
 *   positionals: { min: 1, usage: "name at least one file" },
 *   verbosity: true,
 *   run: ({ values, positionals }) => values.verbose ? positionals.length : 0,
 * });
 * deepStrictEqual(await show.run(["a", "b", "-v"], memoryIo()), 2);
 * await rejects(show.run(["-v"], memoryIo()), {
 *   message: "show: name at least one file; see 'scitt-audit show --help'",
 * });
 * await rejects(show.run(["a", "-v", "-q"], memoryIo()), { message: "show: --verbose and --quiet cannot be combined" });
 * ```
 */
export function defineCommand<O extends OptionSpecs, V extends boolean = false>(
  definition: CommandDefinition<O, V>,
): Command {
  const { name, help } = definition;
  const options: OptionSpecs = { ...definition.options, ...(definition.verbosity ? VERBOSITY : {}), ...HELP_OPTION };
  return {
    name,
    ...(definition.summary !== undefined ? { summary: definition.summary } : {}),
    help,
    async run(args, io) {
      const { values, positionals } = parseCommandArgs(name, args, options);
      if (values.help) {
        io.out(help);
        return EXIT.OK;
      }
      checkPositionals(name, positionals, definition.positionals);
      if (definition.verbosity && values.verbose && values.quiet) {
        throw usage(`${name}: --verbose and --quiet cannot be combined`);
      }
      return await definition.run({ values, positionals } as unknown as Parsed<O, V>, io);
    },
  };
}

/** A command made of subcommands (`ledger verify | entries | compare`), as {@linkcode defineGroup} takes it. */
export interface GroupDefinition {
  /** Its name on the command line, e.g. `"ledger"`. */
  readonly name: string;
  /** One line for the command list. */
  readonly summary: string;
  /** The `--help` text of the group, printed for `<group> --help` and `<group> help`. */
  readonly help: string;
  /** What its subcommands are called in usage errors (default `"subcommand"`). */
  readonly noun?: "subcommand" | "action";
  /** Its subcommands, each defined with {@linkcode defineCommand} and named `"<group> <subcommand>"`. */
  readonly subcommands: readonly Command[];
}

/** `a`, `a or b`, `a, b or c`. */
function alternatives(words: readonly string[]): string {
  return words.length < 2 ? words.join("") : `${words.slice(0, -1).join(", ")} or ${words.at(-1)}`;
}

/**
 * Builds a command whose first argument names one of its subcommands, which gets the arguments after it (so
 * `scitt-audit ledger verify --help` prints the subcommand's help). No subcommand, an option in its place or an
 * unknown one is a usage error listing the subcommands; `--help`, `-h` or `help` in its place prints the group's
 * help.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, rejects } from "node:assert/strict";
 * import { defineCommand, defineGroup } from "./command.ts";
 * import { memoryIo } from "./io.ts";
 * const generate = defineCommand({ name: "keys generate", help: "Usage: scitt-audit keys generate", options: {}, run: () => 0 });
 * const keys = defineGroup({ name: "keys", summary: "keys", help: "Usage: scitt-audit keys generate", noun: "action", subcommands: [generate] });
 * deepStrictEqual(await keys.run(["generate"], memoryIo()), 0);
 * await rejects(keys.run(["rotate"], memoryIo()), {
 *   message: "keys: unknown action 'rotate'; expected generate; see 'scitt-audit keys --help'",
 * });
 * ```
 */
export function defineGroup(definition: GroupDefinition): Command {
  const { name, summary, help, subcommands } = definition;
  const noun = definition.noun ?? "subcommand";
  const table = new Map(subcommands.map((command) => [command.name.slice(name.length + 1), command]));
  const expected = `expected ${alternatives([...table.keys()])}; see 'scitt-audit ${name} --help'`;
  return {
    name,
    summary,
    help,
    subcommands,
    async run(args, io) {
      const [word, ...rest] = args;
      if (word === "--help" || word === "-h" || word === "help") {
        io.out(help);
        return EXIT.OK;
      }
      const article = noun === "action" ? "an" : "a";
      if (word === undefined) throw usage(`${name}: name ${article} ${noun}; ${expected}`);
      if (word.startsWith("-")) throw usage(`${name}: name ${article} ${noun} before its options; ${expected}`);
      const command = table.get(word);
      if (!command) throw usage(`${name}: unknown ${noun} '${word}'; ${expected}`);
      return await command.run(rest, io);
    },
  };
}

/**
 * The error to report for `error`, raised while reading or decoding the file at `path`: an {@linkcode AuditError}
 * becomes a {@linkcode CliError} whose message starts with the path, with the exit status of {@linkcode exitFor};
 * anything else is returned as it is.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { AuditError } from "../core/errors.ts";
 * import { fileError } from "./command.ts";
 * import { CliError } from "./exit.ts";
 * const error = fileError("chain.pem", new AuditError("X509_MALFORMED", "Cannot parse certificate: truncated"));
 * assert(error instanceof CliError && error.exit === 3);
 * assert(error.message === "chain.pem: Cannot parse certificate: truncated");
 * ```
 */
export function fileError(path: string, error: unknown): unknown {
  return error instanceof AuditError ? new CliError(exitFor(error), `${path}: ${error.message}`) : error;
}

/**
 * Runs `read`, which reads or decodes the file at `path`, and reports an {@linkcode AuditError} it raises as a
 * one-line error about that file (see {@linkcode fileError}).
 *
 * @example
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { AuditError } from "../core/errors.ts";
 * import { withFile } from "./command.ts";
 * await rejects(withFile("root.json", () => {
 *   throw new AuditError("JSON_MALFORMED", "Cannot parse JSON: unexpected end");
 * }), { name: "CliError", exit: 3, message: "root.json: Cannot parse JSON: unexpected end" });
 * ```
 */
export async function withFile<T>(path: string, read: () => T | Promise<T>): Promise<T> {
  try {
    return await read();
  } catch (error) {
    throw fileError(path, error);
  }
}
