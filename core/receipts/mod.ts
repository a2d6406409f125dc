/**
 * Receipts: the service keys they are verified with (indexed by issuer, then kid), the receipt formats selected by
 * `vds` (CCF, RFC 9162 SHA-256) behind one header check, the key-set formats services publish, and the receipt
 * policy of the Azure SDKs.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { evaluateReceiptPolicy, receiptVerifier } from "./mod.ts";
 * equal(receiptVerifier(2)?.name, "CCF");
 * const decision = evaluateReceiptPolicy([{ issuer: "ledger.example", failure: undefined }], {
 *   authorizedDomains: ["ledger.example"],
 *   authorizedReceiptBehavior: "VerifyAllMatching",
 *   unauthorizedReceiptBehavior: "FailIfPresent",
 * });
 * equal(decision.ok, true);
 * ```
 *
 * @module
 */

export * from "./ccf.ts";
export * from "./key_sets.ts";
export * from "./policy.ts";
export * from "./receipt_header.ts";
export * from "./rfc9162/mod.ts";
export * from "./trust_store.ts";
export * from "./verifiers.ts";
