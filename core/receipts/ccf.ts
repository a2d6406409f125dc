/**
 * CCF receipts (vds = 2, CCF_LEDGER_SHA256): inclusion proofs, leaf hash, path fold and the receipt signature
 * over the recomputed root, checked in the order the Azure SDKs use so failure messages match
 * (spec: ccf-receipts §2–§4).
 *
 * @module
 */

import { type CborKey, type CborValue, decodeCbor } from "../cbor.ts";
import { equalBytes, toHex, utf8 } from "../bytes.ts";
import { VerificationError } from "../errors.ts";
import { ccfLeafHash, type CcfPathStep, foldCcfPath } from "../merkle/mod.ts";
import { HEADER } from "../cose/labels.ts";
import type { CoseSign1 } from "../cose/sign1.ts";
import { checkReceiptHeader, type HeaderWording, receiptSignatureVerifies } from "./receipt_header.ts";
import type { ServiceKey } from "./trust_store.ts";
import type { VerificationCache } from "../verification_cache.ts";

/** The vds value of CCF receipts. */
export const VDS_CCF = 2;

export { ccfLeafHash, foldCcfPath } from "../merkle/mod.ts";
/** Limits on attacker-controlled counts (spec: ccf-receipts §9). */
export const CCF_LIMITS = { maxPathLength: 64, maxProofs: 8, maxEvidenceBytes: 1024 } as const;

/** A decoded CCF inclusion proof. */
export interface CcfProof {
  /** `internal_transaction_hash` (32 bytes). */
  readonly internalTransactionHash: Uint8Array;
  /** `internal_evidence`, e.g. `ce:458.12440:<hex>`. */
  readonly internalEvidence: string;
  /** `data_hash`: the claims digest of the registered statement (32 bytes). */
  readonly dataHash: Uint8Array;
  /** The path, leaf upward. */
  readonly path: readonly CcfPathStep[];
}

/** What the first inclusion proof of a CCF receipt says, before any signature is checked. */
export interface CcfReceiptFacts {
  /** The root recomputed from the first proof (hex). */
  readonly root?: string;
  /** The registration txid from the first proof's evidence. */
  readonly registeredTxid?: string;
}

function fail(code: "RECEIPT_PROOF_INVALID" | "RECEIPT_SIGNATURE_INVALID", message: string): never {
  throw new VerificationError(code, message);
}

function bytes32(value: CborValue | undefined, what: string): Uint8Array {
  if (!(value instanceof Uint8Array) || value.length !== 32) {
    fail("RECEIPT_PROOF_INVALID", `Inclusion proof ${what} must be a 32-byte string.`);
  }
  return value;
}

/**
 * Decodes one inclusion proof (the content of one `396/-1` byte string), bounding every length.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeCcfProof } from "./ccf.ts";
 * import { fromHex } from "../bytes.ts";
 * // {1: [h'00'*32, "ce:1.2:ab", h'00'*32], 2: []}
 * const proof = decodeCcfProof(fromHex("a20183582000" + "00".repeat(31) + "6963653a312e323a6162" + "5820" + "00".repeat(32) + "0280"));
 * assert(proof.internalEvidence === "ce:1.2:ab" && proof.path.length === 0);
 * ```
 */
export function decodeCcfProof(bytes: Uint8Array): CcfProof {
  let value: CborValue;
  try {
    value = decodeCbor(bytes);
  } catch (error) {
    return fail("RECEIPT_PROOF_INVALID", `Inclusion proof is not valid CBOR: ${(error as Error).message}`);
  }
  if (!(value instanceof Map)) fail("RECEIPT_PROOF_INVALID", "Inclusion proof must be a CBOR map.");
  const map = value as Map<CborKey, CborValue>;
  const leaf = map.get(1);
  const path = map.get(2);
  if (leaf === undefined) fail("RECEIPT_PROOF_INVALID", "Leaf must be present in inclusion proof.");
  if (path === undefined) fail("RECEIPT_PROOF_INVALID", "Path must be present in inclusion proof.");
  if (!Array.isArray(leaf) || leaf.length !== 3) {
    fail("RECEIPT_PROOF_INVALID", "Inclusion proof leaf must be an array of 3 items.");
  }
  const evidence = leaf[1];
  if (typeof evidence !== "string") {
    fail("RECEIPT_PROOF_INVALID", "Inclusion proof internal evidence must be a text string.");
  }
  const evidenceLength = utf8(evidence).length;
  if (evidenceLength < 1 || evidenceLength > CCF_LIMITS.maxEvidenceBytes) {
    fail(
      "RECEIPT_PROOF_INVALID",
      `Inclusion proof internal evidence must be 1 to ${CCF_LIMITS.maxEvidenceBytes} bytes.`,
    );
  }
  if (!Array.isArray(path)) fail("RECEIPT_PROOF_INVALID", "Inclusion proof path must be an array.");
  if (path.length > CCF_LIMITS.maxPathLength) {
    fail(
      "RECEIPT_PROOF_INVALID",
      `Inclusion proof path has ${path.length} steps, more than ${CCF_LIMITS.maxPathLength}.`,
    );
  }
  return {
    internalTransactionHash: bytes32(leaf[0], "internal transaction hash"),
    internalEvidence: evidence,
    dataHash: bytes32(leaf[2], "data hash"),
    path: path.map((step, i) => {
      if (!Array.isArray(step) || step.length !== 2 || typeof step[0] !== "boolean") {
        fail("RECEIPT_PROOF_INVALID", `Inclusion proof path step ${i} must be [bool, bstr].`);
      }
      return { left: step[0], hash: bytes32(step[1], `path step ${i} hash`) };
    }),
  };
}

