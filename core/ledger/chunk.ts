/**
 * The layout of one chunk file (spec: ccf-ledger §1): an 8-byte little-endian offset of the positions table (0
 * while the chunk is open), the transactions, then the table of uint32 offsets. {@linkcode chunkPositions}
 * checks the table as CCF's OFFSETS level does, and more strictly: every offset lies after the header and
 * before the table, the offsets ascend, each transaction ends exactly where the next begins, and the last one
 * ends exactly at the table.
 *
 * @module
 */

import { checkTxHeader, LedgerFormatError, readTxHeader, TX_HEADER_SIZE } from "./transaction.ts";

/** Size of the chunk header. */
export const CHUNK_HEADER_SIZE = 8;

/** The smallest transaction: its header, the AES-GCM header and the public-domain size. */
const MIN_TX_BYTES = 8 + 28 + 8;

/** Where a chunk's transactions are. */
export interface ChunkLayout {
  /** Offset of each transaction, in order. */
  readonly positions: readonly number[];
  /** Where the transactions end (the positions table, or the end of an open chunk). */
  readonly end: number;
  /** Whether the chunk has its positions table (is complete). */
  readonly complete: boolean;
}

/**
 * Reads and checks a chunk's positions; with `headers`, each transaction header is also checked (known entry
 * type and flags, 0 < size ≤ 1 GiB).
 *
 * @example
 * ```ts
 * import { chunkPositions } from "./chunk.ts";
 * import { LedgerFormatError } from "./transaction.ts";
 * import { throws } from "node:assert/strict";
 * // The header says the table is at byte 100 of a 12-byte file.
 * throws(() => chunkPositions(new Uint8Array([100, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), { headers: true }), LedgerFormatError);
 * ```
 */
export function chunkPositions(bytes: Uint8Array, options: { headers: boolean }): ChunkLayout {
  if (bytes.length < CHUNK_HEADER_SIZE) {
    throw new LedgerFormatError(
      "LEDGER_CHUNK_TRUNCATED",
      `The chunk is ${bytes.length} bytes, shorter than its ${CHUNK_HEADER_SIZE}-byte header`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const high = view.getUint32(4, true);
  const tableOffset = high * 0x1_0000_0000 + view.getUint32(0, true);
  if (tableOffset === 0) return { positions: walkPositions(bytes, options), end: bytes.length, complete: false };
  if (tableOffset > bytes.length || tableOffset < CHUNK_HEADER_SIZE) {
    throw new LedgerFormatError(
      "LEDGER_CHUNK_TRUNCATED",
      `The header puts the positions table at offset ${tableOffset}, but the file is ${bytes.length} bytes`,
    );
  }
  const tableSize = bytes.length - tableOffset;
  if (tableSize % 4 !== 0) {
    throw new LedgerFormatError(
      "LEDGER_POSITIONS_INVALID",
      `The positions table is ${tableSize} bytes, not a whole number of uint32 offsets`,
    );
  }
  // Every transaction takes at least its headers, so a table with more offsets than that is hostile.
  const most = Math.floor((tableOffset - CHUNK_HEADER_SIZE) / MIN_TX_BYTES);
  if (tableSize / 4 > most) {
    throw new LedgerFormatError(
      "LEDGER_POSITIONS_INVALID",
      `The positions table holds ${tableSize / 4} offsets, but ${
        tableOffset - CHUNK_HEADER_SIZE
      } bytes hold at most ${most} transactions`,
    );
  }
  const positions: number[] = [];
  for (let at = tableOffset; at < bytes.length; at += 4) positions.push(view.getUint32(at, true));
  checkPositions(bytes, positions, tableOffset, options);
  return { positions, end: tableOffset, complete: true };
}

function checkPositions(bytes: Uint8Array, positions: readonly number[], end: number, options: { headers: boolean }) {
  let expected = CHUNK_HEADER_SIZE;
  positions.forEach((position, i) => {
    if (i > 0 && position <= positions[i - 1]!) {
      throw new LedgerFormatError(
        "LEDGER_POSITIONS_INVALID",
        `Offset ${i} (${position}) is not greater than offset ${i - 1} (${positions[i - 1]})`,
      );
    }
    if (position !== expected) {
      throw new LedgerFormatError(
        "LEDGER_POSITIONS_INVALID",
        `Offset ${i} is ${position}, but the previous transaction ends at ${expected}`,
      );
    }
    const header = readTxHeader(bytes, position);
    if (options.headers) checkTxHeader(header, position);
    expected = position + TX_HEADER_SIZE + header.size;
    if (expected > end) {
      throw new LedgerFormatError(
        "LEDGER_CHUNK_TRUNCATED",
        `Transaction ${i} at offset ${position} would end at ${expected}, past the positions table at ${end}`,
      );
    }
  });
  if (expected !== end) {
    throw new LedgerFormatError(
      "LEDGER_POSITIONS_INVALID",
      `The transactions end at ${expected}, but the positions table starts at ${end}`,
    );
  }
}

function walkPositions(bytes: Uint8Array, options: { headers: boolean }): number[] {
  const positions: number[] = [];
  let at = CHUNK_HEADER_SIZE;
  while (at < bytes.length) {
    const header = readTxHeader(bytes, at);
    if (options.headers) checkTxHeader(header, at);
    const next = at + TX_HEADER_SIZE + header.size;
    if (next > bytes.length) {
      throw new LedgerFormatError(
        "LEDGER_CHUNK_TRUNCATED",
        `The open chunk's transaction at offset ${at} would end at ${next}, past the end of the file (${bytes.length})`,
      );
    }
    positions.push(at);
    at = next;
  }
  return positions;
}
