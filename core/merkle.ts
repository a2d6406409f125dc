/**
 * The Merkle core: SHA-256, CCF path folds and RFC 9162 inclusion and consistency proofs, computed by the
 * project's own WebAssembly module (`wasm/merkle.wasm`, built from `wasm/src/`). This file is the only door to
 * it: every length and bound is checked here before a byte reaches WebAssembly, and a refused input throws a
 * {@linkcode VerificationError} with code `RECEIPT_PROOF_INVALID`. All functions are synchronous.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { foldCcfPath, sha256 } from "./merkle.ts";
 * const leaf = sha256(new TextEncoder().encode("entry"));
 * const root = foldCcfPath(leaf, [{ left: false, hash: new Uint8Array(32) }]);
 * assert(root.length === 32);
 * ```
 *
 * @module
 */

import * as wasm from "../wasm/merkle.wasm";
import { equalBytes } from "./bytes.ts";
import { VerificationError } from "./errors.ts";

/** Bounds on what the core accepts (spec: merkle-rfc9162 §2–§3). */
export const MERKLE_LIMITS = {
  /** Most hashes in one path; sizes are safe integers (below 2^53), whose proofs never need more than 54. */
  maxPathLength: 64,
} as const;

/** One step of a CCF path: the sibling hash and whether it is on the left. */
export interface CcfPathStep {
  /** Whether the sibling is on the left, e.g. `true`. */
  readonly left: boolean;
  /** The 32-byte sibling hash. */
  readonly hash: Uint8Array;
}

/** One CCF path to fold in a batch. */
export interface CcfPathInput {
  /** The 32-byte leaf hash the path starts from. */
  readonly leaf: Uint8Array;
  /** The path, leaf upward. */
  readonly path: readonly CcfPathStep[];
}

/** The three parts of a CCF leaf (spec: ccf-receipts §2). */
export interface CcfLeafParts {
  /** `internal_transaction_hash` (32 bytes). */
  readonly internalTransactionHash: Uint8Array;
  /** `internal_evidence`, e.g. `"ce:458.12440:<64 hex>"`; hashed as UTF-8. */
  readonly internalEvidence: string;
  /** `data_hash`, the claims digest (32 bytes). */
  readonly dataHash: Uint8Array;
}

/** One RFC 9162 inclusion proof to fold in a batch. */
export interface Rfc9162InclusionInput {
  /** The 32-byte RFC 9162 leaf hash. */
  readonly leafHash: Uint8Array;
  /** The leaf index, e.g. `3`. */
  readonly index: number;
  /** The tree size, e.g. `5`. */
  readonly size: number;
  /** The audit path, leaf upward (32-byte hashes). */
  readonly path: readonly Uint8Array[];
}

/** The two roots a consistency proof rebuilds. */
export interface Rfc9162ConsistencyRoots {
  /** The root of the first `size1` leaves, rebuilt from the proof. */
  readonly root1: Uint8Array;
  /** The root of the first `size2` leaves. */
  readonly root2: Uint8Array;
}

const HASH = 32;
// Record layouts shared with wasm/src (see wasm/README.md).
const CCF_HEADER = 16;
const RFC9162_HEADER = 24;
const REQUIRED_FIELD = 20;

const INPUT = wasm.INPUT_OFFSET;
const INPUT_END = wasm.INPUT_OFFSET + wasm.INPUT_BYTES;
const OUTPUT = wasm.OUTPUT_OFFSET;
const RESULTS = wasm.RESULTS_OFFSET;
const MAX_BATCH = wasm.RESULTS_BYTES / HASH;
// The module's memory has a fixed size (initial = maximum), so these views never detach.
const heap = new Uint8Array(wasm.memory.buffer);
const view = new DataView(wasm.memory.buffer);
const encoder = new TextEncoder();

function refuse(context: string, detail: string): never {
  throw new VerificationError("RECEIPT_PROOF_INVALID", `${context}: ${detail}`);
}

function checkHash(context: string, what: string, value: Uint8Array): void {
  if (!(value instanceof Uint8Array)) refuse(context, `${what} must be a byte array, found ${typeof value}`);
  if (value.length !== HASH) refuse(context, `${what} must be ${HASH} bytes, found ${value.length}`);
}

function checkInteger(context: string, what: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    refuse(context, `${what} must be an integer from ${min} to 2^53 - 1, found ${String(value)}`);
  }
}