/**
 * The registration txid in CCF internal evidence `ce:<view>.<seqno>:<64 hex>`, or `undefined`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { registrationTxid } from "./ccf.ts";
 * assert(registrationTxid("ce:458.12440:" + "a".repeat(64)) === "458.12440");
 * ```
 */
export function registrationTxid(evidence: string): string | undefined {
  return /^ce:(\d+\.\d+):[0-9a-f]{64}$/.exec(evidence)?.[1];
}

/** Reads the receipt's inclusion proofs (steps 5–8 of the SDK order). */
/** Each receipt's proofs and their roots, decoded and folded once however often they are read. */
const folded = new WeakMap<
  CoseSign1,
  { readonly proofs: readonly CcfProof[]; readonly roots: readonly Uint8Array[] }
>();

function foldedProofs(
  receipt: CoseSign1,
): { readonly proofs: readonly CcfProof[]; readonly roots: readonly Uint8Array[] } {
  let entry = folded.get(receipt);
  if (!entry) {
    const proofs = inclusionProofs(receipt);
    entry = { proofs, roots: proofs.map((proof) => foldCcfPath(ccfLeafHash(proof), proof.path)) };
    folded.set(receipt, entry);
  }
  return entry;
}

function inclusionProofs(receipt: CoseSign1): CcfProof[] {
  const vdp = receipt.unprotectedHeader.get(HEADER.VDP);
  if (vdp === undefined) fail("RECEIPT_PROOF_INVALID", "Verifiable data proof 396 is required.");
  if (!(vdp instanceof Map)) fail("RECEIPT_PROOF_INVALID", "Verifiable data proof 396 must be a map.");
  const inclusion = vdp.get(-1);
  if (inclusion === undefined) fail("RECEIPT_PROOF_INVALID", "Inclusion proof is required.");
  if (!Array.isArray(inclusion)) fail("RECEIPT_PROOF_INVALID", "Inclusion proofs must be an array.");
  if (inclusion.length === 0) fail("RECEIPT_PROOF_INVALID", "At least one inclusion proof is required.");
  if (inclusion.length > CCF_LIMITS.maxProofs) {
    fail(
      "RECEIPT_PROOF_INVALID",
      `Receipt has ${inclusion.length} inclusion proofs, more than ${CCF_LIMITS.maxProofs}.`,
    );
  }
  return inclusion.map((item) => {
    if (!(item instanceof Uint8Array)) fail("RECEIPT_PROOF_INVALID", "Inclusion proof must be a byte string.");
    return decodeCcfProof(item);
  });
}

/** Options for {@linkcode verifyCcfReceipt}. */
export interface VerifyCcfReceiptOptions {
  /** Remembers the signature over each root, for runs where many receipts share one. */
  readonly cache?: VerificationCache;
}

/** The Azure SDKs' texts for the header defects (their sentences, with their final periods). */
const CCF_HEADER_WORDING: HeaderWording = {
  noAlg: "Algorithm not found in receipt protected headers.",
  algMismatch: (algorithm, key) =>
    `Algorithm mismatch. Expected ${
      key.kty === "EC" ? { "P-256": "ES256", "P-384": "ES384", "P-521": "ES512" }[key.crv] : key.kty
    }, found ${algorithm.name}.`,
  noKid: "KID not found in receipt protected headers.",
  kidMismatch: () => "KID mismatch.",
  noVds: "Verifiable Data Structure is required.",
  wrongVds: () => "Verifiable Data Structure is not CCF.",
};

