/**
 * `report.cose`: a report as a signed statement (COSE_Sign1, tag 18) whose payload is exactly the canonical
 * report bytes, with alg, kid, content type and CWT claims (iss = the auditor, sub = the audited subject, iat)
 * in the protected header, so a transparency service could register it.
 *
 * @module
 */

import { concat, utf8 } from "../bytes.ts";
import { AuditError, VerificationError } from "../errors.ts";
import type { PublicKey } from "../crypto/public_key.ts";
import { algorithmName } from "../cose/algorithms.ts";
import { epochSeconds } from "../cose/claims.ts";
import { CLAIM, HEADER } from "../cose/labels.ts";
import { decodeCoseSign1, sigStructure, verifyCoseSign1 } from "../cose/sign1.ts";
import { type CborInput, encodeCbor } from "../cbor_encode.ts";
import { type AuditReport, REPORT_CONTENT_TYPE } from "./model.ts";
import { decodeReport } from "./report_json.ts";
import { type AuditorKey, checkSignerKid, reportAlgorithmId, reportAlgorithmOf } from "./signing_key.ts";

/** The CWT claims of a signed report. */
export interface ReportClaims {
  /** `iss`: the auditor, e.g. `auditor.example` (any non-empty text). */
  readonly issuer: string;
  /** `sub`: the audited subject; it must equal the report's `subject`. */
  readonly subject: string;
  /** `iat`: when the report was signed, seconds since the epoch. */
  readonly iat: number;
}

function malformed(detail: string): never {
  throw new AuditError("REPORT_MALFORMED", `Cannot verify signed report: ${detail}`);
}

/**
 * Signs canonical report bytes as a tagged COSE_Sign1 with an attached payload.
 *
 * The bytes must be a report as {@linkcode encodeReport} writes it (anything else is `REPORT_MALFORMED`), and
 * `claims.subject` must be the report's subject, so that every signed report also verifies.
 *
 * @param reportJson The report bytes, as {@linkcode encodeReport} writes them.
 * @param key The auditor's private key.
 * @param claims The CWT claims: `iss`, `sub` and `iat`.
 * @returns The tagged COSE_Sign1 (`report.cose`).
 * @throws {AuditError} `REPORT_MALFORMED` when the bytes are not a report, `sub` is not its subject or `iss` is empty.
 * @throws {RangeError} When `iat` is not a non-negative integer.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { signReport, verifySignedReport } from "./sign.ts";
 * import { generateAuditorKey } from "./signing_key.ts";
 * import { encodeReport } from "./report_json.ts";
 * import { summarize } from "./model.ts";
 * const json = encodeReport({
 *   format: "scitt-audit-report/1", tool: { name: "scitt-audit", version: "0.1.0" }, title: "Demo", subject: "demo",
 *   playbook: { name: "demo", path: "demo.yaml", sha256: "00".repeat(32) }, evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   inputs: [], findings: [], ...summarize([]),
 * });
 * const { key } = await generateAuditorKey("ES256");
 * const cose = await signReport(json, key, { issuer: "auditor.example", subject: "demo", iat: 1767225600 });
 * const verified = await verifySignedReport(cose, key.publicKey);
 * equal(verified.report.subject, "demo");
 * equal(verified.claims.issuer, "auditor.example");
 * ```
 */
export async function signReport(reportJson: Uint8Array, key: AuditorKey, claims: ReportClaims): Promise<Uint8Array> {
  const report = decodeReport(reportJson);
  if (claims.subject !== report.subject) {
    throw new AuditError(
      "REPORT_MALFORMED",
      `Cannot sign report: sub "${claims.subject}" is not the report subject "${report.subject}"`,
    );
  }
  if (claims.issuer.length === 0) throw new AuditError("REPORT_MALFORMED", "Cannot sign report: iss is empty");
  if (!Number.isSafeInteger(claims.iat) || claims.iat < 0) {
    throw new RangeError(`Cannot sign report: iat ${claims.iat} is not a non-negative integer`);
  }
  // Keys in ascending order (RFC 8949 §4.2.1 deterministic encoding): alg 1, content type 3, kid 4, CWT claims 15.
  const protectedBytes = encodeCbor(
    new Map<number, CborInput>([
      [HEADER.ALG, key.coseAlg],
      [HEADER.CONTENT_TYPE, REPORT_CONTENT_TYPE],
      [HEADER.KID, utf8(key.kid)],
      [
        HEADER.CWT_CLAIMS,
        new Map<number, CborInput>([[CLAIM.ISS, claims.issuer], [CLAIM.SUB, claims.subject], [
          CLAIM.IAT,
          claims.iat,
        ]]),
      ],
    ]),
  );
  const signature = await key.sign(sigStructure(protectedBytes, reportJson));
  return concat([
    new Uint8Array([0xd2, 0x84]), // tag 18, array of 4
    encodeCbor(protectedBytes),
    new Uint8Array([0xa0]), // empty unprotected header
    encodeCbor(reportJson),
    encodeCbor(signature),
  ]);
}