function checkPathLength(context: string, path: readonly unknown[]): void {
  if (!Array.isArray(path)) refuse(context, "path must be an array");
  if (path.length > MERKLE_LIMITS.maxPathLength) {
    refuse(context, `path has ${path.length} steps, more than the limit of ${MERKLE_LIMITS.maxPathLength}`);
  }
}

function checkPath(context: string, path: readonly Uint8Array[]): void {
  checkPathLength(context, path);
  path.forEach((hash, i) => checkHash(context, `path hash ${i}`, hash));
}

function checkCcfPath(context: string, leaf: Uint8Array, path: readonly CcfPathStep[]): void {
  checkHash(context, "leaf hash", leaf);
  checkPathLength(context, path);
  path.forEach((step, i) => {
    if (typeof step?.left !== "boolean") refuse(context, `step ${i} must have a boolean "left"`);
    checkHash(context, `step ${i} hash`, step.hash);
  });
}

function checkInclusion(
  context: string,
  leafHash: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
) {
  checkHash(context, "leaf hash", leafHash);
  checkInteger(context, "tree size", size, 1);
  checkInteger(context, "leaf index", index, 0);
  if (index >= size) refuse(context, `leaf index ${index} must be less than the tree size ${size}`);
  checkPath(context, path);
}

function writeU64(at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}

function writeHashes(at: number, hashes: readonly Uint8Array[]): void {
  for (let i = 0; i < hashes.length; i++) heap.set(hashes[i]!, at + i * HASH);
}

function ccfRecordBytes(steps: number): number {
  return CCF_HEADER + HASH + steps * HASH;
}

function rfc9162RecordBytes(steps: number): number {
  return RFC9162_HEADER + HASH + steps * HASH;
}

function writeCcfRecord(at: number, leaf: Uint8Array, path: readonly CcfPathStep[]): void {
  let low = 0;
  let high = 0;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    if (step.left) {
      if (i < 32) low |= 1 << i;
      else high |= 1 << (i - 32);
    }
    heap.set(step.hash, at + CCF_HEADER + HASH + i * HASH);
  }
  view.setUint32(at, low >>> 0, true);
  view.setUint32(at + 4, high >>> 0, true);
  view.setUint32(at + 8, path.length, true);
  heap.set(leaf, at + CCF_HEADER);
}

function writeRfc9162Record(at: number, first: number, second: number, hash: Uint8Array, path: readonly Uint8Array[]) {
  writeU64(at, first);
  writeU64(at + 8, second);
  view.setUint32(at + 16, path.length, true);
  heap.set(hash, at + RFC9162_HEADER);
  writeHashes(at + RFC9162_HEADER + HASH, path);
}

function output(offset = 0): Uint8Array {
  return heap.slice(OUTPUT + offset, OUTPUT + offset + HASH);
}

/**
 * Runs a batch in as few calls as fit INPUT and RESULTS: writes records `start..end`, folds them, copies their
 * roots out, and lets `check` read each record back (at its offset) before the next chunk overwrites it.
 */
function inChunks(
  count: number,
  recordBytes: (i: number) => number,
  write: (i: number, at: number) => void,
  fold: (n: number) => void,
  check: (i: number, at: number) => void,
): Uint8Array[] {
  const roots = new Uint8Array(count * HASH);
  const offsets: number[] = [];
  for (let start = 0; start < count;) {
    offsets.length = 0;
    let at = INPUT;
    let end = start;
    while (end < count && end - start < MAX_BATCH && at + recordBytes(end) <= INPUT_END) {
      write(end, at);
      offsets.push(at);
      at += recordBytes(end);
      end++;
    }
    fold(end - start);
    for (let i = start; i < end; i++) check(i, offsets[i - start]!);
    roots.set(heap.subarray(RESULTS, RESULTS + (end - start) * HASH), start * HASH);
    start = end;
  }
  return Array.from({ length: count }, (_, i) => roots.subarray(i * HASH, (i + 1) * HASH));
}

function streamHash(prefix: number | undefined, bytes: Uint8Array): Uint8Array {
  wasm.sha256Reset();
  if (prefix !== undefined) {
    heap[INPUT] = prefix;
    wasm.sha256Update(1);
  }
  for (let offset = 0; offset < bytes.length; offset += wasm.INPUT_BYTES) {
    const chunk = bytes.subarray(offset, offset + wasm.INPUT_BYTES);
    heap.set(chunk, INPUT);
    wasm.sha256Update(chunk.length);
  }
  wasm.sha256Final();
  return output();
}

