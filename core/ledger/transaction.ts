/**
 * One CCF ledger transaction (spec: ccf-ledger §2): the 8-byte transaction header, the AES-GCM header whose IV
 * carries seqno and view, and the public domain with its tables. The private domain is never read. Every length
 * is checked against the bytes that hold it before it is used, so a hostile length is an error, not a read past
 * the end. Keys and values are views into the chunk's bytes, never copies.
 *
 * @module
 */

import type { LedgerFindingCode } from "./model.ts";

/** A problem with the bytes of a chunk or transaction, turned into a finding by the auditor. */
export class LedgerFormatError extends Error {
  /** Creates one with its finding code. */
  constructor(readonly code: LedgerFindingCode, message: string) {
    super(message);
    this.name = "LedgerFormatError";
  }
}

/** Entry types of the public domain (the transaction header's version byte). */
export const ENTRY_TYPE = {
  WRITE_SET: 0,
  SNAPSHOT: 1,
  WRITE_SET_WITH_CLAIMS: 2,
  WRITE_SET_WITH_COMMIT_EVIDENCE: 3,
  WRITE_SET_WITH_COMMIT_EVIDENCE_AND_CLAIMS: 4,
} as const;

/** Sizes of the fixed parts. */
export const TX_HEADER_SIZE = 8;
const GCM_TAG_SIZE = 16;
const GCM_IV_SIZE = 12;
/** Largest transaction CCF writes (and its reader accepts). */
export const MAX_TX_SIZE = 1024 * 1024 * 1024;
const KNOWN_FLAGS = 0b11;

/** The writes and removals of one table in one transaction. */
export interface TableWrites {
  /** (key, value) pairs, in order. */
  readonly writes: ReadonlyArray<readonly [key: Uint8Array, value: Uint8Array]>;
  /** Removed keys. */
  readonly removes: readonly Uint8Array[];
}

/** A parsed transaction; byte fields are views into the chunk. */
export interface LedgerTransaction {
  /** Offset of the transaction in its chunk file. */
  readonly offset: number;
  /** The whole transaction, header included: what the write-set digest covers. */
  readonly raw: Uint8Array;
  /** Header version byte (the entry type). */
  readonly version: number;
  /** Header flags. */
  readonly flags: number;
  /** Seqno from the GCM IV. */
  readonly seqno: number;
  /** View from the GCM IV (top bit masked). */
  readonly view: number;
  /** Entry type from the public domain. */
  readonly entryType: number;
  /** The public domain's version (must equal the seqno). */
  readonly domainVersion: number;
  /** Claims digest (entry types 2 and 4). */
  readonly claimsDigest?: Uint8Array;
  /** Commit-evidence digest (entry types 3 and 4). */
  readonly commitEvidenceDigest?: Uint8Array;
  /** The public tables by name. */
  readonly tables: ReadonlyMap<string, TableWrites>;
}

const decoder = new TextDecoder("utf-8", { fatal: true });

/** Table names seen so far: a ledger uses a few dozen, so each is decoded once, not once per transaction. */
const names: { readonly bytes: Uint8Array; readonly name: string }[] = [];

