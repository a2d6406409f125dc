/**
 * `report.json`: a report as canonical JSON bytes, and the strict reading back that a signed report needs
 * (the shape of {@linkcode AuditReport}, consistent counts, and bytes already in canonical form).
 *
 * @module
 */

import { equalBytes, fromUtf8, utf8 } from "../bytes.ts";
import { AuditError } from "../errors.ts";
import { canonicalJson } from "./canonical_json.ts";
import { KIND_ORDER, STATUS_ORDER } from "./_grouping.ts";
import { type AuditReport, type Json, summarize } from "./model.ts";

/**
 * Encodes a report as canonical JSON (RFC 8785) in UTF-8: the bytes of `report.json` and of a signed report's payload.
 *
 * @param report The report.
 * @returns The `report.json` bytes.
 *
 * @example Usage
 * ```ts
 * import { match } from "node:assert/strict";
 * import { encodeReport } from "./report_json.ts";
 * import { summarize } from "./model.ts";
 * const bytes = encodeReport({
 *   format: "scitt-audit-report/1", tool: { name: "scitt-audit", version: "0.1.0" }, title: "Demo", subject: "demo",
 *   playbook: { name: "demo", path: "demo.yaml", sha256: "00".repeat(32) }, evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   inputs: [], findings: [], ...summarize([]),
 * });
 * match(new TextDecoder().decode(bytes), /^\{"evaluatedAt":"2026-01-01T00:00:00\.000Z",/);
 * ```
 */
export function encodeReport(report: AuditReport): Uint8Array {
  // An AuditReport is JSON by construction; the interface only lacks the index signature `Json` asks for.
  return utf8(canonicalJson(report as unknown as Json));
}

function malformed(detail: string): never {
  throw new AuditError("REPORT_MALFORMED", `Cannot read report: ${detail}`);
}

type Fields = { readonly [key: string]: unknown };

function object(value: unknown, path: string): Fields {
  if (typeof value !== "object" || value === null || Array.isArray(value)) malformed(`${path} must be an object`);
  return value as Fields;
}

function array(value: unknown, path: string): readonly unknown[] {
  if (!Array.isArray(value)) malformed(`${path} must be an array`);
  return value;
}

function text(record: Fields, name: string, path: string): string {
  const value = record[name];
  if (typeof value !== "string") malformed(`${path}.${name} must be a string`);
  return value;
}

function count(record: Fields, name: string, path: string): number {
  const value = record[name];
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < 0) {
    malformed(`${path}.${name} must be a non-negative integer`);
  }
  return value;
}

function oneOf<T extends string>(record: Fields, name: string, allowed: readonly T[], path: string): T {
  const value = record[name];
  if (!allowed.includes(value as T)) malformed(`${path}.${name} must be one of ${allowed.join(", ")}`);
  return value as T;
}

function onlyKeys(record: Fields, allowed: readonly string[], path: string): void {
  const extra = Object.keys(record).find((k) => !allowed.includes(k));
  if (extra !== undefined) malformed(`${path} has an unknown member "${extra}"`);
}

function checkFinding(value: unknown, path: string, seen: Set<string>): void {
  const finding = object(value, path);
  onlyKeys(finding, ["id", "status", "kind", "subject", "message", "code", "details"], path);
  const id = text(finding, "id", path);
  if (seen.has(id)) malformed(`${path}.id "${id}" is not unique`);
  seen.add(id);
  oneOf(finding, "status", STATUS_ORDER, path);
  oneOf(finding, "kind", KIND_ORDER, path);
  text(finding, "subject", path);
  text(finding, "message", path);
  if ("code" in finding) text(finding, "code", path);
  if ("details" in finding) object(finding.details, `${path}.details`);
}

function checkInput(value: unknown, path: string): void {
  const input = object(value, path);
  onlyKeys(input, ["path", "role", "sha256", "size"], path);
  text(input, "path", path);
  text(input, "role", path);
  if (!/^[0-9a-f]{64}$/.test(text(input, "sha256", path))) malformed(`${path}.sha256 must be 64 lowercase hex digits`);
  count(input, "size", path);
}

function checkReport(value: unknown): AuditReport {
  const report = object(value, "the report");
  onlyKeys(report, [
    "format",
    "tool",
    "title",
    "subject",
    "playbook",
    "evaluatedAt",
    "inputs",
    "findings",
    "summary",
    "verdict",
  ], "the report");
  if (report.format !== "scitt-audit-report/1") malformed(`format must be "scitt-audit-report/1"`);
  const tool = object(report.tool, "tool");
  if (tool.name !== "scitt-audit") malformed(`tool.name must be "scitt-audit"`);
  text(tool, "version", "tool");
  text(report, "title", "the report");
  text(report, "subject", "the report");
  const playbook = object(report.playbook, "playbook");
  for (const name of ["name", "path", "sha256"]) text(playbook, name, "playbook");
  const evaluatedAt = text(report, "evaluatedAt", "the report");
  if (Number.isNaN(Date.parse(evaluatedAt))) malformed(`evaluatedAt "${evaluatedAt}" is not an ISO-8601 time`);
  array(report.inputs, "inputs").forEach((input, i) => checkInput(input, `inputs[${i}]`));
  const ids = new Set<string>();
  const findings = array(report.findings, "findings");
  findings.forEach((finding, i) => checkFinding(finding, `findings[${i}]`, ids));
  const summary = object(report.summary, "summary");
  const expected = summarize(findings as AuditReport["findings"]);
  for (const status of STATUS_ORDER) {
    if (count(summary, status, "summary") !== expected.summary[status]) {
      malformed(`summary.${status} is ${summary[status]} but ${expected.summary[status]} findings are ${status}`);
    }
  }
  if (oneOf(report, "verdict", ["pass", "fail"], "the report") !== expected.verdict) {
    malformed(`verdict is "${report.verdict}" but the findings give "${expected.verdict}"`);
  }
  return report as unknown as AuditReport;
}

/**
 * Reads `report.json` bytes strictly: UTF-8, JSON, the {@linkcode AuditReport} shape with counts and verdict
 * matching the findings, and already canonical (re-encoding gives the very same bytes). Every failure is
 * `REPORT_MALFORMED`.
 *
 * @param bytes The `report.json` bytes.
 * @returns The report.
 * @throws {AuditError} `REPORT_MALFORMED` when the bytes are not a canonical report.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { decodeReport, encodeReport } from "./report_json.ts";
 * import { summarize } from "./model.ts";
 * const bytes = encodeReport({
 *   format: "scitt-audit-report/1", tool: { name: "scitt-audit", version: "0.1.0" }, title: "Demo", subject: "demo",
 *   playbook: { name: "demo", path: "demo.yaml", sha256: "00".repeat(32) }, evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   inputs: [], findings: [], ...summarize([]),
 * });
 * equal(decodeReport(bytes).verdict, "pass");
 * ```
 */
export function decodeReport(bytes: Uint8Array): AuditReport {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch (error) {
    malformed(error instanceof SyntaxError ? `not JSON: ${error.message}` : "not UTF-8");
  }
  const report = checkReport(value);
  let canonical: Uint8Array;
  try {
    canonical = encodeReport(report);
  } catch (error) {
    return malformed(`not I-JSON: ${(error as Error).message}`);
  }
  if (!equalBytes(canonical, bytes)) malformed("the JSON is not in canonical form (RFC 8785)");
  return report;
}
