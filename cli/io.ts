/**
 * The command line's terminal and file system: output streams with colour only on a terminal, and bounded
 * file reads that turn every failure into one line and an exit status.
 *
 * @module
 */

import { CliError, EXIT } from "./exit.ts";

/** Where a command writes. Tests pass their own. */
export interface Io {
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  /** Whether to colour standard output. */
  readonly color: boolean;
}

/** The process's own streams; colour when stdout is a terminal and `NO_COLOR` is not set. */
export function processIo(): Io {
  const encoder = new TextEncoder();
  return {
    out: (line) => Deno.stdout.writeSync(encoder.encode(line + "\n")),
    err: (line) => Deno.stderr.writeSync(encoder.encode(line + "\n")),
    color: Deno.stdout.isTerminal() && !Deno.noColor,
  };
}

/** An {@linkcode Io} that records lines, for tests. */
export function memoryIo(): Io & { readonly stdout: string[]; readonly stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (l) => stdout.push(l), err: (l) => stderr.push(l), color: false };
}

const CODES = { red: 31, green: 32, yellow: 33, dim: 2, bold: 1 } as const;

/** Colours text when the stream is a terminal. */
export function paint(io: Io, colour: keyof typeof CODES, text: string): string {
  return io.color ? `\x1b[${CODES[colour]}m${text}\x1b[0m` : text;
}

/** The largest input file the tool reads (hostile sizes are refused before reading). */
export const MAX_INPUT_BYTES = 64 * 1024 * 1024;

/** Reads a named input file; a missing file is exit 4, a directory or an oversized file exit 3. */
export async function readInput(path: string): Promise<Uint8Array> {
  try {
    const info = await Deno.stat(path);
    if (info.isDirectory) throw new CliError(EXIT.MALFORMED, `Cannot read ${path}: it is a directory, not a file`);
    if (info.size > MAX_INPUT_BYTES) {
      throw new CliError(EXIT.MALFORMED, `Cannot read ${path}: ${info.size} bytes is more than ${MAX_INPUT_BYTES}`);
    }
    return await Deno.readFile(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof Deno.errors.NotFound) throw new CliError(EXIT.MISSING, `Cannot read ${path}: file not found`);
    if (error instanceof Deno.errors.PermissionDenied || error instanceof Deno.errors.NotCapable) {
      throw new CliError(EXIT.MISSING, `Cannot read ${path}: permission denied`);
    }
    throw new CliError(EXIT.MISSING, `Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** The last path segment, for compact display. */
export function baseName(path: string): string {
  return path.split(/[\\/]/).pop() || path;
}