/**
 * SHA-256 of bytes, computed in the WebAssembly core (for the small inputs of the Merkle layer; bulk file
 * digests use the runtime's native hashing).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { sha256 } from "./merkle.ts";
 * import { toHex } from "./bytes.ts";
 * assert(toHex(sha256(new TextEncoder().encode("abc"))).startsWith("ba7816bf"));
 * ```
 */
export function sha256(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`Cannot hash: expected a Uint8Array, found ${typeof bytes}`);
  return streamHash(undefined, bytes);
}

/**
 * RFC 9162 leaf hash SHA-256(0x00 ‖ entry) (RFC 9162 §2.1.1).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162LeafHash } from "./merkle.ts";
 * import { toHex } from "./bytes.ts";
 * // The RFC 6962 reference tree: the leaf hash of the empty entry is the root of size 1.
 * assert(toHex(rfc9162LeafHash(new Uint8Array())).startsWith("6e340b9c"));
 * ```
 */
export function rfc9162LeafHash(entry: Uint8Array): Uint8Array {
  if (!(entry instanceof Uint8Array)) {
    throw new TypeError(`Cannot hash RFC 9162 leaf: expected a Uint8Array, found ${typeof entry}`);
  }
  return streamHash(0x00, entry);
}

/**
 * RFC 9162 interior node hash SHA-256(0x01 ‖ left ‖ right) (RFC 9162 §2.1.1).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162LeafHash, rfc9162NodeHash } from "./merkle.ts";
 * import { toHex } from "./bytes.ts";
 * // The RFC 6962 reference tree of size 2: leaves "" and 0x00.
 * const root = rfc9162NodeHash(rfc9162LeafHash(new Uint8Array()), rfc9162LeafHash(new Uint8Array([0])));
 * assert(toHex(root).startsWith("fac54203"));
 * ```
 */
export function rfc9162NodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const context = "Cannot hash RFC 9162 node";
  checkHash(context, "left hash", left);
  checkHash(context, "right hash", right);
  heap.set(left, INPUT);
  heap.set(right, INPUT + HASH);
  wasm.rfc9162NodeHash();
  return output();
}

/**
 * CCF leaf hash SHA-256(internal_transaction_hash ‖ SHA-256(internal_evidence) ‖ data_hash) (spec: ccf-receipts
 * §2). A decoded CCF proof can be passed as it is.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ccfLeafHash } from "./merkle.ts";
 * const leaf = ccfLeafHash({
 *   internalTransactionHash: new Uint8Array(32),
 *   internalEvidence: "ce:1.2:ab",
 *   dataHash: new Uint8Array(32),
 * });
 * assert(leaf.length === 32);
 * ```
 */
export function ccfLeafHash(parts: CcfLeafParts): Uint8Array {
  const context = "Cannot hash CCF leaf";
  checkHash(context, "internal transaction hash", parts.internalTransactionHash);
  checkHash(context, "data hash", parts.dataHash);
  if (typeof parts.internalEvidence !== "string") refuse(context, "internal evidence must be a string");
  const room = heap.subarray(INPUT + 3 * HASH, INPUT_END);
  const { read, written } = encoder.encodeInto(parts.internalEvidence, room);
  if (read !== parts.internalEvidence.length) {
    refuse(context, `internal evidence is longer than ${room.length} bytes of UTF-8`);
  }
  heap.set(parts.internalTransactionHash, INPUT);
  heap.set(parts.dataHash, INPUT + 2 * HASH);
  wasm.ccfLeafHash(written);
  return output();
}

/**
 * Folds a CCF inclusion path into the root it proves: SHA-256(sibling ‖ acc) for a left sibling, else
 * SHA-256(acc ‖ sibling), with no RFC 9162 prefixes (spec: ccf-receipts §2).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { foldCcfPath, sha256 } from "./merkle.ts";
 * const leaf = new Uint8Array(32).fill(1);
 * const sibling = new Uint8Array(32).fill(2);
 * const root = foldCcfPath(leaf, [{ left: true, hash: sibling }]);
 * assert(root.join() === sha256(new Uint8Array([...sibling, ...leaf])).join());
 * ```
 */
export function foldCcfPath(leaf: Uint8Array, path: readonly CcfPathStep[]): Uint8Array {
  checkCcfPath("Cannot fold CCF path", leaf, path);
  writeCcfRecord(INPUT, leaf, path);
  wasm.foldCcfPath();
  return output();
}

