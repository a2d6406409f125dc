/**
 * SHA-256 in the WebAssembly Merkle core, for the small inputs of the Merkle layer.
 *
 * @module
 */

import { streamHash } from "./_wasm.ts";

/**
 * SHA-256 of bytes, computed in the WebAssembly core (for the small inputs of the Merkle layer; bulk file
 * digests use the runtime's native hashing).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { wasmSha256 } from "./sha256.ts";
 * import { toHex } from "../bytes.ts";
 * assert(toHex(wasmSha256(new TextEncoder().encode("abc"))).startsWith("ba7816bf"));
 * ```
 */
export function wasmSha256(bytes: Uint8Array): Uint8Array {
  if (!(bytes instanceof Uint8Array)) throw new TypeError(`Cannot hash: expected a Uint8Array, found ${typeof bytes}`);
  return streamHash(undefined, bytes);
}
