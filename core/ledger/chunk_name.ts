/**
 * Ledger chunk file names (spec: ccf-ledger §1): `ledger_<start>-<end>.committed` for a complete chunk,
 * `ledger_<start>` for the open one, with `.recovery` and `.ignored` variants.
 *
 * @module
 */

/** What a chunk's file name says about it. */
export interface ChunkName {
  /** The file name (no folder). */
  readonly name: string;
  /** First seqno the name claims. */
  readonly start: number;
  /** Last seqno the name claims; absent for an open chunk. */
  readonly end?: number;
  /** `.committed`: complete and committed. */
  readonly committed: boolean;
  /** `.recovery` or `.ignored`: written during a recovery or set aside by the node. */
  readonly suffix?: "recovery" | "ignored";
}

const NAME = /^ledger_(\d{1,15})(?:-(\d{1,15}))?(\.committed)?(?:\.(recovery|ignored))?$/;

/**
 * Parses a chunk file name, or returns `undefined` when the name is not a ledger chunk's.
 *
 * @example
 * ```ts
 * import { parseChunkName } from "./chunk_name.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(parseChunkName("ledger_5-15.committed"), { name: "ledger_5-15.committed", start: 5, end: 15, committed: true });
 * deepStrictEqual(parseChunkName("ledger_16"), { name: "ledger_16", start: 16, committed: false });
 * deepStrictEqual(parseChunkName("snapshot_10_12.committed"), undefined);
 * ```
 */
export function parseChunkName(name: string): ChunkName | undefined {
  const match = NAME.exec(name);
  if (!match) return undefined;
  const start = Number(match[1]);
  const end = match[2] === undefined ? undefined : Number(match[2]);
  if (start < 1 || (end !== undefined && end < start)) return undefined;
  return {
    name,
    start,
    ...(end === undefined ? {} : { end }),
    committed: match[3] !== undefined,
    ...(match[4] === undefined ? {} : { suffix: match[4] as "recovery" | "ignored" }),
  };
}
