/**
 * Message digests through the runtime's native hashing: `node:crypto` where the runtime offers it (Deno, Node,
 * Bun), WebCrypto elsewhere. Under Deno here a WebCrypto digest of 64 bytes costs about 49 µs, most of it the
 * asynchronous call; `node:crypto` hashes the same bytes in about 3 µs, and a statement needs several digests.
 *
 * @module
 */

/** A hash function the project uses. */
export type HashName = "SHA-256" | "SHA-384" | "SHA-512";

/** Output length in bytes of each hash. */
export const HASH_LENGTH: Readonly<Record<HashName, number>> = { "SHA-256": 32, "SHA-384": 48, "SHA-512": 64 };

const NODE_HASH: Readonly<Record<HashName, string>> = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

/** The runtime's synchronous hashing, or `undefined` where there is no `node:crypto` (a browser). */
const nativeHash = await import("node:crypto").then(
  ({ createHash }) => (hash: HashName, data: Uint8Array) =>
    new Uint8Array(createHash(NODE_HASH[hash]).update(data).digest()),
  () => undefined,
);

/**
 * Hashes bytes with the named function.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { digest } from "./digest.ts";
 * const d = await digest("SHA-384", new Uint8Array());
 * assert(d.length === 48);
 * ```
 */
export async function digest(hash: HashName, data: Uint8Array): Promise<Uint8Array> {
  if (nativeHash) return nativeHash(hash, data);
  return new Uint8Array(await crypto.subtle.digest(hash, data as Uint8Array<ArrayBuffer>));
}

/**
 * SHA-256 of bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { sha256 } from "./digest.ts";
 * assert((await sha256(new Uint8Array())).length === 32);
 * ```
 */
export function sha256(data: Uint8Array): Promise<Uint8Array> {
  return digest("SHA-256", data);
}
