/**
 * COSE Receipts for RFC9162_SHA256 (vds = 1, RFC 9942): decoding the inclusion and consistency proofs under
 * label 396 with every count and length bounded (`proofs.ts`), deriving the statement's leaf under the service's
 * leaf rule (`leaf.ts`), recomputing the Merkle root through `core/merkle/`, and verifying the receipt signature
 * over that detached root (`verify.ts`; spec: merkle-rfc9162 §5).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162InclusionProofRoot, rfc9162StatementLeaf } from "./mod.ts";
 * const statement = new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40]);
 * const leaf = await rfc9162StatementLeaf(statement);
 * // In a tree of one leaf, the root is the leaf hash.
 * assert(rfc9162InclusionProofRoot({ treeSize: 1, leafIndex: 0, path: [] }, leaf).join() === leaf.join());
 * ```
 *
 * @module
 */

export * from "./leaf.ts";
export * from "./proofs.ts";
export * from "./verify.ts";
