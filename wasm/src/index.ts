// The module's exports: the memory map, a streaming SHA-256, and Merkle folds that take a whole proof (or a
// whole batch of proofs) per call. Inputs go to INPUT_OFFSET; single results come back at OUTPUT_OFFSET and
// batch results at RESULTS_OFFSET. wasm/README.md describes every record.

import { ACC_A, INPUT, INPUT_CAPACITY, OUTPUT, RESULTS, RESULTS_CAPACITY } from "./layout";
import { foldCcf, foldConsistency, foldInclusion, pairWith, rfc9162Node } from "./merkle";
import { loadDigest, storeDigest, streamFinal, streamReset, streamUpdate } from "./sha256";

export { foldCcfBatch as foldCcfPaths, foldInclusionBatch as rfc9162InclusionRoots } from "./batch";

/** Where every call reads its input. */
export const INPUT_OFFSET: u32 = <u32> INPUT;
/** Bytes available at INPUT_OFFSET. */
export const INPUT_BYTES: u32 = <u32> INPUT_CAPACITY;
/** Where single calls write their result (32 bytes, or 64 for a consistency proof). */
export const OUTPUT_OFFSET: u32 = <u32> OUTPUT;
/** Where batch calls write their roots, 32 bytes each. */
export const RESULTS_OFFSET: u32 = <u32> RESULTS;
/** Bytes available at RESULTS_OFFSET. */
export const RESULTS_BYTES: u32 = <u32> RESULTS_CAPACITY;

/** Starts a streaming SHA-256. */
export function sha256Reset(): void {
  streamReset();
}

/** Absorbs the first `length` bytes of INPUT. */
export function sha256Update(length: u32): void {
  streamUpdate(INPUT, length);
}

/** Writes the digest of everything absorbed since the reset to OUTPUT. */
export function sha256Final(): void {
  streamFinal(OUTPUT);
}

/**
 * CCF leaf hash SHA-256(internal_transaction_hash ‖ SHA-256(internal_evidence) ‖ data_hash). INPUT holds the
 * transaction hash at 0, 32 bytes the module overwrites, the data hash at 64 and the evidence at 96.
 */
export function ccfLeafHash(evidenceLength: u32): void {
  streamReset();
  streamUpdate(INPUT + 96, evidenceLength);
  streamFinal(INPUT + 32);
  streamReset();
  streamUpdate(INPUT, 96);
  streamFinal(OUTPUT);
}

/** RFC 9162 node hash SHA-256(0x01 ‖ left ‖ right) of the two 32-byte hashes at INPUT. */
export function rfc9162NodeHash(): void {
  loadDigest(ACC_A, INPUT);
  pairWith(ACC_A, INPUT + 32, false);
  rfc9162Node(ACC_A);
  storeDigest(ACC_A, OUTPUT);
}

/** Folds the CCF record at INPUT; the root goes to OUTPUT. */
export function foldCcfPath(): void {
  foldCcf(INPUT, OUTPUT);
}

/** Folds the RFC 9162 inclusion record at INPUT; returns the required path length, the root goes to OUTPUT. */
export function rfc9162InclusionRoot(): i32 {
  return foldInclusion(INPUT, OUTPUT);
}

/** Folds the RFC 9162 consistency record at INPUT; returns the required path length, the roots go to OUTPUT. */
export function rfc9162ConsistencyRoots(): i32 {
  return foldConsistency(INPUT, OUTPUT);
}
