/**
 * Certificate signature algorithms (RFC 5280 §4.1.1.2): the AlgorithmIdentifier mapped to a WebCrypto
 * scheme, and verification of a certificate's signature with its issuer's key.
 *
 * @module
 */

import { DER, derChildren, type DerNode, derOid, derSmallInt, expectTag, readDer } from "../der.ts";
import type { HashName } from "../crypto/digest.ts";
import { CURVE_BYTES, type PublicKey } from "../crypto/public_key.ts";
import { ecdsaDerToRaw, type SignatureScheme, verifySignature } from "../crypto/signature.ts";
import { malformed } from "./_der_helpers.ts";

/** A certificate's signature algorithm. */
export interface SignatureAlgorithm {
  /** Dotted algorithm OID, e.g. `"1.2.840.10045.4.3.2"`. */
  readonly oid: string;
  /** A readable name, e.g. `"ecdsa-with-SHA256"`; the OID when unknown. */
  readonly name: string;
  /** The scheme to verify with; absent when the algorithm or its parameters are not supported. */
  readonly scheme?: SignatureScheme;
}

const HASH_OIDS: Readonly<Record<string, HashName>> = {
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};
const OID_RSASSA_PSS = "1.2.840.113549.1.1.10";
const OID_MGF1 = "1.2.840.113549.1.1.8";

/** Algorithms whose parameters are NULL (RSA PKCS #1 v1.5) or absent (ECDSA, EdDSA). */
const FIXED: Readonly<Record<string, { name: string; scheme: SignatureScheme; nullParameters: boolean }>> = {
  "1.2.840.113549.1.1.11": {
    name: "sha256WithRSAEncryption",
    scheme: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" },
    nullParameters: true,
  },
  "1.2.840.113549.1.1.12": {
    name: "sha384WithRSAEncryption",
    scheme: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-384" },
    nullParameters: true,
  },
  "1.2.840.113549.1.1.13": {
    name: "sha512WithRSAEncryption",
    scheme: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" },
    nullParameters: true,
  },
  "1.2.840.10045.4.3.2": {
    name: "ecdsa-with-SHA256",
    scheme: { name: "ECDSA", hash: "SHA-256" },
    nullParameters: false,
  },
  "1.2.840.10045.4.3.3": {
    name: "ecdsa-with-SHA384",
    scheme: { name: "ECDSA", hash: "SHA-384" },
    nullParameters: false,
  },
  "1.2.840.10045.4.3.4": {
    name: "ecdsa-with-SHA512",
    scheme: { name: "ECDSA", hash: "SHA-512" },
    nullParameters: false,
  },
  "1.3.101.112": { name: "Ed25519", scheme: { name: "Ed25519" }, nullParameters: false },
};

/**
 * Reads a signature AlgorithmIdentifier. Unknown algorithms (SHA-1, DSA, ...) and RSASSA-PSS parameters
 * WebCrypto cannot express (SHA-1, an MGF1 hash that differs from the message hash) give no `scheme`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseSignatureAlgorithm } from "./signature_algorithm.ts";
 * // SEQUENCE { 1.2.840.10045.4.3.2 }
 * const der = new Uint8Array([0x30, 0x0a, 0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02]);
 * assert(parseSignatureAlgorithm(der).name === "ecdsa-with-SHA256");
 * ```
 */
export function parseSignatureAlgorithm(der: Uint8Array): SignatureAlgorithm {
  const [oidNode, parameters, extra] = derChildren(expectTag(readDer(der), DER.SEQUENCE, "AlgorithmIdentifier"));
  const oid = derOid(expectTag(oidNode, DER.OID, "algorithm"));
  if (extra) malformed(`AlgorithmIdentifier ${oid} has more than two fields`);
  const fixed = FIXED[oid];
  if (fixed) {
    checkNullOrAbsent(parameters, oid, fixed.nullParameters);
    return { oid, name: fixed.name, scheme: fixed.scheme };
  }
  if (oid === OID_RSASSA_PSS) {
    const scheme = pssScheme(expectTag(parameters, DER.SEQUENCE, "RSASSA-PSS-params"));
    return scheme ? { oid, name: "RSASSA-PSS", scheme } : { oid, name: "RSASSA-PSS" };
  }
  return { oid, name: oid };
}

