/**
 * The proofs of an RFC9162_SHA256 receipt (label 396): inclusion and consistency proofs decoded with every count,
 * size and length bounded before it is used, and the Merkle roots they lead to, recomputed through
 * `core/merkle/` (RFC 9162 §2.1.3, §2.1.4; RFC 9942 §5).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeRfc9162InclusionProof, rfc9162InclusionProofRoot } from "./proofs.ts";
 * import { fromHex } from "../../bytes.ts";
 * // [1, 0, []]: a tree of one leaf, whose root is the leaf hash itself
 * const proof = decodeRfc9162InclusionProof(fromHex("830100" + "80"));
 * const leaf = new Uint8Array(32).fill(7);
 * assert(rfc9162InclusionProofRoot(proof, leaf).join() === leaf.join());
 * ```
 *
 * @module
 */

import { CborReader, type CborValue } from "../../cbor.ts";
import { equalBytes, toHex } from "../../bytes.ts";
import { AuditError, VerificationError } from "../../errors.ts";
import { HEADER } from "../../cose/labels.ts";
import type { CoseSign1 } from "../../cose/sign1.ts";
import { rfc9162ConsistencyRoots, rfc9162InclusionRoot } from "../../merkle/mod.ts";
import { proofInvalid } from "./_proof_invalid.ts";

/**
 * Limits on attacker-controlled numbers. A tree of at most 2^53 - 1 leaves needs at most 53 inclusion hashes
 * and 54 consistency hashes, so 64 never rejects an honest proof.
 */
export const RFC9162_LIMITS = { maxPathLength: 64, maxProofs: 8, maxTreeSize: Number.MAX_SAFE_INTEGER } as const;

/** A decoded inclusion proof: `[tree_size, leaf_index, inclusion_path]`. */
export interface Rfc9162InclusionProof {
  /** Leaves in the tree, e.g. `5`. */
  readonly treeSize: number;
  /** Zero-based index of the proven leaf, e.g. `3`; always below `treeSize`. */
  readonly leafIndex: number;
  /** Sibling hashes from the leaf upward, each 32 bytes. */
  readonly path: readonly Uint8Array[];
}

/** A decoded consistency proof: `[tree_size_1, tree_size_2, consistency_path]`. */
export interface Rfc9162ConsistencyProof {
  /** Leaves in the older tree, e.g. `3`. */
  readonly treeSize1: number;
  /** Leaves in the newer tree, e.g. `5`; never below `treeSize1`. */
  readonly treeSize2: number;
  /** The consistency path, each hash 32 bytes. */
  readonly path: readonly Uint8Array[];
}

/** The proofs of one receipt (label 396): inclusion (`-1`) or consistency (`-2`), never both. */
export type Rfc9162Proofs =
  | {
    readonly kind: "inclusion";
    readonly proofs: readonly Rfc9162InclusionProof[];
    /** RFC 9942 conformance remarks that do not decide validity. */
    readonly warnings: readonly string[];
  }
  | {
    readonly kind: "consistency";
    readonly proofs: readonly Rfc9162ConsistencyProof[];
    /** RFC 9942 conformance remarks that do not decide validity. */
    readonly warnings: readonly string[];
  };

/** Reads `[uint, uint, [bstr(32) ...]]`, bounding the path count before reading it. */
function readProofArray(
  bytes: Uint8Array,
  what: string,
  names: readonly [string, string],
): [number, number, Uint8Array[]] {
  const reader = new CborReader(bytes, { maxDepth: 2 });
  try {
    const array = reader.readHeader();
    if (array.major !== 4 || array.argument !== 3) proofInvalid(`Cannot decode ${what}: expected an array of 3 items`);
    const numbers = names.map((name) => {
      const head = reader.readHeader();
      if (head.major !== 0) proofInvalid(`Cannot decode ${what}: ${name} must be an unsigned integer`);
      if (Number.isNaN(head.argument) || head.argument > RFC9162_LIMITS.maxTreeSize) {
        proofInvalid(`Cannot decode ${what}: ${name} exceeds ${RFC9162_LIMITS.maxTreeSize}`);
      }
      return head.argument;
    });
    const pathHead = reader.readHeader();
    if (pathHead.major !== 4) proofInvalid(`Cannot decode ${what}: the path must be an array`);
    if (pathHead.argument > RFC9162_LIMITS.maxPathLength) {
      proofInvalid(
        `Cannot decode ${what}: ${pathHead.argument} path hashes, more than ${RFC9162_LIMITS.maxPathLength}`,
      );
    }
    const path: Uint8Array[] = [];
    for (let i = 0; i < pathHead.argument; i++) {
      const hash: CborValue = reader.readItem();
      if (!(hash instanceof Uint8Array) || hash.length !== 32) {
        proofInvalid(`Cannot decode ${what}: path hash ${i} must be a 32-byte string`);
      }
      path.push(hash);
    }
    reader.expectEnd();
    return [numbers[0]!, numbers[1]!, path];
  } catch (error) {
    if (error instanceof VerificationError || !(error instanceof AuditError)) throw error;
    return proofInvalid(`Cannot decode ${what}: not valid CBOR (${error.message})`, error);
  }
}

