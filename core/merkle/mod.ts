/**
 * The Merkle core: SHA-256, CCF path folds and RFC 9162 inclusion and consistency proofs, computed by the
 * project's own WebAssembly module (`wasm/merkle.wasm`, built from `wasm/src/`). This file is the only door to
 * it: every length and bound is checked here before a byte reaches WebAssembly, and a refused input throws a
 * {@linkcode VerificationError} with code `RECEIPT_PROOF_INVALID`. All functions are synchronous.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { foldCcfPath, wasmSha256 } from "./mod.ts";
 * const leaf = wasmSha256(new TextEncoder().encode("entry"));
 * const root = foldCcfPath(leaf, [{ left: false, hash: new Uint8Array(32) }]);
 * assert(root.length === 32);
 * ```
 *
 * @module
 */

export * from "./ccf.ts";
export * from "./model.ts";
export * from "./rfc9162.ts";
export * from "./sha256.ts";
