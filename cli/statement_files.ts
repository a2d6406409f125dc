/**
 * Expands the statement arguments of `verify`: files as named, directories into the `*.cose` and `*.scitt`
 * files below them, in a fixed order so that two runs report the same statements in the same order.
 *
 * @module
 */

import { lookOfNonCbor } from "../core/input_kind.ts";
import { CliError, EXIT } from "./exit.ts";

/** The file name endings a directory is searched for. */
export const STATEMENT_EXTENSIONS: readonly string[] = [".cose", ".scitt"];

function isStatementName(name: string): boolean {
  const lower = name.toLowerCase();
  return STATEMENT_EXTENSIONS.some((ext) => lower.endsWith(ext));
}

function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The statement files below `dir`, depth first, entries of each directory in code-point order. */
async function walk(dir: string, out: string[]): Promise<void> {
  const entries: Deno.DirEntry[] = [];
  try {
    for await (const entry of Deno.readDir(dir)) entries.push(entry);
  } catch (error) {
    throw new CliError(EXIT.MISSING, `Cannot read directory ${dir}: ${(error as Error).message}`);
  }
  entries.sort((a, b) => byCodePoint(a.name, b.name));
  const sep = dir.endsWith("/") || dir.endsWith("\\") ? "" : "/";
  for (const entry of entries) {
    const path = `${dir}${sep}${entry.name}`;
    // Symbolic links to directories are not followed, so a link cycle cannot make the walk endless.
    if (entry.isDirectory) await walk(path, out);
    else if (isStatementName(entry.name)) out.push(path);
  }
}

/**
 * Lists the statements named by the arguments: a file stays as given (whatever its name, and also when it
 * does not exist, so that it is reported as missing), a directory becomes its `*.cose` and `*.scitt` files,
 * recursively, in code-point order. Throws a usage error when a directory holds none.
 *
 * @param args The statement arguments of `verify`.
 * @returns The files, in the order of the arguments.
 * @throws {CliError} Exit 2 when a directory holds no statement files, exit 4 when one cannot be read.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, rejects } from "node:assert/strict";
 * import { fileURLToPath } from "node:url";
 * import { listStatementFiles } from "./statement_files.ts";
 *
 * const dir = fileURLToPath(new URL("../fixtures/mst/negative/", import.meta.url));
 * const files = await listStatementFiles([dir, "extra.cose"]);
 * deepEqual(files.map((f) => f.replace(dir, "")), [
 *   "release-1.0.flipped-path-direction.cose",
 *   "release-1.0.tampered-payload.cose",
 *   "release-1.0.tampered-receipt-signature.cose",
 *   "release-1.1.grafted-receipt.cose",
 *   "extra.cose",
 * ]);
 * await rejects(listStatementFiles([fileURLToPath(new URL("../fixtures/demo/", import.meta.url))]), { exit: 2 });
 * ```
 */
export async function listStatementFiles(args: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const arg of args) {
    let info: Deno.FileInfo | undefined;
    try {
      info = await Deno.stat(arg);
    } catch {
      info = undefined;
    }
    if (!info?.isDirectory) {
      files.push(arg);
      continue;
    }
    const before = files.length;
    await walk(arg, files);
    if (files.length === before) {
      throw new CliError(EXIT.USAGE, `verify: ${arg} holds no ${STATEMENT_EXTENSIONS.join(" or ")} files`);
    }
  }
  return files;
}

/** Error codes of a file that did not decode as a COSE_Sign1 at all. */
const UNDECODABLE = new Set(["CBOR_MALFORMED", "CBOR_LIMIT_EXCEEDED", "COSE_MALFORMED", "STATEMENT_MALFORMED"]);

/**
 * Rewords a decoding failure of a statement file that is plainly something else (JSON, PEM, ZIP, text):
 * "statement.json: this is JSON text, not a COSE_Sign1 (CBOR)". Other errors are returned unchanged.
 */
export function explainUndecodable(
  file: string,
  error: { code: string; message: string },
): { code: string; message: string } {
  if (!UNDECODABLE.has(error.code)) return error;
  let head: Uint8Array;
  try {
    using f = Deno.openSync(file, { read: true });
    const buffer = new Uint8Array(512);
    const n = f.readSync(buffer) ?? 0;
    head = buffer.subarray(0, n);
  } catch {
    return error;
  }
  const look = lookOfNonCbor(head);
  return look === undefined
    ? error
    : { code: error.code, message: `${file}: this is ${look}, not a COSE_Sign1 (CBOR)` };
}
