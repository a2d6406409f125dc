/**
 * CCF's Merkle tree in the WebAssembly core (spec: ccf-receipts §2, ccf-ledger §3): leaf hashes, inner nodes
 * SHA-256(left ‖ right) with no prefix, and inclusion paths folded one at a time or four at a time.
 *
 * @module
 */

import { type CcfLeafParts, type CcfPathInput, type CcfPathStep } from "./model.ts";
import {
  CCF_HEADER,
  ccfRecordBytes,
  checkCcfPath,
  checkHash,
  encoder,
  HASH,
  heap,
  inChunks,
  INPUT,
  INPUT_END,
  output,
  refuse,
  view,
  wasm,
  writeCcfRecord,
} from "./_wasm.ts";

/**
 * CCF leaf hash SHA-256(internal_transaction_hash ‖ SHA-256(internal_evidence) ‖ data_hash) (spec: ccf-receipts
 * §2). A decoded CCF proof can be passed as it is.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ccfLeafHash } from "./ccf.ts";
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
 * import { foldCcfPath } from "./ccf.ts";
 * import { wasmSha256 } from "./sha256.ts";
 * const leaf = new Uint8Array(32).fill(1);
 * const sibling = new Uint8Array(32).fill(2);
 * const root = foldCcfPath(leaf, [{ left: true, hash: sibling }]);
 * assert(root.join() === wasmSha256(new Uint8Array([...sibling, ...leaf])).join());
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
 * import { foldCcfPath, foldCcfPaths } from "./ccf.ts";
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

/**
 * A CCF inner node SHA-256(left ‖ right), with no prefix byte (spec: ccf-ledger §3).
 *
 * @example
 * ```ts
 * import { ccfNodeHash } from "./ccf.ts";
 * import { wasmSha256 } from "./sha256.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const a = new Uint8Array(32).fill(1);
 * const b = new Uint8Array(32).fill(2);
 * deepStrictEqual(ccfNodeHash(a, b), wasmSha256(new Uint8Array([...a, ...b])));
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
