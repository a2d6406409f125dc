/**
 * Ledger file names (`ledger_<start>-<end>.committed`) and the plain file index MST publishes its ledger files in:
 * a JSON directory listing, either an array of names or an array of `{name, ...}` entries (the shape of a web
 * server's JSON autoindex).
 *
 * @module
 */

import { fromUtf8 } from "../bytes.ts";
import { AuditError } from "../errors.ts";

/** A committed ledger chunk's name and the seqnos it holds. */
export interface LedgerChunkName {
  /** E.g. `ledger_1-40.committed`. */
  readonly name: string;
  readonly start: number;
  readonly end: number;
}

/** The most entries accepted in one index. */
const MAX_INDEX_ENTRIES = 1_000_000;

/**
 * Reads a committed chunk's name, or `undefined` when it is not one (an open chunk, another file).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { committedChunk } from "./ledger_index.ts";
 * assert(committedChunk("ledger_1-40.committed")?.end === 40);
 * assert(committedChunk("ledger_41") === undefined);
 * ```
 */
export function committedChunk(name: string): LedgerChunkName | undefined {
  const m = name.match(/^ledger_([1-9]\d{0,14})-([1-9]\d{0,14})\.committed$/);
  if (!m) return undefined;
  const [start, end] = [Number(m[1]), Number(m[2])];
  return end >= start ? { name, start, end } : undefined;
}

/**
 * The committed chunks a file index lists, in seqno order; anything but a JSON array of names or `{name}`
 * objects is `COLLECT_RESPONSE_REFUSED`. Other files in the listing are ignored.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseLedgerIndex } from "./ledger_index.ts";
 * const index = new TextEncoder().encode('[{"name":"ledger_41-90.committed"},{"name":"ledger_1-40.committed"},"ledger_91"]');
 * assert(parseLedgerIndex(index).map((c) => c.start).join() === "1,41");
 * ```
 */
export function parseLedgerIndex(body: Uint8Array): LedgerChunkName[] {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(body));
  } catch {
    throw new AuditError("COLLECT_RESPONSE_REFUSED", "Cannot read the ledger file index: it is not JSON");
  }
  if (!Array.isArray(value) || value.length > MAX_INDEX_ENTRIES) {
    throw new AuditError("COLLECT_RESPONSE_REFUSED", "Cannot read the ledger file index: expected a JSON array");
  }
  const chunks: LedgerChunkName[] = [];
  for (const entry of value) {
    const name = typeof entry === "string" ? entry : (entry as { name?: unknown } | null)?.name;
    const chunk = typeof name === "string" ? committedChunk(name) : undefined;
    if (chunk) chunks.push(chunk);
  }
  return chunks.sort((a, b) => a.start - b.start);
}