/**
 * Verifies a CCF receipt against the claims digest of a statement with the issuer's key, in the SDK order:
 * alg, alg/curve binding, kid, vds, proofs, signature over each proof's root, then the claims digest.
 * Throws a {@linkcode VerificationError} whose message is the Python SDK's text for the failed step.
 *
 * @param receipt The decoded receipt (vds 2, CCF_LEDGER_SHA256).
 * @param serviceKey The issuer's key that the receipt's kid names.
 * @param claimsDigest The statement's claims digest (`claimsDigest()` of `core/statement/`); `undefined` skips
 * that last step.
 * @param options A cache for runs where many receipts share a root.
 * @throws {VerificationError} At the first failed step, e.g. `RECEIPT_SIGNATURE_INVALID` or
 * `RECEIPT_CLAIMS_DIGEST_MISMATCH`.
 *
 * @example Usage
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { decodeCoseSign1, strippedStatement } from "../cose/sign1.ts";
 * import { sha256 } from "../crypto/digest.ts";
 * import { publicKeyFromJwk } from "../crypto/public_key.ts";
 * import { verifyCcfReceipt } from "./ccf.ts";
 * import { TrustStore } from "./trust_store.ts";
 *
 * const fixture = (path: string) => Deno.readFileSync(new URL(`../../fixtures/mst/${path}`, import.meta.url));
 * const store = new TrustStore();
 * const issuer = "ledger.contoso.example";
 * const jwks = JSON.parse(new TextDecoder().decode(fixture(`keys/${issuer}.jwks.json`)));
 * for (const jwk of jwks.keys) await store.add(issuer, publicKeyFromJwk(jwk), `${issuer}.jwks.json`);
 * const statement = decodeCoseSign1(fixture("statements/release-1.3.signed.cose"));
 * const receipt = decodeCoseSign1(fixture("receipts/release-1.3.receipt.cose"));
 * const serviceKey = store.keysOf(issuer)[0]!;
 * const claimsDigest = await sha256(strippedStatement(statement));
 *
 * await verifyCcfReceipt(receipt, serviceKey, claimsDigest);
 * await rejects(verifyCcfReceipt(receipt, serviceKey, new Uint8Array(32)), { code: "RECEIPT_CLAIMS_DIGEST_MISMATCH" });
 * ```
 */
export async function verifyCcfReceipt(
  receipt: CoseSign1,
  serviceKey: ServiceKey,
  claimsDigest: Uint8Array | undefined,
  options: VerifyCcfReceiptOptions = {},
): Promise<void> {
  const algorithm = checkReceiptHeader(receipt, serviceKey, { vds: VDS_CCF, wording: CCF_HEADER_WORDING });
  const { proofs, roots } = foldedProofs(receipt);
  for (const root of roots) {
    if (!(await receiptSignatureVerifies(receipt, serviceKey, algorithm, root, options.cache))) {
      fail("RECEIPT_SIGNATURE_INVALID", "Signature verification failed.");
    }
  }
  if (claimsDigest !== undefined) {
    for (const proof of proofs) {
      if (!equalBytes(proof.dataHash, claimsDigest)) {
        throw new VerificationError(
          "RECEIPT_CLAIMS_DIGEST_MISMATCH",
          `Claim digest mismatch: ${toHex(proof.dataHash)} != ${toHex(claimsDigest)}`,
        );
      }
    }
  }
}

/**
 * Reads the registration txid and recomputes the root from the first inclusion proof, for reporting; nothing is
 * verified. Returns `{}` when the proof does not decode.
 *
 * @param receipt The decoded receipt.
 * @returns The root (hex) and the registration txid, each when it could be read.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { decodeCoseSign1 } from "../cose/sign1.ts";
 * import { ccfReceiptFacts } from "./ccf.ts";
 *
 * const bytes = Deno.readFileSync(new URL("../../fixtures/mst/receipts/release-1.3.receipt.cose", import.meta.url));
 * deepEqual(ccfReceiptFacts(decodeCoseSign1(bytes)), {
 *   root: "d558ee63f54af8053d81c7c09c9bda6732da5e00a0478cf17e2c2c81e83ad6df",
 *   registeredTxid: "2.54",
 * });
 * deepEqual(ccfReceiptFacts(decodeCoseSign1(new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40]))), {});
 * ```
 */
export function ccfReceiptFacts(receipt: CoseSign1): CcfReceiptFacts {
  let proofs;
  try {
    proofs = foldedProofs(receipt);
  } catch {
    return {};
  }
  const proof = proofs.proofs[0];
  if (!proof) return {};
  const root = toHex(proofs.roots[0]!);
  const registeredTxid = registrationTxid(proof.internalEvidence);
  return { root, ...(registeredTxid ? { registeredTxid } : {}) };
}
