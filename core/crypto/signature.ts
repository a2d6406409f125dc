/**
 * Signature verification for ECDSA (raw r‖s), RSA-PSS, RSASSA-PKCS1-v1_5 and Ed25519. ECDSA on P-256, P-384 and
 * P-521 and RSA with 1024- to 4096-bit moduli go to the project's WebAssembly signature core
 * (`signature_core.ts`), and so does ECDSA over a digest already computed; Ed25519 and anything the core does not
 * cover go to WebCrypto.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { DER, derChildren, derUnsigned, expectTag, readDer } from "../der.ts";
import { AuditError } from "../errors.ts";
import { CURVE_BYTES, type PublicKey } from "./public_key.ts";
import type { SignatureScheme } from "./scheme.ts";
import { coreSupports, coreVerify, coreVerifyEcdsaDigest } from "./signature_core.ts";

export type { SignatureScheme };

/**
 * Imported keys by scheme and SPKI bytes: every statement parses its own copy of its signer's certificate, and
 * thousands of statements share a few signers. Bounded, oldest forgotten first.
 */
const imported = new Map<string, Promise<CryptoKey>>();
const MAX_IMPORTED = 256;

function importParams(key: PublicKey, scheme: SignatureScheme): RsaHashedImportParams | EcKeyImportParams | Algorithm {
  switch (scheme.name) {
    case "ECDSA":
      if (key.kty !== "EC") break;
      return { name: "ECDSA", namedCurve: key.crv };
    case "RSA-PSS":
    case "RSASSA-PKCS1-v1_5":
      if (key.kty !== "RSA") break;
      return { name: scheme.name, hash: scheme.hash };
    case "Ed25519":
      if (key.kty !== "OKP") break;
      return { name: "Ed25519" };
  }
  throw new AuditError("KEY_UNSUPPORTED", `Cannot verify signature: a ${key.kty} key cannot verify ${scheme.name}`);
}

function cryptoKeyFor(key: PublicKey, scheme: SignatureScheme): Promise<CryptoKey> {
  const params = importParams(key, scheme);
  const cacheKey = scheme.name === "ECDSA" || scheme.name === "Ed25519" ? scheme.name : `${scheme.name}/${scheme.hash}`;
  const id = `${cacheKey}|${toHex(key.spki)}`;
  let pending = imported.get(id);
  if (!pending) {
    if (imported.size >= MAX_IMPORTED) imported.delete(imported.keys().next().value!);
    pending = crypto.subtle.importKey("spki", key.spki as Uint8Array<ArrayBuffer>, params, false, ["verify"]).catch(
      (cause) => {
        throw new AuditError("KEY_UNSUPPORTED", `Cannot import public key for ${scheme.name}: ${cause.message}`);
      },
    );
    imported.set(id, pending);
  }
  return pending;
}

function verifyParams(scheme: SignatureScheme): AlgorithmIdentifier | EcdsaParams | RsaPssParams {
  switch (scheme.name) {
    case "ECDSA":
      return { name: "ECDSA", hash: scheme.hash };
    case "RSA-PSS":
      return { name: "RSA-PSS", saltLength: scheme.saltLength };
    default:
      return { name: scheme.name };
  }
}

/**
 * Verifies a signature. Returns `false` for a wrong signature of any shape; throws only when the key cannot
 * be used with the scheme.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { verifySignature } from "./signature.ts";
 * import { publicKeyFromSpki } from "./public_key.ts";
 * const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as CryptoKeyPair;
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const data = new Uint8Array([1, 2, 3]);
 * const sig = new Uint8Array(await crypto.subtle.sign("Ed25519", pair.privateKey, data));
 * assert(await verifySignature(key, { name: "Ed25519" }, data, sig));
 * ```
 */
export function verifySignature(
  key: PublicKey,
  scheme: SignatureScheme,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  try {
    importParams(key, scheme); // throws when the key cannot verify the scheme at all
    if (coreSupports(key, scheme)) return Promise.resolve(coreVerify(key, scheme, data, signature));
  } catch (error) {
    return Promise.reject(error);
  }
  return verifyWithWebCrypto(key, scheme, data, signature);
}