/** A signed report that verified. */
export interface VerifiedReport {
  /** The report. */
  readonly report: AuditReport;
  /** Its canonical JSON, the payload as received. */
  readonly json: Uint8Array;
  /** Its CWT claims. */
  readonly claims: ReportClaims;
  /** The kid of the key that signed it (lowercase hex SHA-256 of its SPKI). */
  readonly kid: string;
  /** The algorithm name, e.g. `ES256`. */
  readonly alg: string;
}

function readReportClaims(header: ReadonlyMap<unknown, unknown>): ReportClaims {
  const cwt = header.get(HEADER.CWT_CLAIMS);
  if (!(cwt instanceof Map)) malformed("no CWT claims (label 15) in the protected header");
  const issuer = cwt.get(CLAIM.ISS);
  const subject = cwt.get(CLAIM.SUB);
  const iat = epochSeconds(cwt.get(CLAIM.IAT));
  if (typeof issuer !== "string" || issuer.length === 0) malformed("the CWT claims have no iss (1) text");
  if (typeof subject !== "string") malformed("the CWT claims have no sub (2) text");
  if (iat === undefined) malformed("the CWT claims have no iat (6) integer");
  return { issuer, subject, iat };
}

/**
 * Verifies a signed report with the auditor's public key: tag 18 and an attached payload; alg and kid naming that
 * key; the signature over the bytes as received; the report content type; a report that parses and is already
 * canonical JSON; `sub` equal to the report's subject.
 *
 * Errors: `COSE_MALFORMED` / `CBOR_MALFORMED` (not a COSE_Sign1), `REPORT_MALFORMED` (not a signed report),
 * `REPORT_KEY_MISMATCH` (signed by another key or algorithm) and `REPORT_SIGNATURE_INVALID`; the last two are
 * {@linkcode VerificationError}s.
 *
 * @param cose The signed report (`report.cose`).
 * @param publicKey The auditor's public key.
 * @returns The report and the claims it was signed with.
 * @throws {AuditError} `COSE_MALFORMED`, `CBOR_MALFORMED` or `REPORT_MALFORMED` when it is not a signed report.
 * @throws {VerificationError} `REPORT_KEY_MISMATCH` or `REPORT_SIGNATURE_INVALID`.
 *
 * @example Usage
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { verifySignedReport } from "./sign.ts";
 * import { generateAuditorKey } from "./signing_key.ts";
 * const { key } = await generateAuditorKey("EdDSA");
 * const unsigned = new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0xf6, 0x40]);
 * await rejects(verifySignedReport(unsigned, key.publicKey), { code: "REPORT_MALFORMED" });
 * ```
 */
export async function verifySignedReport(cose: Uint8Array, publicKey: PublicKey): Promise<VerifiedReport> {
  const message = decodeCoseSign1(cose, { what: "signed report", requireTag: true });
  if (message.payload === null) malformed("the payload is detached; a signed report carries its report");
  const header = message.protectedHeader;
  const expectedAlg = reportAlgorithmOf(publicKey);
  const alg = header.get(HEADER.ALG);
  if (alg !== reportAlgorithmId(expectedAlg)) {
    throw new VerificationError(
      "REPORT_KEY_MISMATCH",
      `Signed report uses algorithm ${algorithmName(alg)}, but the given key signs with ${expectedAlg}`,
    );
  }
  const kid = await checkSignerKid(header.get(HEADER.KID), publicKey, "Signed report", malformed);
  if (!await verifyCoseSign1(message, publicKey)) {
    throw new VerificationError(
      "REPORT_SIGNATURE_INVALID",
      "Signed report signature does not verify with the given key",
    );
  }
  const contentType = header.get(HEADER.CONTENT_TYPE);
  if (contentType !== REPORT_CONTENT_TYPE) {
    malformed(`content type is ${JSON.stringify(contentType ?? null)}, expected "${REPORT_CONTENT_TYPE}"`);
  }
  const claims = readReportClaims(header);
  const report = decodeReport(message.payload);
  if (claims.subject !== report.subject) {
    malformed(`sub "${claims.subject}" is not the report subject "${report.subject}"`);
  }
  return { report, json: message.payload, claims, kid, alg: expectedAlg };
}
