/**
 * The one tar writer (POSIX ustar), for the air-gap kit and the fixtures' artifact: entries in the order given,
 * owner 0:0, a fixed modification time (0 unless given), mode 0755 or 0644, and for `.tar.gz` gzip without a
 * file name or time. The same files give the same bytes, so an archive's SHA-256 can be recomputed by anyone who
 * rebuilds it.
 *
 * @module
 */

/** One archive member: a folder (no `bytes`) or a file. */
export interface TarEntry {
  /** The path inside the archive, `/`-separated, e.g. `scitt-audit-kit/bin/deno`. */
  readonly path: string;
  /** The file's bytes; absent for a folder. */
  readonly bytes?: Uint8Array;
  /** Whether the file is executable (mode 0755 instead of 0644). */
  readonly executable?: boolean;
}

/** Options of {@linkcode tar}. */
export interface TarOptions {
  /** Modification time of every entry, seconds since the epoch (default 0). */
  readonly mtime?: number;
  /** Owner and group name (default `root`; `""` leaves them empty). */
  readonly ownerName?: string;
}

const BLOCK = 512;

function octal(value: number, width: number): string {
  return value.toString(8).padStart(width - 1, "0") + "\0";
}

function header(entry: TarEntry, options: TarOptions): Uint8Array {
  const block = new Uint8Array(BLOCK);
  const put = (offset: number, text: string) => block.set(new TextEncoder().encode(text), offset);
  const isDir = entry.bytes === undefined;
  const name = isDir ? `${entry.path.replace(/\/$/, "")}/` : entry.path;
  if (new TextEncoder().encode(name).length > 100) throw new Error(`tar: path too long: ${name}`);
  put(0, name);
  put(100, octal(isDir || entry.executable ? 0o755 : 0o644, 8));
  put(108, octal(0, 8)); // uid
  put(116, octal(0, 8)); // gid
  put(124, octal(entry.bytes?.length ?? 0, 12));
  put(136, octal(options.mtime ?? 0, 12));
  put(148, "        "); // checksum placeholder
  put(156, isDir ? "5" : "0");
  put(257, "ustar\0");
  put(263, "00");
  const owner = options.ownerName ?? "root";
  put(265, owner);
  put(297, owner);
  const sum = block.reduce((a, b) => a + b, 0);
  put(148, sum.toString(8).padStart(6, "0") + "\0 ");
  return block;
}

/**
 * The uncompressed tar stream of the entries.
 *
 * @example
 * ```ts
 * import { tar } from "./tar.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(tar([{ path: "a.txt", bytes: new Uint8Array([104, 105]) }]).length, 4 * 512);
 * ```
 */
export function tar(entries: readonly TarEntry[], options: TarOptions = {}): Uint8Array {
  const parts: Uint8Array[] = [];
  for (const entry of entries) {
    parts.push(header(entry, options));
    if (entry.bytes) {
      parts.push(entry.bytes);
      const pad = (BLOCK - (entry.bytes.length % BLOCK)) % BLOCK;
      if (pad) parts.push(new Uint8Array(pad));
    }
  }
  parts.push(new Uint8Array(2 * BLOCK));
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/** The gzip-compressed tar stream of the entries. */
export async function tarGz(entries: readonly TarEntry[]): Promise<Uint8Array> {
  const stream = new Blob([tar(entries) as Uint8Array<ArrayBuffer>]).stream().pipeThrough(
    new CompressionStream("gzip"),
  );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
