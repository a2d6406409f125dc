/**
 * Verifying RFC9162_SHA256 receipts (vds = 1, RFC 9942) with a service's key: the protected header (alg and its
 * fit with the key, kid, vds, detached payload), the proofs of label 396, the root they lead to, and the
 * receipt signature over that detached root (spec: merkle-rfc9162 §5). An inclusion receipt proves a statement
 * is in the tree; a consistency receipt proves a newer tree extends a root already verified.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { VDS_RFC9162 } from "./verify.ts";
 * strictEqual(VDS_RFC9162, 1);
 * ```
 *
 * @module
 */

import { equalBytes, toHex } from "../../bytes.ts";
import { VerificationError } from "../../errors.ts";
import type { CoseAlgorithm } from "../../cose/algorithms.ts";
import type { CoseSign1 } from "../../cose/sign1.ts";
import { checkReceiptHeader, type HeaderWording } from "../receipt_header.ts";
import { receiptSignatureVerifies } from "../receipt_header.ts";
import type { VerificationCache } from "../../verification_cache.ts";
import type { ServiceKey } from "../trust_store.ts";
import { DEFAULT_RFC9162_LEAF_RULE, type Rfc9162LeafRule, rfc9162StatementLeaf } from "./leaf.ts";
import { proofInvalid } from "./_proof_invalid.ts";
import {
  decodeRfc9162Proofs,
  rfc9162ConsistencyNewRoot,
  type Rfc9162ConsistencyProof,
  type Rfc9162InclusionProof,
  rfc9162InclusionProofRoot,
} from "./proofs.ts";

/** The vds value of RFC9162_SHA256 receipts. */
export const VDS_RFC9162 = 1;

/** Options for {@linkcode verifyRfc9162Receipt}. */
export interface VerifyRfc9162ReceiptOptions {
  /** The registered statement, as received (its unprotected header may hold the receipts). */
  readonly statement: Uint8Array;
  /** The statement with its unprotected header emptied, when the caller already has it (it is not decoded again). */
  readonly stripped?: Uint8Array;
  /** How the service derives the leaf from the statement. @default {"stripped-statement"} */
  readonly leafRule?: Rfc9162LeafRule;
  /** Remembers the signature over each root, for runs where many receipts share one. */
  readonly cache?: VerificationCache;
}

/** Options for {@linkcode verifyRfc9162ConsistencyReceipt}. */
export interface VerifyRfc9162ConsistencyOptions {
  /** A root already verified for `oldTreeSize` (from an inclusion receipt or checkpoint of the same service). */
  readonly oldRoot: Uint8Array;
  /** The tree size that `oldRoot` belongs to, e.g. `3`. */
  readonly oldTreeSize: number;
  /** Remembers the signature over each root, for runs where many receipts share one. */
  readonly cache?: VerificationCache;
}

/** What a verified inclusion receipt proves. */
export interface Rfc9162InclusionResult {
  /** The signed root (32 bytes). */
  readonly root: Uint8Array;
  /** The proofs, all leading to `root`. */
  readonly proofs: readonly Rfc9162InclusionProof[];
  /** RFC 9942 conformance remarks that do not decide validity. */
  readonly warnings: readonly string[];
}

/** What a verified consistency receipt proves. */
export interface Rfc9162ConsistencyResult {
  /** The signed root of the newer tree (32 bytes). */
  readonly root: Uint8Array;
  /** The size of the newer tree. */
  readonly treeSize: number;
  /** The proofs, all leading from the old root to `root`. */
  readonly proofs: readonly Rfc9162ConsistencyProof[];
  /** RFC 9942 conformance remarks that do not decide validity. */
  readonly warnings: readonly string[];
}

const RFC9162_HEADER_WORDING: HeaderWording = {
  noAlg: "Cannot verify receipt: no algorithm (label 1) in the protected header",
  algMismatch: (algorithm, key) =>
    `Cannot verify receipt: algorithm ${algorithm.name} does not fit the service key (${
      key.kty === "EC" ? `EC ${key.crv}` : key.kty
    })`,
  noKid: "Cannot verify receipt: no kid (label 4) in the protected header",
  kidMismatch: (found, expected) => `Cannot verify receipt: kid '${found}' is not the service key's kid '${expected}'`,
  noVds: "Cannot verify receipt: no verifiable data structure (label 395)",
  wrongVds: (vds) => `Cannot verify receipt: vds ${String(vds)} is not RFC9162_SHA256 (${VDS_RFC9162})`,
  notDetached: (length) => `Cannot verify receipt: the payload must be detached (nil), found ${length} bytes`,
};

