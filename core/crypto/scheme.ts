/**
 * Signature schemes with their parameters, as the COSE and X.509 algorithm tables name them.
 *
 * @module
 */

import type { HashName } from "./digest.ts";

/** A signature scheme with its parameters. ECDSA signatures are raw `r‖s` (IEEE P1363). */
export type SignatureScheme =
  | { readonly name: "ECDSA"; readonly hash: HashName }
  | { readonly name: "RSA-PSS"; readonly hash: HashName; readonly saltLength: number }
  | { readonly name: "RSASSA-PKCS1-v1_5"; readonly hash: HashName }
  | { readonly name: "Ed25519" };