/**
 * Verifies a raw `r‖s` ECDSA signature over a digest the caller computed, not hashed again (WebCrypto cannot:
 * a CCF node signs the ledger's Merkle root itself as the SHA-256 digest, and a Sigstore signature may be over an
 * artifact's digest). P-256, P-384 and P-521 keys, on the signature core; any other key is `false`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { verifyEcdsaDigest } from "./signature.ts";
 * import { publicKeyFromSpki } from "./public_key.ts";
 * const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-384" }, true, ["sign"]) as CryptoKeyPair;
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const message = new Uint8Array([1, 2, 3]);
 * const signature = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, message));
 * const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", message));
 * assert(verifyEcdsaDigest(key, digest, signature));
 * assert(!verifyEcdsaDigest(key, digest.map((b) => b ^ 1), signature));
 * ```
 */
export function verifyEcdsaDigest(key: PublicKey, digest: Uint8Array, signature: Uint8Array): boolean {
  if (key.kty !== "EC") return false;
  return coreVerifyEcdsaDigest(key, digest, signature);
}

/**
 * Verifies a signature with the runtime's WebCrypto only (the path {@linkcode verifySignature} takes for
 * Ed25519 and what the core does not cover); for differential tests and benchmarks.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { verifyWithWebCrypto } from "./signature.ts";
 * import { publicKeyFromSpki } from "./public_key.ts";
 * const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as CryptoKeyPair;
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const data = new Uint8Array([1, 2, 3]);
 * const sig = new Uint8Array(await crypto.subtle.sign("Ed25519", pair.privateKey, data));
 * assert(await verifyWithWebCrypto(key, { name: "Ed25519" }, data, sig));
 * ```
 */
export async function verifyWithWebCrypto(
  key: PublicKey,
  scheme: SignatureScheme,
  data: Uint8Array,
  signature: Uint8Array,
): Promise<boolean> {
  const cryptoKey = await cryptoKeyFor(key, scheme);
  if (key.kty === "EC" && signature.length !== 2 * CURVE_BYTES[key.crv]) return false;
  if (key.kty === "OKP" && signature.length !== 64) return false;
  if (key.kty === "RSA" && signature.length !== key.n.length) return false;
  try {
    return await crypto.subtle.verify(
      verifyParams(scheme),
      cryptoKey,
      signature as Uint8Array<ArrayBuffer>,
      data as Uint8Array<ArrayBuffer>,
    );
  } catch {
    return false;
  }
}

/**
 * Converts a DER `ECDSA-Sig-Value` (as in X.509) to raw `r‖s` of the given field size.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ecdsaDerToRaw } from "./signature.ts";
 * const raw = ecdsaDerToRaw(new Uint8Array([0x30, 0x06, 0x02, 0x01, 0x01, 0x02, 0x01, 0x02]), 32);
 * assert(raw.length === 64 && raw[31] === 1 && raw[63] === 2);
 * ```
 */
export function ecdsaDerToRaw(der: Uint8Array, fieldBytes: number): Uint8Array {
  const parts = derChildren(expectTag(readDer(der), DER.SEQUENCE, "ECDSA-Sig-Value"));
  if (parts.length !== 2) {
    throw new AuditError("DER_MALFORMED", `Cannot decode ECDSA signature: expected 2 integers, found ${parts.length}`);
  }
  const out = new Uint8Array(2 * fieldBytes);
  parts.forEach((part, i) => {
    const magnitude = derUnsigned(part);
    if (magnitude.length > fieldBytes) {
      throw new AuditError("DER_MALFORMED", `Cannot decode ECDSA signature: integer longer than ${fieldBytes} bytes`);
    }
    out.set(magnitude, (i + 1) * fieldBytes - magnitude.length);
  });
  return out;
}