function checkHeader(receipt: CoseSign1, serviceKey: ServiceKey): CoseAlgorithm {
  return checkReceiptHeader(receipt, serviceKey, { vds: VDS_RFC9162, wording: RFC9162_HEADER_WORDING });
}

/** All proofs must lead to one root, since one signature can cover only one. */
function sameRoot(roots: readonly Uint8Array[], kind: string): Uint8Array {
  const first = roots[0]!;
  roots.forEach((root, i) => {
    if (!equalBytes(root, first)) {
      proofInvalid(`Receipt ${kind} proofs 0 and ${i} lead to different roots: ${toHex(first)} != ${toHex(root)}`);
    }
  });
  return first;
}

async function checkSignature(
  receipt: CoseSign1,
  serviceKey: ServiceKey,
  algorithm: CoseAlgorithm,
  root: Uint8Array,
  context: { readonly what: string; readonly cache: VerificationCache | undefined },
): Promise<void> {
  if (!(await receiptSignatureVerifies(receipt, serviceKey, algorithm, root, context.cache))) {
    throw new VerificationError(
      "RECEIPT_SIGNATURE_INVALID",
      `Receipt signature does not verify over root ${toHex(root)} (${context.what})`,
    );
  }
}

/**
 * Verifies an RFC9162_SHA256 inclusion receipt for a statement with the service's key: header checks (alg and
 * its fit with the key, kid, vds 1, detached payload), the inclusion proofs, the leaf from the statement under
 * the leaf rule, the root each proof leads to, and the signature over `["Signature1", protected, h'', root]`.
 * Throws a coded {@linkcode VerificationError} (or `RECEIPT_MALFORMED` for a missing header) on failure.
 *
 * @param receipt The decoded receipt (vds 1).
 * @param serviceKey The service's key that the receipt's kid names.
 * @param options The statement, the service's leaf rule and a cache.
 * @returns The signed root and the proofs that lead to it.
 * @throws {VerificationError} At the first failed check, e.g. `RECEIPT_KID_MISMATCH` or
 * `RECEIPT_SIGNATURE_INVALID`.
 * @throws {AuditError} `RECEIPT_MALFORMED` when a required header is missing.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { CborTag } from "../../cbor.ts";
 * import { encodeCbor } from "../../cbor_encode.ts";
 * import { decodeCoseSign1, sigStructure } from "../../cose/sign1.ts";
 * import { publicKeyFromSpki } from "../../crypto/public_key.ts";
 * import { rfc9162StatementLeaf } from "./leaf.ts";
 * import { verifyRfc9162Receipt } from "./verify.ts";
 *
 * const fixture = new URL("../../../fixtures/mst/statements/release-1.3.signed.cose", import.meta.url);
 * const statement = Deno.readFileSync(fixture);
 * // A service with an ES256 key whose tree holds only this statement: its root is the statement's leaf hash.
 * const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const serviceKey = { issuer: "ledger.example", kid: "key-1", key, sources: [] };
 * const root = await rfc9162StatementLeaf(statement);
 * const kid = new TextEncoder().encode("key-1");
 * const header = encodeCbor(new Map<number, number | Uint8Array>([[1, -7], [4, kid], [395, 1]])); // ES256, kid, vds 1
 * const signature = new Uint8Array(
 *   await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, sigStructure(header, root).slice()),
 * );
 * const proofs = new Map([[396, new Map([[-1, [encodeCbor([1, 0, []])]]])]]); // [tree size, leaf index, path]
 * const receipt = decodeCoseSign1(encodeCbor(new CborTag(18, [header, proofs, null, signature])));
 *
 * const result = await verifyRfc9162Receipt(receipt, serviceKey, { statement });
 * deepEqual(result.root, root);
 * deepEqual(result.proofs, [{ treeSize: 1, leafIndex: 0, path: [] }]);
 * ```
 */
