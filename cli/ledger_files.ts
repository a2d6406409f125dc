/**
 * Ledger chunk files on disk for `scitt-audit ledger`: folders and files expanded into chunks, one chunk read at
 * a time with a size cap, duplicates across folders compared by digest, and the audit driven chunk by chunk so
 * memory stays bounded by the largest chunk, however long the ledger.
 *
 * @module
 */

import { basename, join } from "node:path";
import { toHex } from "../core/bytes.ts";
import {
  type ChunkName,
  LedgerAudit,
  type LedgerAuditOptions,
  type LedgerFinding,
  parseChunkName,
  planChunks,
} from "../core/ledger/mod.ts";
import { sha256Sync } from "../core/ledger/leaf.ts";
import { CliError, EXIT } from "./exit.ts";
import type { Io } from "./io.ts";
import { ProgressBar } from "./progress.ts";

/** The largest chunk file read (CCF's own limit on one transaction is 1 GiB). */
export const MAX_CHUNK_BYTES = 1024 * 1024 * 1024;

/** A chunk found on disk. */
export interface ChunkFile {
  readonly name: ChunkName;
  readonly path: string;
  readonly size: number;
}

/** The chunk files named by the arguments, and the findings about names and duplicates. */
export interface LedgerFiles {
  readonly files: ReadonlyMap<string, ChunkFile>;
  readonly findings: readonly LedgerFinding[];
}

function statOrFail(path: string): Deno.FileInfo {
  try {
    return Deno.statSync(path);
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) {
      throw new CliError(EXIT.MISSING, `Cannot read ${path}: no such file or folder`);
    }
    throw new CliError(EXIT.MISSING, `Cannot read ${path}: ${(error as Error).message}`);
  }
}

/** Reads one chunk file into memory of its own: a regular file no larger than {@linkcode MAX_CHUNK_BYTES}. */
export function readChunk(file: ChunkFile): Uint8Array {
  return new ChunkReader().read(file);
}

/**
 * Expands folders and files into chunk files. In a folder, files whose names are not chunk names are passed
 * over; a file named on the command line must be one. Open chunks in folders are read only with `includeOpen`.
 */
export function findLedgerFiles(args: readonly string[], includeOpen: boolean): LedgerFiles {
  const files = new Map<string, ChunkFile>();
  const findings: LedgerFinding[] = [];
  const add = (path: string, named: boolean) => {
    const name = parseChunkName(basename(path));
    if (!name) {
      if (named) {
        throw new CliError(
          EXIT.MALFORMED,
          `${path}: not a ledger chunk name (expected ledger_<start>-<end>.committed)`,
        );
      }
      if (basename(path).startsWith("ledger_")) {
        findings.push({
          code: "LEDGER_FILE_NAME_INVALID",
          severity: "warning",
          file: basename(path),
          message: `${path}: a file named like a chunk but not one, passed over`,
        });
      }
      return;
    }
    if (name.suffix !== undefined || (!name.committed && !named && !includeOpen)) return;
    const info = statOrFail(path);
    if (!info.isFile) {
      if (named) throw new CliError(EXIT.MALFORMED, `Cannot read ${path}: not a regular file`);
      findings.push({
        code: "LEDGER_FILE_NAME_INVALID",
        severity: "warning",
        file: name.name,
        message: `${path}: named like a chunk but not a regular file, passed over`,
      });
      return;
    }
    const existing = files.get(name.name);
    if (existing) {
      if (existing.path === path) return;
      const same = existing.size === info.size &&
        toHex(sha256Sync(readChunk(existing))) === toHex(sha256Sync(readChunk({ name, path, size: info.size })));
      if (!same) {
        findings.push({
          code: "LEDGER_DUPLICATE_DIFFERS",
          severity: "error",
          file: name.name,
          message: `${existing.path} and ${path} have the same name but different bytes`,
        });
      }
      return;
    }
    files.set(name.name, { name, path, size: info.size });
  };
  for (const arg of args) {
    const info = statOrFail(arg);
    if (info.isDirectory) {
      const entries = [...Deno.readDirSync(arg)].filter((e) => e.isFile || e.isSymlink).map((e) => e.name).sort();
      for (const entry of entries) add(join(arg, entry), false);
    } else add(arg, true);
  }
  return { files, findings };
}