/**
 * Decodes the content of one `396/-1` byte string, `[tree_size, leaf_index, inclusion_path]`, with bounds:
 * sizes are unsigned integers up to 2^53 - 1, `leaf_index < tree_size`, at most 64 hashes of 32 bytes each.
 * Throws a {@linkcode VerificationError} `RECEIPT_PROOF_INVALID` otherwise.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeRfc9162InclusionProof } from "./proofs.ts";
 * import { fromHex } from "../../bytes.ts";
 * // [5, 3, [h'00'*32]]
 * const proof = decodeRfc9162InclusionProof(fromHex("83050381" + "5820" + "00".repeat(32)));
 * assert(proof.treeSize === 5 && proof.leafIndex === 3 && proof.path.length === 1);
 * ```
 */
export function decodeRfc9162InclusionProof(bytes: Uint8Array, index = 0): Rfc9162InclusionProof {
  const what = `inclusion proof ${index}`;
  const [treeSize, leafIndex, path] = readProofArray(bytes, what, ["tree size", "leaf index"]);
  if (leafIndex >= treeSize) {
    proofInvalid(`Cannot decode ${what}: leaf index ${leafIndex} is not below tree size ${treeSize}`);
  }
  return { treeSize, leafIndex, path };
}

/**
 * Decodes the content of one `396/-2` byte string, `[tree_size_1, tree_size_2, consistency_path]`, with bounds:
 * `0 < tree_size_1 <= tree_size_2 <= 2^53 - 1`, at most 64 hashes of 32 bytes each. Equal sizes and an empty
 * path pass here (RFC 9162 allows them); {@linkcode decodeRfc9162Proofs} applies the stricter RFC 9942 shape.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeRfc9162ConsistencyProof } from "./proofs.ts";
 * import { fromHex } from "../../bytes.ts";
 * // [3, 5, [h'00'*32]]
 * const proof = decodeRfc9162ConsistencyProof(fromHex("83030581" + "5820" + "00".repeat(32)));
 * assert(proof.treeSize1 === 3 && proof.treeSize2 === 5);
 * ```
 */
export function decodeRfc9162ConsistencyProof(bytes: Uint8Array, index = 0): Rfc9162ConsistencyProof {
  const what = `consistency proof ${index}`;
  const [treeSize1, treeSize2, path] = readProofArray(bytes, what, ["tree size 1", "tree size 2"]);
  // transparency-dev rejects a proof from the empty tree, and one that shrinks the tree (spec §3, §4).
  if (treeSize1 === 0) proofInvalid(`Cannot decode ${what}: tree size 1 must be positive`);
  if (treeSize2 < treeSize1) {
    proofInvalid(`Cannot decode ${what}: tree size 2 (${treeSize2}) is below tree size 1 (${treeSize1})`);
  }
  return { treeSize1, treeSize2, path };
}

function proofItems(value: CborValue, kind: string): Uint8Array[] {
  if (!Array.isArray(value)) proofInvalid(`Cannot decode receipt: ${kind} proofs must be an array`);
  if (value.length === 0) proofInvalid(`Cannot decode receipt: at least one ${kind} proof is required`);
  if (value.length > RFC9162_LIMITS.maxProofs) {
    proofInvalid(`Cannot decode receipt: ${value.length} ${kind} proofs, more than ${RFC9162_LIMITS.maxProofs}`);
  }
  return value.map((item, i) => {
    if (!(item instanceof Uint8Array)) proofInvalid(`Cannot decode ${kind} proof ${i}: expected a byte string`);
    return item;
  });
}

