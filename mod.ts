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
export {
  type CoseAlgorithm,
  coseAlgorithm,
  type CoseSign1,
  decodeCoseSign1,
  publicKeyFromCoseKey,
  readClaims,
  sigStructure,
  type StatementClaims,
  verifyCoseSign1,
} from "./core/cose/mod.ts";
export { type CoseDescription, describeCose } from "./core/cose/describe.ts";
export {
  type PublicKey,
  publicKeyFromJwk,
  publicKeyFromSpki,
  publicKeyToJwk,
  type SignatureScheme,
  verifySignature,
} from "./core/crypto/mod.ts";
export { type Certificate, parseCertificate, parseCertificates, resolveDidX509 } from "./core/x509/mod.ts";
export { ccfLeafHash, foldCcfPath } from "./core/merkle/mod.ts";
export {
  type AuthorizedReceiptBehavior,
  computeKid,
  decodeCcfProof,
  DEFAULT_RECEIPT_POLICY,
  evaluateReceiptPolicy,
  type KeySetFile,
  parseKeySet,
  type ReceiptPolicy,
  RFC9162_LEAF_RULES,
  type Rfc9162LeafRule,
  TrustStore,
  type UnauthorizedReceiptBehavior,
  verifyCcfReceipt,
  verifyRfc9162Receipt,
} from "./core/receipts/mod.ts";
export { importKeySet, type KeyImport, verifyTrustList } from "./core/trust/mod.ts";
export {
  claimsDigest,
  type ReceiptReport,
  type SignerPolicy,
  type StatementReport,
  statementReportJson,
  type StatementTrust,
  verifyTransparentStatement,
} from "./core/statement/mod.ts";
export { type Check, check, type CheckStatus } from "./core/check.ts";
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
  ledgerChecks,
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
