/**
 * COSE Receipts for RFC9162_SHA256 (vds = 1, RFC 9942): decoding the inclusion and consistency proofs under
 * label 396 with every count and length bounded, recomputing the Merkle root through `core/merkle/`, and
 * verifying the receipt signature over that detached root (spec: merkle-rfc9162 §5).
 *
 * @module
 */

import { CborReader, type CborValue } from "../cbor.ts";
import { equalBytes, toHex } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import type { PublicKey } from "../crypto/public_key.ts";
import { verifySignature } from "../crypto/signature.ts";
import { AuditError, VerificationError } from "../errors.ts";
import { type CoseAlgorithm, coseAlgorithm } from "../cose/algorithms.ts";
import { kidText } from "../cose/key.ts";
import { HEADER } from "../cose/labels.ts";
import { type CoseSign1, decodeCoseSign1, sigStructure, strippedStatement } from "../cose/sign1.ts";
import { rfc9162ConsistencyRoots, rfc9162InclusionRoot, rfc9162LeafHash } from "../merkle/mod.ts";
import type { VerificationCache } from "../verification_cache.ts";
import type { ServiceKey } from "./trust_store.ts";

/** The vds value of RFC9162_SHA256 receipts. */
export const VDS_RFC9162 = 1;

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

/**
 * Which bytes a service puts in the tree for a statement; RFC 9942 leaves this to the profile (spec §5.4).
 * Every rule hashes its entry as an RFC 9162 leaf, `SHA-256(0x00 ‖ entry)`.
 *
 * - `"stripped-statement"` (default, RFC 9943): entry = the tag-18 statement with its unprotected header
 *   emptied, spliced from the received bytes.
 * - `"statement-digest"`: entry = SHA-256 of those stripped bytes.
 * - `"statement-as-is"`: entry = the statement bytes exactly as given (`@transmute/cose` 0.2.x).
 */
export type Rfc9162LeafRule = "stripped-statement" | "statement-digest" | "statement-as-is";

/** Every leaf rule, for option parsing and help text. */
export const RFC9162_LEAF_RULES: readonly Rfc9162LeafRule[] = [
  "stripped-statement",
  "statement-digest",
  "statement-as-is",
];

/** The RFC 9942 / RFC 9943 default leaf rule. */
export const DEFAULT_RFC9162_LEAF_RULE: Rfc9162LeafRule = "stripped-statement";