/**
 * Reads label 396 of a vds-1 receipt: `-1` (inclusion proofs) or `-2` (consistency proofs), one to eight byte
 * strings. Beyond the per-proof bounds, a consistency proof must grow the tree and have a non-empty path (RFC 9942
 * CDDL); an empty inclusion path is accepted with a warning (RFC 9162 allows it for a tree of one leaf).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeRfc9162Proofs } from "./proofs.ts";
 * import { decodeCoseSign1 } from "../../cose/sign1.ts";
 * import { fromHex } from "../../bytes.ts";
 * // 18([h'', {396: {-1: [<<[1, 0, []]>>]}}, nil, h''])
 * const receipt = decodeCoseSign1(fromHex("d28440a119018ca12081448301008" + "0f640"));
 * const proofs = decodeRfc9162Proofs(receipt);
 * assert(proofs.kind === "inclusion" && proofs.warnings.length === 1);
 * ```
 */
export function decodeRfc9162Proofs(receipt: CoseSign1): Rfc9162Proofs {
  const vdp = receipt.unprotectedHeader.get(HEADER.VDP);
  if (vdp === undefined) proofInvalid("Cannot decode receipt: no verifiable data proof (label 396)");
  if (!(vdp instanceof Map)) proofInvalid("Cannot decode receipt: verifiable data proof 396 must be a map");
  const keys = [...vdp.keys()];
  if (keys.length !== 1 || (keys[0] !== -1 && keys[0] !== -2)) {
    proofInvalid(
      `Cannot decode receipt: 396 must hold exactly one of -1 (inclusion) or -2 (consistency), found keys ${
        JSON.stringify(keys)
      }`,
    );
  }
  const warnings: string[] = [];
  if (keys[0] === -1) {
    const proofs = proofItems(vdp.get(-1), "inclusion").map((item, i) => {
      const proof = decodeRfc9162InclusionProof(item, i);
      if (proof.path.length === 0) {
        warnings.push(`Inclusion proof ${i} has an empty path, which the RFC 9942 CDDL does not allow`);
      }
      return proof;
    });
    return { kind: "inclusion", proofs, warnings };
  }
  const proofs = proofItems(vdp.get(-2), "consistency").map((item, i) => {
    const proof = decodeRfc9162ConsistencyProof(item, i);
    if (proof.treeSize1 === proof.treeSize2) {
      proofInvalid(`Cannot decode consistency proof ${i}: both tree sizes are ${proof.treeSize1}`);
    }
    if (proof.path.length === 0) proofInvalid(`Cannot decode consistency proof ${i}: the path is empty`);
    return proof;
  });
  return { kind: "consistency", proofs, warnings };
}

/**
 * Recomputes the root an inclusion proof leads to from a leaf hash (RFC 9162 §2.1.3.2) in the Merkle core, which
 * throws `RECEIPT_PROOF_INVALID` when the path length does not fit the index and size.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162InclusionProofRoot } from "./proofs.ts";
 * const leaf = new Uint8Array(32).fill(1);
 * const root = rfc9162InclusionProofRoot({ treeSize: 1, leafIndex: 0, path: [] }, leaf);
 * assert(root.join() === leaf.join());
 * ```
 */
export function rfc9162InclusionProofRoot(proof: Rfc9162InclusionProof, leafHash: Uint8Array): Uint8Array {
  return rfc9162InclusionRoot(leafHash, proof.leafIndex, proof.treeSize, proof.path);
}

/**
 * The root of the newer tree that a consistency proof leads to from a root trusted for the older tree
 * (RFC 9162 §2.1.4.2); `RECEIPT_PROOF_INVALID` when the proof does not fold or does not rebuild `oldRoot`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162ConsistencyNewRoot, rfc9162InclusionProofRoot } from "./proofs.ts";
 * import { rfc9162LeafHash } from "../../merkle/mod.ts";
 * import { utf8 } from "../../bytes.ts";
 * const a = rfc9162LeafHash(utf8("a"));
 * const b = rfc9162LeafHash(utf8("b"));
 * const newRoot = rfc9162ConsistencyNewRoot({ treeSize1: 1, treeSize2: 2, path: [b] }, a);
 * assert(newRoot.join() === rfc9162InclusionProofRoot({ treeSize: 2, leafIndex: 0, path: [b] }, a).join());
 * ```
 */
export function rfc9162ConsistencyNewRoot(proof: Rfc9162ConsistencyProof, oldRoot: Uint8Array): Uint8Array {
  const roots = rfc9162ConsistencyRoots(proof.treeSize1, proof.treeSize2, oldRoot, proof.path);
  if (!equalBytes(roots.root1, oldRoot)) {
    proofInvalid(
      `Consistency proof from ${proof.treeSize1} to ${proof.treeSize2} rebuilds old root ${toHex(roots.root1)}, not ${
        toHex(oldRoot)
      }`,
    );
  }
  return roots.root2;
}