/**
 * Reads chunk after chunk into one buffer that grows to the largest chunk, so memory does not grow with the ledger:
 * a regular file no larger than {@linkcode MAX_CHUNK_BYTES}, opened once and checked on the open file.
 */
class ChunkReader {
  #buffer = new Uint8Array(0);

  read(file: ChunkFile): Uint8Array {
    let handle: Deno.FsFile;
    try {
      handle = Deno.openSync(file.path, { read: true });
    } catch (error) {
      throw new CliError(EXIT.MISSING, `Cannot read ${file.path}: ${(error as Error).message}`);
    }
    try {
      const info = handle.statSync();
      if (!info.isFile) throw new CliError(EXIT.MALFORMED, `Cannot read ${file.path}: not a regular file`);
      if (info.size > MAX_CHUNK_BYTES) {
        throw new CliError(
          EXIT.MALFORMED,
          `Cannot read ${file.path}: ${info.size} bytes is more than ${MAX_CHUNK_BYTES}`,
        );
      }
      if (this.#buffer.length < info.size) this.#buffer = new Uint8Array(Math.max(info.size, 2 * this.#buffer.length));
      let filled = 0;
      while (filled < info.size) {
        const n = handle.readSync(this.#buffer.subarray(filled, info.size));
        if (n === null || n === 0) break;
        filled += n;
      }
      return this.#buffer.subarray(0, filled);
    } finally {
      handle.close();
    }
  }
}

/** Runs an audit over the chunk files, chunk by chunk, with a progress bar when standard error is a terminal. */
export async function auditLedgerFiles(
  found: LedgerFiles,
  options: LedgerAuditOptions & { readonly includeOpen: boolean },
  io: Io,
): Promise<LedgerAudit> {
  let audit: LedgerAudit;
  try {
    audit = new LedgerAudit(options);
  } catch (error) {
    // A state whose shape is right but whose certificates or frontier are not (edited by hand).
    if (error instanceof RangeError || (error as Error).name === "LedgerFormatError") {
      throw new CliError(EXIT.MALFORMED, `The saved ledger state cannot be used: ${(error as Error).message}`);
    }
    throw error;
  }
  const plan = planChunks([...found.files.values()].map((f) => f.name), {
    includeOpen: true,
    ...(options.state ? { after: options.state.lastSeqno } : {}),
  });
  for (const finding of [...found.findings, ...plan.findings]) audit.report(finding);
  const state = options.state;
  if (state) {
    const last = [...found.files.values()].find((f) => f.name.name === state.lastChunk.name);
    if (last && toHex(sha256Sync(readChunk(last))) !== state.lastChunk.sha256) {
      audit.report({
        code: "LEDGER_STATE_MISMATCH",
        severity: "error",
        file: last.name.name,
        message: `${last.path} differs from the chunk the saved state audited: the history has changed`,
      });
    }
    const lastSeqno = Math.max(0, ...[...found.files.values()].map((f) => f.name.end ?? f.name.start));
    if (found.files.size > 0 && lastSeqno < state.lastSeqno) {
      audit.report({
        code: "LEDGER_STATE_AHEAD",
        severity: "error",
        message: `The ledger ends at seqno ${lastSeqno}, before seqno ${state.lastSeqno} that the saved state audited`,
      });
    }
  }
  const total = plan.chunks.reduce((sum, c) => sum + (found.files.get(c.name)?.size ?? 0), 0);
  const bar = io.status ? new ProgressBar(io.status, total, { unit: "bytes" }) : undefined;
  let done = 0;
  const reader = new ChunkReader();
  for (const chunk of plan.chunks) {
    if (audit.stopped) break;
    const file = found.files.get(chunk.name)!;
    await audit.addChunk(chunk, reader.read(file));
    done += file.size;
    bar?.update(done);
  }
  bar?.clear();
  await audit.settle();
  return audit;
}