/** Options for {@linkcode verifyRfc9162Receipt}. */
export interface VerifyRfc9162ReceiptOptions {
  /** The registered statement, as received (its unprotected header may hold the receipts). */
  readonly statement: Uint8Array;
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

function proofInvalid(message: string, cause?: unknown): never {
  throw new VerificationError("RECEIPT_PROOF_INVALID", message, cause === undefined ? undefined : { cause });
}

function receiptMalformed(message: string): never {
  throw new AuditError("RECEIPT_MALFORMED", message);
}

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
 * import { decodeRfc9162InclusionProof } from "./rfc9162.ts";
 * import { fromHex } from "../bytes.ts";
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
 * import { decodeRfc9162ConsistencyProof } from "./rfc9162.ts";
 * import { fromHex } from "../bytes.ts";
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
 * import { decodeRfc9162Proofs } from "./rfc9162.ts";
 * import { decodeCoseSign1 } from "../cose/sign1.ts";
 * import { fromHex } from "../bytes.ts";
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
 * import { rfc9162InclusionProofRoot } from "./rfc9162.ts";
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
 * import { rfc9162ConsistencyNewRoot, rfc9162InclusionProofRoot, rfc9162StatementLeaf } from "./rfc9162.ts";
 * import { utf8 } from "../bytes.ts";
 * const a = await rfc9162StatementLeaf(utf8("a"), "statement-as-is");
 * const b = await rfc9162StatementLeaf(utf8("b"), "statement-as-is");
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

/**
 * The RFC 9162 leaf hash of a statement under a service's leaf rule (see {@linkcode Rfc9162LeafRule}).
 * A statement that does not decode is `COSE_MALFORMED` (except with `"statement-as-is"`, which never decodes it).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162StatementLeaf } from "./rfc9162.ts";
 * const statement = new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40]);
 * const stripped = await rfc9162StatementLeaf(statement);
 * const asIs = await rfc9162StatementLeaf(statement, "statement-as-is");
 * assert(stripped.length === 32 && stripped.join() === asIs.join());
 * ```
 */
export async function rfc9162StatementLeaf(
  statement: Uint8Array,
  rule: Rfc9162LeafRule = DEFAULT_RFC9162_LEAF_RULE,
): Promise<Uint8Array> {
  if (rule === "statement-as-is") return rfc9162LeafHash(statement);
  const stripped = strippedStatement(decodeCoseSign1(statement, { what: "statement" }));
  return rfc9162LeafHash(rule === "statement-digest" ? await sha256(stripped) : stripped);
}

function algorithmFits(algorithm: CoseAlgorithm, key: PublicKey): boolean {
  switch (algorithm.scheme.name) {
    case "ECDSA":
      return key.kty === "EC" && key.crv === algorithm.curve;
    case "Ed25519":
      return key.kty === "OKP";
    default:
      return key.kty === "RSA";
  }
}

/** Checks alg, alg/key binding, kid, vds and the detached payload, in the order the CCF verifier uses. */
function checkReceiptHeader(receipt: CoseSign1, serviceKey: ServiceKey): CoseAlgorithm {
  const header = receipt.protectedHeader;
  const alg = header.get(HEADER.ALG);
  if (alg === undefined) receiptMalformed("Cannot verify receipt: no algorithm (label 1) in the protected header");
  const algorithm = coseAlgorithm(alg);
  const key = serviceKey.key;
  if (!algorithmFits(algorithm, key)) {
    throw new VerificationError(
      "RECEIPT_ALG_MISMATCH",
      `Cannot verify receipt: algorithm ${algorithm.name} does not fit the service key (${
        key.kty === "EC" ? `EC ${key.crv}` : key.kty
      })`,
    );
  }
  const kid = header.get(HEADER.KID);
  if (kid === undefined) receiptMalformed("Cannot verify receipt: no kid (label 4) in the protected header");
  const kidString = kid instanceof Uint8Array ? kidText(kid) : String(kid);
  if (kidString !== serviceKey.kid) {
    throw new VerificationError(
      "RECEIPT_KID_MISMATCH",
      `Cannot verify receipt: kid '${kidString}' is not the service key's kid '${serviceKey.kid}'`,
    );
  }
  const vds = header.get(HEADER.VDS);
  if (vds === undefined) receiptMalformed("Cannot verify receipt: no verifiable data structure (label 395)");
  if (vds !== VDS_RFC9162) {
    throw new VerificationError(
      "RECEIPT_UNSUPPORTED_VDS",
      `Cannot verify receipt: vds ${String(vds)} is not RFC9162_SHA256 (${VDS_RFC9162})`,
    );
  }
  if (receipt.payload !== null) {
    receiptMalformed(
      `Cannot verify receipt: the payload must be detached (nil), found ${receipt.payload.length} bytes`,
    );
  }
  return algorithm;
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
  const signed = {
    scheme: algorithm.name,
    key: serviceKey.key,
    data: sigStructure(receipt.protectedBytes, root),
    signature: receipt.signature,
  };
  const verify = () => verifySignature(signed.key, algorithm.scheme, signed.data, signed.signature);
  if (!(await (context.cache?.signature(signed, verify) ?? verify()))) {
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
 * @example
 * ```ts ignore
 * const { root, proofs } = await verifyRfc9162Receipt(receipt, serviceKey, { statement: bytes });
 * ```
 */
export async function verifyRfc9162Receipt(
  receipt: CoseSign1,
  serviceKey: ServiceKey,
  options: VerifyRfc9162ReceiptOptions,
): Promise<Rfc9162InclusionResult> {
  const algorithm = checkReceiptHeader(receipt, serviceKey);
  const decoded = decodeRfc9162Proofs(receipt);
  if (decoded.kind !== "inclusion") {
    proofInvalid("Cannot verify receipt: it carries consistency proofs (-2), not inclusion proofs (-1)");
  }
  const rule = options.leafRule ?? DEFAULT_RFC9162_LEAF_RULE;
  const leaf = await rfc9162StatementLeaf(options.statement, rule);
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
 * @example
 * ```ts ignore
 * const { root, treeSize } = await verifyRfc9162ConsistencyReceipt(receipt, serviceKey, { oldRoot, oldTreeSize: 3 });
 * ```
 */
export async function verifyRfc9162ConsistencyReceipt(
  receipt: CoseSign1,
  serviceKey: ServiceKey,
  options: VerifyRfc9162ConsistencyOptions,
): Promise<Rfc9162ConsistencyResult> {
  const algorithm = checkReceiptHeader(receipt, serviceKey);
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
