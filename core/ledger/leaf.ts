/**
 * The leaf of each transaction in the ledger's Merkle tree (spec: ccf-ledger §3): SHA-256 of the write-set digest
 * (SHA-256 of the whole transaction), the commit-evidence digest and the claims digest, with the shorter forms
 * of the older entry types. The write-set digest of a large transaction is computed by the runtime's native
 * SHA-256 where there is one, and small inputs by the WebAssembly core, whichever measured faster for the size
 * (`deno task bench`, section `ledger`: native wins from about 512 bytes, where its per-call cost is repaid).
 *
 * @module
 */

import { concat } from "../bytes.ts";
import { wasmSha256 } from "../merkle/mod.ts";
import { ENTRY_TYPE, LedgerFormatError, type LedgerTransaction } from "./transaction.ts";

/** Inputs from this size up are hashed natively (where the runtime has native hashing). */
export const NATIVE_HASH_FROM = 512;

// node:crypto's one-shot `hash`, given a Buffer view of the same memory: a plain Uint8Array is first copied into
// a Buffer byte by byte, and `createHash().update().digest()` costs three calls instead of one (measured in
// `deno task bench ledger`).
const nativeSha256 = await Promise.all([import("node:crypto"), import("node:buffer")]).then(
  ([{ hash }, { Buffer }]) => (data: Uint8Array) =>
    new Uint8Array(hash("sha256", Buffer.from(data.buffer, data.byteOffset, data.byteLength), "buffer")),
  () => undefined,
);

/**
 * SHA-256 by whichever backend is faster for the input's size.
 *
 * @example
 * ```ts
 * import { sha256Sync } from "./leaf.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(sha256Sync(new Uint8Array(1000)).length, 32);
 * ```
 */
export function sha256Sync(data: Uint8Array): Uint8Array {
  return nativeSha256 && data.length >= NATIVE_HASH_FROM ? nativeSha256(data) : wasmSha256(data);
}

/**
 * The transaction's leaf: its digest as CCF's tree holds it.
 *
 * @param tx The parsed transaction.
 * @returns SHA-256 of the write set, or of the write-set digest ‖ commit-evidence digest (‖ claims digest).
 * @throws {LedgerFormatError} `LEDGER_TX_MALFORMED` for a claims digest without a commit-evidence digest.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { concat } from "../bytes.ts";
 * import { sha256Sync, transactionDigest } from "./leaf.ts";
 * import type { LedgerTransaction } from "./transaction.ts";
 *
 * const raw = new Uint8Array([1, 2, 3]);
 * const tx: LedgerTransaction = {
 *   offset: 0, raw, version: 1, flags: 0, seqno: 1, view: 1, entryType: 0, domainVersion: 1, tables: new Map(),
 * };
 * deepEqual(transactionDigest(tx), sha256Sync(raw));
 * const commitEvidenceDigest = new Uint8Array(32);
 * const writeSetAndEvidence = concat([sha256Sync(raw), commitEvidenceDigest]);
 * deepEqual(transactionDigest({ ...tx, commitEvidenceDigest }), sha256Sync(writeSetAndEvidence));
 * ```
 */
export function transactionDigest(tx: LedgerTransaction): Uint8Array {
  const writeSet = sha256Sync(tx.raw);
  const { claimsDigest, commitEvidenceDigest } = tx;
  if (claimsDigest === undefined) {
    return commitEvidenceDigest === undefined ? writeSet : wasmSha256(concat([writeSet, commitEvidenceDigest]));
  }
  if (commitEvidenceDigest === undefined || tx.entryType === ENTRY_TYPE.WRITE_SET_WITH_CLAIMS) {
    throw new LedgerFormatError(
      "LEDGER_TX_MALFORMED",
      `Transaction ${tx.seqno} has a claims digest but no commit-evidence digest`,
    );
  }
  return wasmSha256(concat([writeSet, commitEvidenceDigest, claimsDigest]));
}