function tableName(bytes: Uint8Array, what: string): string {
  search: for (const known of names) {
    if (known.bytes.length !== bytes.length) continue;
    for (let i = 0; i < bytes.length; i++) if (known.bytes[i] !== bytes[i]) continue search;
    return known.name;
  }
  let name: string;
  try {
    name = decoder.decode(bytes);
  } catch {
    throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Cannot read ${what}: a table name is not UTF-8`);
  }
  if (names.length < 256) names.push({ bytes: bytes.slice(), name });
  return name;
}

/** A bounded little-endian reader over part of a chunk. */
class Cursor {
  #view: DataView;
  #bytes: Uint8Array;
  at: number;
  constructor(bytes: Uint8Array, readonly end: number, at: number, readonly what: string) {
    this.#bytes = bytes;
    this.#view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.at = at;
  }
  #need(n: number, field: string): void {
    if (n > this.end - this.at) {
      throw new LedgerFormatError(
        "LEDGER_TX_MALFORMED",
        `Cannot read ${this.what}: ${field} needs ${n} bytes at offset ${this.at}, but only ${
          this.end - this.at
        } remain`,
      );
    }
  }
  u64(field: string): number {
    this.#need(8, field);
    const high = this.#view.getUint32(this.at + 4, true);
    if (high > 0x1fffff) {
      throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Cannot read ${this.what}: ${field} is larger than 2^53`);
    }
    const value = high * 0x1_0000_0000 + this.#view.getUint32(this.at, true);
    this.at += 8;
    return value;
  }
  i64(field: string): number {
    this.#need(8, field);
    const value = this.#view.getBigInt64(this.at, true);
    this.at += 8;
    if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
      throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Cannot read ${this.what}: ${field} is out of range`);
    }
    return Number(value);
  }
  bytes(n: number, field: string): Uint8Array {
    this.#need(n, field);
    const out = this.#bytes.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
  sized(field: string): Uint8Array {
    return this.bytes(this.u64(`${field} length`), field);
  }
}

/** The transaction header at `offset`: version, flags and the size of what follows. */
export function readTxHeader(bytes: Uint8Array, offset: number): { version: number; flags: number; size: number } {
  if (offset + TX_HEADER_SIZE > bytes.length) {
    throw new LedgerFormatError(
      "LEDGER_CHUNK_TRUNCATED",
      `Cannot read the transaction header at offset ${offset}: the file ends at ${bytes.length}`,
    );
  }
  const version = bytes[offset]!;
  const flags = bytes[offset + 1]!;
  let size = 0;
  for (let i = 7; i >= 2; i--) size = size * 256 + bytes[offset + i]!;
  return { version, flags, size };
}

/** Checks the header as CCF's HEADERS level does: a known entry type, known flags, 0 < size ≤ 1 GiB. */
export function checkTxHeader(header: { version: number; flags: number; size: number }, offset: number): void {
  if (header.version > ENTRY_TYPE.WRITE_SET_WITH_COMMIT_EVIDENCE_AND_CLAIMS) {
    throw new LedgerFormatError(
      "LEDGER_TX_HEADER_INVALID",
      `Transaction at offset ${offset} has unknown entry type ${header.version}`,
    );
  }
  if (header.flags & ~KNOWN_FLAGS) {
    throw new LedgerFormatError(
      "LEDGER_TX_HEADER_INVALID",
      `Transaction at offset ${offset} has unknown flag bits 0x${header.flags.toString(16)}`,
    );
  }
  if (header.size === 0 || header.size > MAX_TX_SIZE) {
    throw new LedgerFormatError(
      "LEDGER_TX_HEADER_INVALID",
      `Transaction at offset ${offset} has size ${header.size}, outside 1..${MAX_TX_SIZE}`,
    );
  }
}

/**
 * Parses the transaction at `offset` of a chunk whose transactions end at `end` (the positions table).
 *
 * @example
 * ```ts
 * import { parseTransaction, LedgerFormatError } from "./transaction.ts";
 * import { throws } from "node:assert/strict";
 * throws(() => parseTransaction(new Uint8Array(20), 8, 20), LedgerFormatError);
 * ```
 */
export function parseTransaction(bytes: Uint8Array, offset: number, end: number): LedgerTransaction {
  const header = readTxHeader(bytes, offset);
  const txEnd = offset + TX_HEADER_SIZE + header.size;
  if (txEnd > end) {
    throw new LedgerFormatError(
      "LEDGER_CHUNK_TRUNCATED",
      `Transaction at offset ${offset} claims ${header.size} bytes and would end at ${txEnd}, past ${end}`,
    );
  }
  const what = `the transaction at offset ${offset}`;
  const body = new Cursor(bytes, txEnd, offset + TX_HEADER_SIZE, what);
  const iv = body.bytes(GCM_TAG_SIZE + GCM_IV_SIZE, "AES-GCM header").subarray(GCM_TAG_SIZE);
  const ivView = new DataView(iv.buffer, iv.byteOffset, iv.byteLength);
  const seqHigh = ivView.getUint32(4, true);
  if (seqHigh > 0x1fffff) throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Cannot read ${what}: seqno too large`);
  const seqno = seqHigh * 0x1_0000_0000 + ivView.getUint32(0, true);
  const view = ivView.getUint32(8, true) & 0x7fffffff;
  const domain = body.sized("public domain");
  const tx = parsePublicDomain(domain, what);
  return {
    offset,
    raw: bytes.subarray(offset, txEnd),
    version: header.version,
    flags: header.flags,
    seqno,
    view,
    ...tx,
  };
}

