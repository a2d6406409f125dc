/**
 * One way to check the signatures Sigstore carries (DER ECDSA, Ed25519, RSA PKCS #1 v1.5) with a key, through
 * the project's `verifySignature`.
 *
 * @module
 */

import type { HashName } from "../crypto/digest.ts";
import { CURVE_BYTES, type PublicKey } from "../crypto/public_key.ts";
import { ecdsaDerToRaw, verifySignature } from "../crypto/signature.ts";

/** The hash ECDSA and RSA use with a key when nothing else says: SHA-256, or SHA-384 / SHA-512 for the larger curves. */
export function defaultHash(key: PublicKey): HashName {
  if (key.kty === "EC") return key.crv === "P-384" ? "SHA-384" : key.crv === "P-521" ? "SHA-512" : "SHA-256";
  return "SHA-256";
}

/**
 * Verifies a signature over `data` as Sigstore encodes it: ECDSA as DER `ECDSA-Sig-Value`, Ed25519 as 64 bytes,
 * RSA as PKCS #1 v1.5. Returns `false` for any wrong or malformed signature.
 */
export async function verifySigstoreSignature(
  key: PublicKey,
  data: Uint8Array,
  signature: Uint8Array,
  hash: HashName = defaultHash(key),
): Promise<boolean> {
  try {
    switch (key.kty) {
      case "EC":
        return await verifySignature(
          key,
          { name: "ECDSA", hash },
          data,
          ecdsaDerToRaw(signature, CURVE_BYTES[key.crv]),
        );
      case "OKP":
        return await verifySignature(key, { name: "Ed25519" }, data, signature);
      case "RSA":
        return await verifySignature(key, { name: "RSASSA-PKCS1-v1_5", hash }, data, signature);
    }
  } catch {
    return false;
  }
}