function checkNullOrAbsent(parameters: DerNode | undefined, oid: string, nullAllowed: boolean): void {
  if (!parameters) return;
  if (!nullAllowed || parameters.tag !== DER.NULL || parameters.value.length !== 0) {
    malformed(`algorithm ${oid} has unexpected parameters`);
  }
}

/** RSASSA-PSS-params (RFC 4055 §3.1); defaults are SHA-1, MGF1-SHA-1 and salt 20, which WebCrypto-era code rejects. */
function pssScheme(parameters: DerNode): SignatureScheme | undefined {
  let hash: HashName | undefined;
  let maskHash: HashName | undefined;
  let saltLength = 20;
  for (const field of derChildren(parameters)) {
    const [inner, extra] = derChildren(field);
    if (!inner || extra) malformed(`RSASSA-PSS-params field 0x${field.tag.toString(16)} must hold one value`);
    if (field.tag === 0xa0) hash = hashAlgorithm(inner);
    else if (field.tag === 0xa1) maskHash = mgf1Hash(inner);
    else if (field.tag === 0xa2) saltLength = derSmallInt(inner);
    else if (field.tag === 0xa3) {
      if (derSmallInt(inner) !== 1) malformed("RSASSA-PSS trailerField must be 1");
    } else malformed(`RSASSA-PSS-params has an unknown field 0x${field.tag.toString(16)}`);
  }
  if (!hash || hash !== maskHash) return undefined;
  return { name: "RSA-PSS", hash, saltLength };
}

function hashAlgorithm(node: DerNode): HashName | undefined {
  const [oidNode, parameters] = derChildren(expectTag(node, DER.SEQUENCE, "HashAlgorithm"));
  const oid = derOid(expectTag(oidNode, DER.OID, "hash algorithm"));
  checkNullOrAbsent(parameters, oid, true);
  return HASH_OIDS[oid];
}

function mgf1Hash(node: DerNode): HashName | undefined {
  const [oidNode, parameters] = derChildren(expectTag(node, DER.SEQUENCE, "MaskGenAlgorithm"));
  if (derOid(expectTag(oidNode, DER.OID, "mask generation algorithm")) !== OID_MGF1) return undefined;
  return hashAlgorithm(expectTag(parameters, DER.SEQUENCE, "MGF1 hash algorithm"));
}

/** The parts of a certificate (or CRL) that its signature covers. */
export interface SignedObject {
  /** The signed bytes (the DER of tbsCertificate). */
  readonly tbs: Uint8Array;
  /** The signature algorithm. */
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** The signature bytes as encoded (DER `ECDSA-Sig-Value` for ECDSA). */
  readonly signature: Uint8Array;
}

/**
 * Verifies a certificate's signature with its issuer's key. Returns `false` for a wrong signature, a key that
 * does not fit the algorithm, a malformed ECDSA signature, or an unsupported algorithm (no `scheme`).
 * ECDSA signatures are converted to `r‖s` at the issuer key's field size.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { verifyCertificateSignature } from "./signature_algorithm.ts";
 * import { publicKeyFromSpki } from "../crypto/public_key.ts";
 * const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as CryptoKeyPair;
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const tbs = new Uint8Array([0x30, 0x00]);
 * const signature = new Uint8Array(await crypto.subtle.sign("Ed25519", pair.privateKey, tbs));
 * const signed = { tbs, signature, signatureAlgorithm: { oid: "1.3.101.112", name: "Ed25519", scheme: { name: "Ed25519" } } } as const;
 * assert(await verifyCertificateSignature(signed, key));
 * ```
 */
export async function verifyCertificateSignature(signed: SignedObject, issuerKey: PublicKey): Promise<boolean> {
  const scheme = signed.signatureAlgorithm.scheme;
  if (!scheme) return false;
  let signature = signed.signature;
  switch (scheme.name) {
    case "ECDSA":
      if (issuerKey.kty !== "EC") return false;
      try {
        signature = ecdsaDerToRaw(signature, CURVE_BYTES[issuerKey.crv]);
      } catch {
        return false;
      }
      break;
    case "RSA-PSS":
    case "RSASSA-PKCS1-v1_5":
      if (issuerKey.kty !== "RSA") return false;
      break;
    case "Ed25519":
      if (issuerKey.kty !== "OKP") return false;
      break;
  }
  return await verifySignature(issuerKey, scheme, signed.tbs, signature);
}
