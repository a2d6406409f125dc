/**
 * The packer's signature of an audit bundle (`audit.bundle.cose` beside `audit.bundle`): a COSE_Sign1 (tag 18) whose
 * payload is the bundle's SHA-256, signed with a key of the same kinds as the auditor's (ES256, ES384, EdDSA), with
 * `alg`, the content type `application/vnd.scitt-audit.bundle-digest`, `kid` (hex SHA-256 of the SPKI) and CWT
 * claims `iss` and `iat` in the protected header. `run --bundle-key` checks it before anything in the bundle is used.
 *
 * @module
 */

import { concat, equalBytes, toHex, utf8 } from "../bytes.ts";
import { type CborInput, encodeCbor } from "../cbor_encode.ts";
import { epochSeconds } from "../cose/claims.ts";
import { CLAIM, HEADER } from "../cose/labels.ts";
import { decodeCoseSign1, sigStructure, verifyCoseSign1 } from "../cose/sign1.ts";
import { sha256 } from "../crypto/digest.ts";
import type { PublicKey } from "../crypto/public_key.ts";
import { AuditError, VerificationError } from "../errors.ts";
import { type AuditorKey, checkSignerKid, reportAlgorithmId, reportAlgorithmOf } from "./signing_key.ts";

/** The content type of a bundle signature's payload (32 bytes: the bundle's SHA-256). */
export const BUNDLE_DIGEST_CONTENT_TYPE = "application/vnd.scitt-audit.bundle-digest";

/** What a verified bundle signature says. */
export interface BundleSignature {
  /** `iss`: who packed the bundle. */
  readonly issuer: string;
  /** `iat`: when, in seconds since the epoch. */
  readonly iat: number;
  /** The signing key's kid. */
  readonly kid: string;
  /** The bundle's SHA-256, hex. */
  readonly sha256: string;
}

/**
 * Signs a bundle's bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { signBundle, verifyBundleSignature } from "./bundle_signature.ts";
 * import { generateAuditorKey } from "./signing_key.ts";
 * const { key } = await generateAuditorKey("ES256");
 * const bundle = new TextEncoder().encode("a bundle");
 * const cose = await signBundle(bundle, key, { issuer: "packer.example", iat: 1767225600 });
 * assert((await verifyBundleSignature(cose, bundle, key.publicKey)).issuer === "packer.example");
 * ```
 */
export async function signBundle(
  bundle: Uint8Array,
  key: AuditorKey,
  claims: { readonly issuer: string; readonly iat: number },
): Promise<Uint8Array> {
  if (claims.issuer.length === 0) throw new AuditError("BUNDLE_INVALID", "Cannot sign bundle: iss is empty");
  const payload = await sha256(bundle);
  const protectedBytes = encodeCbor(
    new Map<number, CborInput>([
      [HEADER.ALG, key.coseAlg],
      [HEADER.CONTENT_TYPE, BUNDLE_DIGEST_CONTENT_TYPE],
      [HEADER.KID, utf8(key.kid)],
      [HEADER.CWT_CLAIMS, new Map<number, CborInput>([[CLAIM.ISS, claims.issuer], [CLAIM.IAT, claims.iat]])],
    ]),
  );
  const signature = await key.sign(sigStructure(protectedBytes, payload));
  return concat([
    new Uint8Array([0xd2, 0x84]),
    encodeCbor(protectedBytes),
    new Uint8Array([0xa0]),
    encodeCbor(payload),
    encodeCbor(signature),
  ]);
}

function malformed(detail: string): never {
  throw new AuditError("BUNDLE_INVALID", `Cannot read bundle signature: ${detail}`);
}

/**
 * Verifies a bundle signature against the bundle's bytes and the packer's public key. Another key or algorithm is
 * `REPORT_KEY_MISMATCH`, a bad signature `REPORT_SIGNATURE_INVALID`, another bundle `BUNDLE_TAMPERED` (these are
 * {@linkcode VerificationError}s); anything that is not a bundle signature is `BUNDLE_INVALID`.
 */
export async function verifyBundleSignature(
  cose: Uint8Array,
  bundle: Uint8Array,
  publicKey: PublicKey,
): Promise<BundleSignature> {
  const message = decodeCoseSign1(cose, { what: "bundle signature", requireTag: true });
  const header = message.protectedHeader;
  if (header.get(HEADER.CONTENT_TYPE) !== BUNDLE_DIGEST_CONTENT_TYPE) {
    malformed(`the content type is not "${BUNDLE_DIGEST_CONTENT_TYPE}"`);
  }
  if (message.payload === null || message.payload.length !== 32) malformed("the payload is not a 32-byte SHA-256");
  const expectedAlg = reportAlgorithmOf(publicKey, "packer public key");
  if (header.get(HEADER.ALG) !== reportAlgorithmId(expectedAlg)) {
    throw new VerificationError("REPORT_KEY_MISMATCH", `Bundle signature does not use the given key's ${expectedAlg}`);
  }
  const kid = await checkSignerKid(header.get(HEADER.KID), publicKey, "Bundle", malformed);
  if (!await verifyCoseSign1(message, publicKey)) {
    throw new VerificationError("REPORT_SIGNATURE_INVALID", "Bundle signature does not verify with the given key");
  }
  const digest = await sha256(bundle);
  if (!equalBytes(digest, message.payload)) {
    throw new VerificationError(
      "BUNDLE_TAMPERED",
      `Bundle signature is for SHA-256 ${toHex(message.payload)}, not for this bundle (${toHex(digest)})`,
    );
  }
  const cwt = header.get(HEADER.CWT_CLAIMS);
  const issuer = cwt instanceof Map ? cwt.get(CLAIM.ISS) : undefined;
  const iat = cwt instanceof Map ? epochSeconds(cwt.get(CLAIM.IAT)) : undefined;
  if (typeof issuer !== "string" || issuer.length === 0 || iat === undefined) {
    malformed("the CWT claims need iss (1) and iat (6)");
  }
  return { issuer, iat, kid, sha256: toHex(digest) };
}
