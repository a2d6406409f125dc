/**
 * What every receipt format checks the same way, so one defect gets one code whichever verifier meets it: the
 * protected header (alg and its fit with the service key, kid, vds, a detached payload) and the signature over a
 * root the proofs lead to (`Sig_structure` with that root as the detached payload, through the run's cache).
 * Each format only words the messages: the CCF verifier keeps the Azure SDKs' texts, RFC 9162 has its own.
 *
 * | defect                              | code                        |
 * | ----------------------------------- | --------------------------- |
 * | no alg, no kid, no vds              | `RECEIPT_MALFORMED`         |
 * | attached payload (where required)   | `RECEIPT_MALFORMED`         |
 * | alg does not fit the key            | `RECEIPT_ALG_MISMATCH`      |
 * | kid is not the key's                | `RECEIPT_KID_MISMATCH`      |
 * | vds is not the format's             | `RECEIPT_UNSUPPORTED_VDS`   |
 * | signature over the root fails       | `RECEIPT_SIGNATURE_INVALID` |
 *
 * @module
 */

import type { PublicKey } from "../crypto/public_key.ts";
import { verifySignature } from "../crypto/signature.ts";
import { AuditError, VerificationError } from "../errors.ts";
import { type CoseAlgorithm, coseAlgorithm } from "../cose/algorithms.ts";
import { kidText } from "../cose/key.ts";
import { HEADER } from "../cose/labels.ts";
import { type CoseSign1, sigStructure } from "../cose/sign1.ts";
import type { VerificationCache } from "../verification_cache.ts";
import type { ServiceKey } from "./trust_store.ts";

/** How one receipt format words the header defects. */
export interface HeaderWording {
  /** The receipt has no alg (label 1). */
  readonly noAlg: string;
  /** The alg does not fit the service key. */
  algMismatch(algorithm: CoseAlgorithm, key: PublicKey): string;
  /** The receipt has no kid (label 4). */
  readonly noKid: string;
  /** The kid (as {@linkcode kidText} reads it) is not the service key's. */
  kidMismatch(found: string, expected: string): string;
  /** The receipt has no vds (label 395). */
  readonly noVds: string;
  /** The vds is not the format's. */
  wrongVds(vds: unknown): string;
  /** The payload is attached, for a format whose payload must be detached; absent: not checked. */
  notDetached?(length: number): string;
}

/** Whether a COSE algorithm can be verified with a key of this type (and, for ECDSA, this curve). */
export function algorithmFits(algorithm: CoseAlgorithm, key: PublicKey): boolean {
  switch (algorithm.scheme.name) {
    case "ECDSA":
      return key.kty === "EC" && key.crv === algorithm.curve;
    case "Ed25519":
      return key.kty === "OKP";
    default:
      return key.kty === "RSA";
  }
}

/**
 * The one receipt header check, in the SDK order: alg, alg/key fit, kid, vds, then (where the format requires
 * it) a detached payload. Returns the algorithm to verify the signature with.
 *
 * @throws {AuditError} `RECEIPT_MALFORMED` for a missing header item or an attached payload.
 * @throws {VerificationError} `RECEIPT_ALG_MISMATCH`, `RECEIPT_KID_MISMATCH` or `RECEIPT_UNSUPPORTED_VDS`.
 */
export function checkReceiptHeader(
  receipt: CoseSign1,
  serviceKey: ServiceKey,
  format: { readonly vds: number; readonly wording: HeaderWording },
): CoseAlgorithm {
  const { wording } = format;
  const header = receipt.protectedHeader;
  const alg = header.get(HEADER.ALG);
  if (alg === undefined) throw new AuditError("RECEIPT_MALFORMED", wording.noAlg);
  const algorithm = coseAlgorithm(alg);
  if (!algorithmFits(algorithm, serviceKey.key)) {
    throw new VerificationError("RECEIPT_ALG_MISMATCH", wording.algMismatch(algorithm, serviceKey.key));
  }
  const kid = header.get(HEADER.KID);
  if (kid === undefined) throw new AuditError("RECEIPT_MALFORMED", wording.noKid);
  const kidString = kid instanceof Uint8Array ? kidText(kid) : String(kid);
  if (kidString !== serviceKey.kid) {
    throw new VerificationError("RECEIPT_KID_MISMATCH", wording.kidMismatch(kidString, serviceKey.kid));
  }
  const vds = header.get(HEADER.VDS);
  if (vds === undefined) throw new AuditError("RECEIPT_MALFORMED", wording.noVds);
  if (vds !== format.vds) throw new VerificationError("RECEIPT_UNSUPPORTED_VDS", wording.wrongVds(vds));
  if (wording.notDetached && receipt.payload !== null) {
    throw new AuditError("RECEIPT_MALFORMED", wording.notDetached(receipt.payload.length));
  }
  return algorithm;
}

/**
 * Whether the receipt's signature verifies over `root` (`["Signature1", protected, h'', root]`) with the service
 * key, answered from the cache when the same key already checked the same signature over the same root.
 */
export function receiptSignatureVerifies(
  receipt: CoseSign1,
  serviceKey: ServiceKey,
  algorithm: CoseAlgorithm,
  root: Uint8Array,
  cache?: VerificationCache,
): Promise<boolean> {
  const signed = {
    scheme: algorithm.name,
    key: serviceKey.key,
    data: sigStructure(receipt.protectedBytes, root),
    signature: receipt.signature,
  };
  const verify = () => verifySignature(signed.key, algorithm.scheme, signed.data, signed.signature);
  return cache?.signature(signed, verify) ?? verify();
}
