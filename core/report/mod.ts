/**
 * Audit reports: the model, its canonical JSON (RFC 8785), the signed form (a COSE_Sign1 signed statement by the
 * auditor's key), and the HTML and JUnit renderings.
 *
 * - {@linkcode encodeReport} / {@linkcode decodeReport}: `report.json` bytes, byte-identical for the same report.
 * - {@linkcode importAuditorKey}, {@linkcode importAuditorPublicKey}, {@linkcode generateAuditorKey}: the auditor key
 *   (ES256, ES384, EdDSA; PKCS#8 PEM, SPKI PEM or JWK).
 * - {@linkcode signReport} / {@linkcode verifySignedReport}: `report.cose`.
 * - {@linkcode renderHtml}, {@linkcode renderJunit}: `report.html` and `junit.xml`.
 *
 * @example Usage
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { encodeReport, generateAuditorKey, renderHtml, signReport, summarize, verifySignedReport } from "./mod.ts";
 *
 * const findings = [{ id: "statement.release.signature", status: "pass" as const, kind: "statement" as const,
 *   subject: "release", message: "signature valid", details: { svn: 3 } }];
 * const report = {
 *   format: "scitt-audit-report/1" as const, tool: { name: "scitt-audit" as const, version: "0.1.0" },
 *   title: "Release audit", subject: "contoso/app", evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   playbook: { name: "release", path: "release.yaml", sha256: "00".repeat(32) },
 *   inputs: [], findings, ...summarize(findings),
 * };
 * const json = encodeReport(report);
 * const { key } = await generateAuditorKey("EdDSA");
 * const cose = await signReport(json, key, { issuer: "auditor.example", subject: report.subject, iat: 1767225600 });
 * const verified = await verifySignedReport(cose, key.publicKey);
 * equal(verified.report.verdict, "pass");
 * match(renderHtml(verified.report), /Release audit/);
 * ```
 *
 * @module
 */

export { canonicalJson } from "./canonical_json.ts";
export {
  type AuditReport,
  type Finding,
  type FindingKind,
  type FindingStatus,
  type InputFile,
  type Json,
  REPORT_CONTENT_TYPE,
  summarize,
} from "./model.ts";
export { decodeReport, encodeReport } from "./report_json.ts";
export {
  type AuditorKey,
  generateAuditorKey,
  type GeneratedAuditorKey,
  importAuditorKey,
  importAuditorPublicKey,
  REPORT_ALGORITHMS,
  type ReportAlgorithm,
  reportAlgorithmOf,
} from "./signing_key.ts";
export { type ReportClaims, signReport, type VerifiedReport, verifySignedReport } from "./sign.ts";
export { escapeHtml, renderHtml } from "./html.ts";
export { escapeXml, renderJunit } from "./junit.ts";
