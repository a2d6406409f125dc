/**
 * Keys, digests and signatures: public keys from SPKI, JWK and their parts; SHA-2 digests (native where the
 * runtime has them); signature verification on the WebAssembly signature core for RSA and ECDSA (WebCrypto for
 * Ed25519).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { toHex } from "../bytes.ts";
 * import { sha256 } from "./mod.ts";
 * equal(toHex(await sha256(new TextEncoder().encode("abc"))).slice(0, 8), "ba7816bf");
 * ```
 *
 * @module
 */

export * from "./digest.ts";
export * from "./public_key.ts";
export * from "./scheme.ts";
export * from "./signature.ts";