export async function verifyRfc9162Receipt(
  receipt: CoseSign1,
  serviceKey: ServiceKey,
  options: VerifyRfc9162ReceiptOptions,
): Promise<Rfc9162InclusionResult> {
  const algorithm = checkHeader(receipt, serviceKey);
  const decoded = decodeRfc9162Proofs(receipt);
  if (decoded.kind !== "inclusion") {
    proofInvalid("Cannot verify receipt: it carries consistency proofs (-2), not inclusion proofs (-1)");
  }
  const rule = options.leafRule ?? DEFAULT_RFC9162_LEAF_RULE;
  const leaf = await rfc9162StatementLeaf(options.statement, rule, options.stripped);
  const root = sameRoot(decoded.proofs.map((proof) => rfc9162InclusionProofRoot(proof, leaf)), "inclusion");
  const first = decoded.proofs[0]!;
  await checkSignature(receipt, serviceKey, algorithm, root, {
    what: `leaf ${first.leafIndex} of ${first.treeSize}, leaf rule '${rule}'`,
    cache: options.cache,
  });
  return { root, proofs: decoded.proofs, warnings: decoded.warnings };
}

/**
 * Verifies an RFC9162_SHA256 consistency receipt from a root already verified for an older tree: the same header
 * checks as {@linkcode verifyRfc9162Receipt}, every proof starting at `oldTreeSize` and rebuilding `oldRoot`, and
 * the signature over the newer root the proofs lead to (RFC 9942: the payload is the newer root).
 *
 * @param receipt The decoded receipt (vds 1) with consistency proofs (-2).
 * @param serviceKey The service's key that the receipt's kid names.
 * @param options The older root and its tree size, and a cache.
 * @returns The signed newer root, its tree size and the proofs.
 * @throws {VerificationError} At the first failed check, e.g. `RECEIPT_PROOF_INVALID` or
 * `RECEIPT_SIGNATURE_INVALID`.
 * @throws {AuditError} `RECEIPT_MALFORMED` when a required header is missing.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { CborTag } from "../../cbor.ts";
 * import { encodeCbor } from "../../cbor_encode.ts";
 * import { decodeCoseSign1, sigStructure } from "../../cose/sign1.ts";
 * import { publicKeyFromSpki } from "../../crypto/public_key.ts";
 * import { rfc9162LeafHash, rfc9162NodeHash } from "../../merkle/mod.ts";
 * import { verifyRfc9162ConsistencyReceipt } from "./verify.ts";
 *
 * // A tree grows from one leaf to two: the proof from size 1 to size 2 is the new leaf's hash.
 * const oldRoot = rfc9162LeafHash(new TextEncoder().encode("entry 0"));
 * const added = rfc9162LeafHash(new TextEncoder().encode("entry 1"));
 * const root = rfc9162NodeHash(oldRoot, added);
 * const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const serviceKey = { issuer: "ledger.example", kid: "key-1", key, sources: [] };
 * const kid = new TextEncoder().encode("key-1");
 * const header = encodeCbor(new Map<number, number | Uint8Array>([[1, -7], [4, kid], [395, 1]])); // ES256, kid, vds 1
 * const signature = new Uint8Array(
 *   await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, sigStructure(header, root).slice()),
 * );
 * const proofs = new Map([[396, new Map([[-2, [encodeCbor([1, 2, [added]])]]])]]); // [old size, new size, path]
 * const receipt = decodeCoseSign1(encodeCbor(new CborTag(18, [header, proofs, null, signature])));
 *
 * const result = await verifyRfc9162ConsistencyReceipt(receipt, serviceKey, { oldRoot, oldTreeSize: 1 });
 * deepEqual(result.root, root);
 * equal(result.treeSize, 2);
 * ```
 */
export async function verifyRfc9162ConsistencyReceipt(
  receipt: CoseSign1,
  serviceKey: ServiceKey,
  options: VerifyRfc9162ConsistencyOptions,
): Promise<Rfc9162ConsistencyResult> {
  const algorithm = checkHeader(receipt, serviceKey);
  const decoded = decodeRfc9162Proofs(receipt);
  if (decoded.kind !== "consistency") {
    proofInvalid("Cannot verify receipt: it carries inclusion proofs (-1), not consistency proofs (-2)");
  }
  const newRoots = decoded.proofs.map((proof, i) => {
    if (proof.treeSize1 !== options.oldTreeSize) {
      proofInvalid(
        `Consistency proof ${i} starts at tree size ${proof.treeSize1}, not at the old tree size ${options.oldTreeSize}`,
      );
    }
    return rfc9162ConsistencyNewRoot(proof, options.oldRoot);
  });
  const root = sameRoot(newRoots, "consistency");
  const first = decoded.proofs[0]!;
  await checkSignature(receipt, serviceKey, algorithm, root, {
    what: `tree ${first.treeSize1} to ${first.treeSize2}`,
    cache: options.cache,
  });
  return { root, treeSize: first.treeSize2, proofs: decoded.proofs, warnings: decoded.warnings };
}
