/**
 * scitt-audit: an offline auditor for SCITT / Microsoft Signing Transparency evidence.
 *
 * The library verifies transparent statements (COSE_Sign1 with CCF receipts) with no network: the statement
 * signature with its x5chain leaf, the did:x509 issuer, every receipt against the statement with its issuer's
 * own keys, and the receipt policy of the Azure Code Transparency SDKs. It runs audit playbooks into signed
 * reports, reads audit bundles, verifies SEV-SNP / UVM / MAA attestation evidence, audits a CCF service's whole
 * ledger from its chunk files, and verifies Sigstore bundles against a trusted root. It touches no file system,
 * clock or environment: it takes bytes and returns typed results.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { DEFAULT_RECEIPT_POLICY, importKeySet, TrustStore, verifyTransparentStatement } from "./mod.ts";
 *
 * const fixture = (path: string) => Deno.readFileSync(new URL(`./fixtures/mst/${path}`, import.meta.url));
 * const trustStore = new TrustStore();
 * const issuers = ["ledger.contoso.example", "ledger.fabrikam.example"];
 * for (const issuer of issuers) {
 *   await importKeySet(trustStore, fixture(`keys/${issuer}.jwks.json`), { name: `${issuer}.jwks.json`, issuer });
 * }
 * const report = await verifyTransparentStatement(fixture("statements/release-1.2.cose"), {
 *   trustStore,
 *   policy: { ...DEFAULT_RECEIPT_POLICY, authorizedDomains: issuers },
 *   signers: { issuers: ["did:x509:0:sha256:abTSBNGDIuygAa3IU27s5OY0LXo6uaTRMHRRP6QlSQU::eku:1.3.6.1.5.5.7.3.36"] },
 * });
 * equal(report.valid, true);
 * equal(report.statement.subject, "contoso-ledger");
 * equal(report.receipts.filter((receipt) => receipt.valid).length, 2);
 * ```
 *
 * @module
 */

export { AuditError, type ErrorCode, isMalformedCode, PolicyError, VerificationError } from "./core/errors.ts";
export { CborReader, CborTag, type CborValue, decodeCbor } from "./core/cbor.ts";
export { type CoseSign1, decodeCoseSign1, sigStructure, verifyCoseSign1 } from "./core/cose/sign1.ts";
export { type CoseAlgorithm, coseAlgorithm } from "./core/cose/algorithms.ts";
export { readClaims, type StatementClaims } from "./core/cose/claims.ts";
export { publicKeyFromCoseKey } from "./core/cose/key.ts";
export { type CoseDescription, describeCose } from "./core/cose/describe.ts";
export { type PublicKey, publicKeyFromJwk, publicKeyFromSpki, publicKeyToJwk } from "./core/crypto/public_key.ts";
export { type SignatureScheme, verifySignature } from "./core/crypto/signature.ts";
export { type Certificate, parseCertificate, parseCertificates } from "./core/x509/certificate.ts";
export { resolveDidX509 } from "./core/x509/did_x509.ts";
export { ccfLeafHash, decodeCcfProof, foldCcfPath, verifyCcfReceipt } from "./core/receipts/ccf.ts";
export {
  type AuthorizedReceiptBehavior,
  DEFAULT_RECEIPT_POLICY,
  evaluateReceiptPolicy,
  type ReceiptPolicy,
  type UnauthorizedReceiptBehavior,
} from "./core/receipts/policy.ts";
export { computeKid, TrustStore } from "./core/receipts/trust_store.ts";
export { type KeySetFile, parseKeySet } from "./core/receipts/key_sets.ts";
export { importKeySet, type KeyImport } from "./core/trust/import_keys.ts";
export { verifyTrustList } from "./core/trust/trust_list.ts";
export {
  claimsDigest,
  type ReceiptReport,
  type StatementReport,
  verifyTransparentStatement,
} from "./core/statement/mod.ts";
export { RFC9162_LEAF_RULES, type Rfc9162LeafRule, verifyRfc9162Receipt } from "./core/receipts/rfc9162/mod.ts";
export { loadPlaybook, type Playbook, PlaybookError, runPlaybook } from "./core/playbook/mod.ts";
export {
  type AuditReport,
  canonicalJson,
  type Finding,
  importAuditorKey,
  importAuditorPublicKey,
  renderHtml,
  renderJunit,
  signReport,
  verifySignedReport,
} from "./core/report/mod.ts";
export { encodeBundle, readBundle } from "./core/bundle/mod.ts";
export {
  AMD_ROOTS,
  parseNodeQuotes,
  parseSnpReport,
  verifyAttestedService,
  verifyMaaToken,
  verifyNodeQuotes,
  verifySnpReport,
  verifyUvmEndorsement,
} from "./core/attestation/mod.ts";
export {
  compareLedgers,
  IssuerPatterns,
  LEDGER_LEVELS,
  LedgerAudit,
  type LedgerAuditOptions,
  type LedgerEntry,
  type LedgerFinding,
  type LedgerLevel,
  type LedgerState,
  type LedgerSummary,
  parseChunkName,
  parseWorkingHours,
  planChunks,
  receiptClaims,
} from "./core/ledger/mod.ts";
export { parseTrustedRoot, type SigstoreVerifyOptions, verifySigstoreBundle } from "./core/sigstore/mod.ts";
