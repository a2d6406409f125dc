/**
 * The audit report model: one finding per check, digests of every input, the tool version, the evaluation
 * time and a verdict. Rendered as canonical JSON (RFC 8785), signed as a COSE_Sign1, and as HTML and JUnit.
 *
 * @module
 */

import type { Check, CheckStatus } from "../check.ts";
import type { Json } from "./canonical_json.ts";

export type { Json };

/** The outcome of one check. */
export type FindingStatus = CheckStatus;

/** The kinds of evidence a finding can concern. */
export type FindingKind =
  | "playbook"
  | "trust"
  | "statement"
  | "receipt"
  | "measurement"
  | "artifact"
  | "attestation"
  | "ledger"
  | "sigstore"
  | "provenance";

/**
 * One check of the audit, placed in the report: a core {@linkcode Check} whose id is made unique in the report
 * (e.g. `statement.release.signature`, `measurement.2`), with the kind and subject of the evidence it concerns.
 */
export interface Finding extends Check {
  /** The kind of evidence, for grouping. */
  readonly kind: FindingKind;
  /** The evidence it concerns, e.g. `release` (a statement id) or `evidence/bin/app.tar`. */
  readonly subject: string;
}

/** A file the audit read, with its digest. */
export interface InputFile {
  /** The path as the playbook names it (relative to the playbook's folder). */
  readonly path: string;
  /** What it was used as, e.g. `statement`, `keys`, `artifact`, `playbook`. */
  readonly role: string;
  /** Hex SHA-256 of its bytes. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly size: number;
}

/** The report of one audit run. */
export interface AuditReport {
  /** Report format identifier. */
  readonly format: "scitt-audit-report/1";
  /** The tool that produced it. */
  readonly tool: { readonly name: "scitt-audit"; readonly version: string };
  /** The report title (playbook `report.title`, else the playbook name). */
  readonly title: string;
  /** The audited subject (playbook `report.subject`, else the playbook name). */
  readonly subject: string;
  /** The playbook that was run. */
  readonly playbook: { readonly name: string; readonly path: string; readonly sha256: string };
  /** The evaluation time, ISO-8601 UTC (`at:` in the playbook, or the time of the run). */
  readonly evaluatedAt: string;
  /** Every input file with its digest, in the order first read. */
  readonly inputs: readonly InputFile[];
  /** The findings, in evaluation order. */
  readonly findings: readonly Finding[];
  /** Counts per status. */
  readonly summary: { readonly pass: number; readonly fail: number; readonly warn: number; readonly skip: number };
  /** `pass` when no finding failed. */
  readonly verdict: "pass" | "fail";
}

/** Content type of a report, in `report.cose` and wherever the JSON is served. */
export const REPORT_CONTENT_TYPE = "application/vnd.scitt-audit.report+json";

/**
 * Counts findings per status and decides the verdict.
 *
 * @param findings The findings.
 * @returns The count per status, and the verdict: `fail` when any finding failed, else `pass`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { summarize } from "./model.ts";
 * const s = summarize([{ id: "a", status: "pass", kind: "statement", subject: "x", message: "ok" }]);
 * equal(s.verdict, "pass");
 * equal(s.summary.pass, 1);
 * ```
 */
export function summarize(findings: readonly Finding[]): Pick<AuditReport, "summary" | "verdict"> {
  const summary = { pass: 0, fail: 0, warn: 0, skip: 0 };
  for (const f of findings) summary[f.status]++;
  return { summary, verdict: summary.fail > 0 ? "fail" : "pass" };
}
