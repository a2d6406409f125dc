/**
 * The statement pipeline: a transparent statement (COSE_Sign1 with receipts in header 394) verified offline —
 * signature with the x5chain leaf, did:x509 issuer, every receipt with its issuer's own keys, the receipt policy and
 * the signer policy — into a {@linkcode StatementReport} with its checks.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { TrustStore } from "../receipts/trust_store.ts";
 * import { statementReportJson, verifyTransparentStatement } from "./mod.ts";
 * const bytes = Deno.readFileSync(new URL("../../fixtures/mst/statements/release-1.2.cose", import.meta.url));
 * const report = await verifyTransparentStatement(bytes, { trustStore: new TrustStore() });
 * equal(report.valid, false);
 * equal(statementReportJson(report).valid, false);
 * ```
 *
 * @module
 */

export * from "./model.ts";
export * from "./verify.ts";
export * from "./json.ts";
export * from "./signer_policy.ts";