function parsePublicDomain(domain: Uint8Array, what: string) {
  const cursor = new Cursor(domain, domain.length, 0, `${what}'s public domain`);
  const entryType = cursor.bytes(1, "entry type")[0]!;
  if (entryType > ENTRY_TYPE.WRITE_SET_WITH_COMMIT_EVIDENCE_AND_CLAIMS) {
    throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Cannot read ${what}: unknown entry type ${entryType}`);
  }
  if (entryType === ENTRY_TYPE.SNAPSHOT) {
    throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Cannot read ${what}: a snapshot entry inside a ledger chunk`);
  }
  const domainVersion = cursor.i64("version");
  const hasClaims = entryType === ENTRY_TYPE.WRITE_SET_WITH_CLAIMS ||
    entryType === ENTRY_TYPE.WRITE_SET_WITH_COMMIT_EVIDENCE_AND_CLAIMS;
  const hasEvidence = entryType === ENTRY_TYPE.WRITE_SET_WITH_COMMIT_EVIDENCE ||
    entryType === ENTRY_TYPE.WRITE_SET_WITH_COMMIT_EVIDENCE_AND_CLAIMS;
  const claimsDigest = hasClaims ? cursor.bytes(32, "claims digest") : undefined;
  const commitEvidenceDigest = hasEvidence ? cursor.bytes(32, "commit-evidence digest") : undefined;
  cursor.i64("max conflict version");
  const tables = new Map<string, TableWrites>();
  while (cursor.at < domain.length) {
    const name = tableName(cursor.sized("table name"), what);
    cursor.i64(`${name} read version`);
    const reads = cursor.u64(`${name} read count`);
    if (reads !== 0) {
      throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Cannot read ${what}: table '${name}' has ${reads} reads`);
    }
    const writeCount = cursor.u64(`${name} write count`);
    // Each write takes at least 16 bytes, so a count larger than what remains is hostile.
    if (writeCount > (domain.length - cursor.at) / 16) {
      throw new LedgerFormatError(
        "LEDGER_TX_MALFORMED",
        `Cannot read ${what}: table '${name}' claims ${writeCount} writes`,
      );
    }
    const writes: Array<readonly [Uint8Array, Uint8Array]> = [];
    for (let i = 0; i < writeCount; i++) writes.push([cursor.sized(`${name} key`), cursor.sized(`${name} value`)]);
    const removeCount = cursor.u64(`${name} remove count`);
    if (removeCount > (domain.length - cursor.at) / 8) {
      throw new LedgerFormatError(
        "LEDGER_TX_MALFORMED",
        `Cannot read ${what}: table '${name}' claims ${removeCount} removals`,
      );
    }
    const removes: Uint8Array[] = [];
    for (let i = 0; i < removeCount; i++) removes.push(cursor.sized(`${name} removed key`));
    if (tables.has(name)) {
      throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Cannot read ${what}: table '${name}' twice`);
    }
    tables.set(name, { writes, removes });
  }
  return {
    entryType,
    domainVersion,
    ...(claimsDigest ? { claimsDigest } : {}),
    ...(commitEvidenceDigest ? { commitEvidenceDigest } : {}),
    tables,
  };
}

/** The value written under the 8-zero-byte key of a singleton table, if this transaction wrote one. */
export function singleton(tx: LedgerTransaction, table: string): Uint8Array | undefined {
  const writes = tx.tables.get(table)?.writes;
  if (!writes) return undefined;
  for (const [key, value] of writes) {
    if (key.length === 8 && key.every((b) => b === 0)) return value;
  }
  return undefined;
}
