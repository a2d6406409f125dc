/**
 * A ledger audit's outcome in the core's check vocabulary: `integrity`, `identities`, `governance`, `entries`, and
 * one `finding.<i>` per error or warning. The audit's own {@linkcode LedgerFinding}s keep the shape `ledger
 * verify --json` prints (code, severity, seqno, file); this is the one place they become checks.
 *
 * @module
 */

import { type Check, check } from "../check.ts";
import type { Json } from "../report/canonical_json.ts";
import type { LedgerFinding, LedgerSummary } from "./model.ts";

/**
 * A ledger finding as a check: an `error` fails, a `warning` warns, `info` is recorded as a pass.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { ledgerFindingCheck } from "./checks.ts";
 * deepEqual(
 *   ledgerFindingCheck({ code: "LEDGER_SPLIT_VIEW", severity: "error", seqno: 7, message: "Two roots" }, "finding.0"),
 *   { id: "finding.0", status: "fail", message: "Two roots", code: "LEDGER_SPLIT_VIEW", details: { seqno: 7 } },
 * );
 * ```
 */
export function ledgerFindingCheck(f: LedgerFinding, id: string): Check {
  const status = f.severity === "error" ? "fail" : f.severity === "warning" ? "warn" : "pass";
  return check(id, status, f.message, {
    code: f.code,
    details: { ...(f.seqno !== undefined ? { seqno: f.seqno } : {}), ...(f.file ? { file: f.file } : {}) },
  });
}

/** What a ledger audit decided, as checks, in report order. */
export function ledgerChecks(s: LedgerSummary): Check[] {
  const range = s.firstSeqno === null ? "no transaction" : `seqnos ${s.firstSeqno}–${s.lastSeqno}`;
  const firstError = s.findings.find((f) => f.severity === "error");
  const identities = s.serviceIdentities.length;
  return [
    check(
      "integrity",
      s.verified ? "pass" : "fail",
      s.verified
        ? `${range} (${s.transactions} transactions, ${s.signatures} signatures) verify at level ${s.level}; last signed ${s.lastSignedTxid}`
        : `The ledger does not verify at level ${s.level}: ${firstError?.message}`,
      { code: firstError?.code, details: summaryDetails(s) },
    ),
    check(
      "identities",
      s.serviceIdentities.some((i) => i.endorsedByPrevious === false) ? "warn" : "pass",
      `${identities} service identit${identities === 1 ? "y" : "ies"}${
        identities > 1 ? ` (${identities - 1} disaster recovery)` : ""
      }`,
      { details: { identities: s.serviceIdentities.map((i) => ({ ...i })) as unknown as Json[] } },
    ),
    check("governance", "pass", `${s.governance.length} governance change(s)`, {
      details: { timeline: s.governance.map((g) => ({ ...g })) as unknown as Json[] },
    }),
    check(
      "entries",
      "pass",
      `${s.entries.registered} signing event(s) from ${Object.keys(s.entries.byIssuer).length} issuer(s)`,
      { details: { byIssuer: { ...s.entries.byIssuer } } },
    ),
    ...s.findings.filter((f) => f.severity !== "info").map((f, i) => ledgerFindingCheck(f, `finding.${i}`)),
  ];
}

function summaryDetails(s: LedgerSummary): { [key: string]: Json } {
  return {
    chunks: [...s.chunks],
    transactions: s.transactions,
    firstSeqno: s.firstSeqno,
    lastSeqno: s.lastSeqno,
    signatures: s.signatures,
    lastSignedTxid: s.lastSignedTxid,
    lastSignedRoot: s.lastSignedRoot,
    lastVerifiedTxid: s.lastVerifiedTxid,
    unsignedTail: s.unsignedTail,
  };
}