/**
 * Folds many CCF paths, four at a time in the module's SIMD lanes; the roots come back in input order.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { foldCcfPath, foldCcfPaths } from "./merkle.ts";
 * const step = { left: false, hash: new Uint8Array(32).fill(9) };
 * const batch = [0, 1, 2, 3, 4].map((i) => ({ leaf: new Uint8Array(32).fill(i), path: [step] }));
 * const roots = foldCcfPaths(batch);
 * assert(roots[4]!.join() === foldCcfPath(batch[4]!.leaf, [step]).join());
 * ```
 */
export function foldCcfPaths(batch: readonly CcfPathInput[]): Uint8Array[] {
  batch.forEach((item, i) => checkCcfPath(`Cannot fold CCF path ${i}`, item.leaf, item.path));
  return inChunks(
    batch.length,
    (i) => ccfRecordBytes(batch[i]!.path.length),
    (i, at) => writeCcfRecord(at, batch[i]!.leaf, batch[i]!.path),
    wasm.foldCcfPaths,
    () => {},
  );
}

function refuseLength(context: string, found: number, needed: number, tree: string): never {
  return refuse(context, `path has ${found} hashes, ${tree} needs ${needed}`);
}

/**
 * Recomputes the root an RFC 9162 inclusion proof leads to (RFC 9162 §2.1.3.2). Throws when the path length
 * does not fit the index and the tree size.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162InclusionRoot, rfc9162LeafHash, rfc9162NodeHash } from "./merkle.ts";
 * const a = rfc9162LeafHash(new Uint8Array([1]));
 * const b = rfc9162LeafHash(new Uint8Array([2]));
 * const root = rfc9162InclusionRoot(b, 1, 2, [a]);
 * assert(root.join() === rfc9162NodeHash(a, b).join());
 * ```
 */
export function rfc9162InclusionRoot(
  leafHash: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
): Uint8Array {
  const context = "Cannot fold RFC 9162 inclusion proof";
  checkInclusion(context, leafHash, index, size, path);
  writeRfc9162Record(INPUT, index, size, leafHash, path);
  const required = wasm.rfc9162InclusionRoot();
  if (required !== path.length) refuseLength(context, path.length, required, `leaf ${index} of a tree of ${size}`);
  return output();
}

/**
 * Recomputes the roots of many RFC 9162 inclusion proofs, four at a time in the module's SIMD lanes; the roots
 * come back in input order.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162InclusionRoot, rfc9162InclusionRoots, rfc9162LeafHash } from "./merkle.ts";
 * const a = rfc9162LeafHash(new Uint8Array([1]));
 * const b = rfc9162LeafHash(new Uint8Array([2]));
 * const [rootA, rootB] = rfc9162InclusionRoots([
 *   { leafHash: a, index: 0, size: 2, path: [b] },
 *   { leafHash: b, index: 1, size: 2, path: [a] },
 * ]);
 * assert(rootA!.join() === rootB!.join() && rootA!.join() === rfc9162InclusionRoot(a, 0, 2, [b]).join());
 * ```
 */
export function rfc9162InclusionRoots(batch: readonly Rfc9162InclusionInput[]): Uint8Array[] {
  const context = (i: number) => `Cannot fold RFC 9162 inclusion proof ${i}`;
  batch.forEach((item, i) => checkInclusion(context(i), item.leafHash, item.index, item.size, item.path));
  return inChunks(
    batch.length,
    (i) => rfc9162RecordBytes(batch[i]!.path.length),
    (i, at) => writeRfc9162Record(at, batch[i]!.index, batch[i]!.size, batch[i]!.leafHash, batch[i]!.path),
    wasm.rfc9162InclusionRoots,
    (i, at) => {
      const { index, size, path } = batch[i]!;
      const required = view.getInt32(at + REQUIRED_FIELD, true);
      if (required !== path.length) {
        refuseLength(context(i), path.length, required, `leaf ${index} of a tree of ${size}`);
      }
    },
  );
}

/** Folds a consistency proof for 0 < size1 < size2; returns the required path length when it does not fit. */
function foldConsistency(size1: number, size2: number, root1: Uint8Array, path: readonly Uint8Array[]) {
  writeRfc9162Record(INPUT, size1, size2, root1, path);
  const required = wasm.rfc9162ConsistencyRoots();
  if (required !== path.length) return required;
  return { root1: output(), root2: output(HASH) };
}

