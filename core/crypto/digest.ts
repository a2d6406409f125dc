/**
 * Message digests through the runtime's native hashing.
 *
 * @module
 */

/** A hash function the project uses. */
export type HashName = "SHA-256" | "SHA-384" | "SHA-512";

/** Output length in bytes of each hash. */
export const HASH_LENGTH: Readonly<Record<HashName, number>> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

/**
 * Hashes bytes with the named function.
 *
 * @example
 * ```ts
 * import { digest } from "./digest.ts";
 * const d = await digest("SHA-384", new Uint8Array());
 * console.assert(d.length === 48);
 * ```
 */
export async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}

/**
 * SHA-256 of bytes.
 *
 * @example
 * ```ts
 * import { sha256 } from "./digest.ts";
 * console.assert((await sha256(new Uint8Array())).length === 32);
 * ```
 */
export function sha256(data: Uint8Array): Promise<Uint8Array> {
  return digest("SHA-256", data);
}
