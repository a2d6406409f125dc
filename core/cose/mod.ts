/**
 * COSE as statements and receipts use it: COSE_Sign1 decoding (raw spans kept, so signatures are checked over the
 * bytes received), `Sig_structure`, algorithms, keys, header and claim labels, and the CWT claims of a statement.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeCoseSign1, readClaims } from "./mod.ts";
 * const bytes = Deno.readFileSync(new URL("../../fixtures/mst/statements/release-1.2.cose", import.meta.url));
 * const message = decodeCoseSign1(bytes);
 * equal(readClaims(message.protectedHeader).subject, "contoso-ledger");
 * ```
 *
 * @module
 */

export * from "./algorithms.ts";
export * from "./claims.ts";
export * from "./key.ts";
export * from "./labels.ts";
export * from "./sign1.ts";