/**
 * Rebuilds both roots from an RFC 9162 consistency proof (RFC 9162 §2.1.4.2): `root1` as the proof sees the old
 * tree (the caller compares it with the root it trusts) and `root2`, the root of the newer tree. Requires
 * 0 < size1 < size2 and a path of the length the two sizes need.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162ConsistencyRoots, rfc9162LeafHash, rfc9162NodeHash } from "./merkle.ts";
 * const a = rfc9162LeafHash(new Uint8Array([1]));
 * const b = rfc9162LeafHash(new Uint8Array([2]));
 * const { root1, root2 } = rfc9162ConsistencyRoots(1, 2, a, [b]);
 * assert(root1.join() === a.join() && root2.join() === rfc9162NodeHash(a, b).join());
 * ```
 */
export function rfc9162ConsistencyRoots(
  size1: number,
  size2: number,
  root1: Uint8Array,
  path: readonly Uint8Array[],
): Rfc9162ConsistencyRoots {
  const context = "Cannot fold RFC 9162 consistency proof";
  checkInteger(context, "size1", size1, 1);
  checkInteger(context, "size2", size2, 1);
  if (size1 >= size2) refuse(context, `size1 ${size1} must be less than size2 ${size2}`);
  checkHash(context, "root1", root1);
  checkPath(context, path);
  const roots = foldConsistency(size1, size2, root1, path);
  if (typeof roots === "number") refuseLength(context, path.length, roots, `a proof from size ${size1} to ${size2}`);
  return roots;
}

/**
 * Whether an RFC 9162 consistency proof links `root1` (size1 leaves) to `root2` (size2 leaves), with the
 * transparency-dev pre-checks in their order (spec: merkle-rfc9162 §3): size2 < size1 and size1 = 0 fail; equal
 * sizes pass exactly when the path is empty and the roots are byte-equal (no length rule, as the vectors
 * require); an empty path otherwise fails. Throws only for input the core refuses: sizes that are not safe
 * integers, hashes that are not 32 bytes, paths over the limit.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162LeafHash, rfc9162NodeHash, verifyRfc9162Consistency } from "./merkle.ts";
 * const a = rfc9162LeafHash(new Uint8Array([1]));
 * const b = rfc9162LeafHash(new Uint8Array([2]));
 * assert(verifyRfc9162Consistency(1, 2, a, rfc9162NodeHash(a, b), [b]));
 * assert(!verifyRfc9162Consistency(1, 2, b, rfc9162NodeHash(a, b), [b]));
 * ```
 */
export function verifyRfc9162Consistency(
  size1: number,
  size2: number,
  root1: Uint8Array,
  root2: Uint8Array,
  path: readonly Uint8Array[],
): boolean {
  const context = "Cannot verify RFC 9162 consistency proof";
  checkInteger(context, "size1", size1, 0);
  checkInteger(context, "size2", size2, 0);
  checkPathLength(context, path);
  if (size2 < size1 || size1 === 0) return false;
  if (size1 === size2) {
    return path.length === 0 && root1 instanceof Uint8Array && root2 instanceof Uint8Array && equalBytes(root1, root2);
  }
  if (path.length === 0) return false;
  checkHash(context, "root1", root1);
  checkHash(context, "root2", root2);
  checkPath(context, path);
  const roots = foldConsistency(size1, size2, root1, path);
  return typeof roots !== "number" && equalBytes(roots.root1, root1) && equalBytes(roots.root2, root2);
}

/**
 * A CCF inner node SHA-256(left ‖ right), with no prefix byte (spec: ccf-ledger §3).
 *
 * @example
 * ```ts
 * import { ccfNodeHash, sha256 } from "./merkle.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const a = new Uint8Array(32).fill(1);
 * const b = new Uint8Array(32).fill(2);
 * deepStrictEqual(ccfNodeHash(a, b), sha256(new Uint8Array([...a, ...b])));
 * ```
 */
export function ccfNodeHash(left: Uint8Array, right: Uint8Array): Uint8Array {
  const context = "Cannot hash CCF node";
  checkHash(context, "left hash", left);
  checkHash(context, "right hash", right);
  view.setUint32(INPUT, 0, true);
  view.setUint32(INPUT + 4, 0, true);
  view.setUint32(INPUT + 8, 1, true);
  heap.set(left, INPUT + CCF_HEADER);
  heap.set(right, INPUT + CCF_HEADER + HASH);
  wasm.foldCcfPath();
  return output();
}
