/**
 * RFC 9162 Merkle trees in the WebAssembly core: leaf and node hashes with their prefixes, inclusion roots one at
 * a time or in batches, and consistency proofs (RFC 9162 §2.1).
 *
 * @module
 */

import { equalBytes } from "../bytes.ts";
import { type Rfc9162ConsistencyRoots, type Rfc9162InclusionInput } from "./model.ts";
import {
  checkHash,
  checkInclusion,
  checkInteger,
  checkPath,
  checkPathLength,
  HASH,
  heap,
  inChunks,
  INPUT,
  output,
  refuse,
  REQUIRED_FIELD,
  rfc9162RecordBytes,
  streamHash,
  view,
  wasm,
  writeRfc9162Record,
} from "./_wasm.ts";

/**
 * RFC 9162 leaf hash SHA-256(0x00 ‖ entry) (RFC 9162 §2.1.1).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162LeafHash } from "./rfc9162.ts";
 * import { toHex } from "../bytes.ts";
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
 * import { rfc9162LeafHash, rfc9162NodeHash } from "./rfc9162.ts";
 * import { toHex } from "../bytes.ts";
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
 * import { rfc9162InclusionRoot, rfc9162LeafHash, rfc9162NodeHash } from "./rfc9162.ts";
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
 * import { rfc9162InclusionRoot, rfc9162InclusionRoots, rfc9162LeafHash } from "./rfc9162.ts";
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
 * import { rfc9162ConsistencyRoots, rfc9162LeafHash, rfc9162NodeHash } from "./rfc9162.ts";
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
 * import { rfc9162LeafHash, rfc9162NodeHash, verifyRfc9162Consistency } from "./rfc9162.ts";
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
