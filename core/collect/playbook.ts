/**
 * The playbook a collected bundle carries: the trust section from the fetched keys (issuer from the
 * transparency configuration), each statement with its entry id, the attestation evidence with the
 * expectations the service's own join policy gives, and `TODO(auditor)` comments for what only the auditor can
 * decide. `scitt-audit run` passes it on genuine evidence as written.
 *
 * @module
 */

import type { JoinPolicySummary, QuoteSummary, StatementSummary } from "./evidence.ts";
import { PROVENANCE_MEMBER } from "./provenance.ts";

/** A collected entry. */
export interface CollectedStatement {
  /** The transaction id it was registered at, e.g. `2.37`. */
  readonly txid: string;
  /** The statement member, e.g. `entries/2.37.statement.cose`. */
  readonly file: string;
  /** The receipt member, e.g. `entries/2.37.receipt.cose`. */
  readonly receiptFile: string;
  /** What the statement claims. */
  readonly summary: StatementSummary;
}

/** Collected attestation evidence. */
export interface CollectedAttestation {
  /** `/node/quotes/self` member. */
  readonly selfFile: string;
  /** `/node/quotes` member. */
  readonly listFile: string;
  /** The join policy member. */
  readonly joinPolicyFile: string;
  /** The answering node's first SNP quote, when it sent one. */
  readonly quote?: QuoteSummary;
  /** What the join policy allows. */
  readonly joinPolicy: JoinPolicySummary;
}

/** What the playbook is written from. */
export interface PlaybookInput {
  /** The `--service` URL. */
  readonly service: string;
  /** The issuer of the transparency configuration. */
  readonly issuer: string;
  /** The `--at` time, written as the playbook's `at:`. */
  readonly at?: string;
  /** Key file members, each loaded for the issuer. */
  readonly keyFiles: readonly string[];
  /** The entries, in txid order. */
  readonly statements: readonly CollectedStatement[];
  /** The attestation evidence, with `--attestation`. */
  readonly attestation?: CollectedAttestation;
  /** Ledger chunk members, with `--ledger`. */
  readonly ledgerFiles: readonly string[];
}

/** A YAML scalar: JSON's double-quoted form is valid YAML for any text. */
function q(text: string): string {
  return JSON.stringify(text);
}

/**
 * The playbook id of an entry: `entry-<view>-<seqno>`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { entryId } from "./playbook.ts";
 * assert(entryId("458.12440") === "entry-458-12440");
 * ```
 */
export function entryId(txid: string): string {
  return `entry-${txid.replace(".", "-")}`;
}

function trustLines(input: PlaybookInput): string[] {
  const lines = ["trust:", "  transparency:"];
  for (const file of input.keyFiles) lines.push(`    - issuer: ${q(input.issuer)}`, `      keys: ${file}`);
  lines.push(
    "  receipts:",
    `    authorized-domains: [${q(input.issuer)}]`,
    "    authorized-receipt-behavior: VerifyAllMatching",
    "    unauthorized-receipt-behavior: FailIfPresent",
  );
  const signers = [...new Set(input.statements.map((s) => s.summary.issuer).filter((i) => i !== undefined))].sort();
  lines.push(
    "  # TODO(auditor): these are the issuers the collected statements name, accepted as found; keep only the",
    "  # signers you trust (a statement whose issuer is not listed fails).",
    "  signers:",
    ...signers.map((s) => `    - ${q(s)}`),
  );
  const roots = input.attestation?.joinPolicy.uvmRoots ?? [];
  if (roots.length > 0) {
    lines.push(`  # The UVM endorsers the service's join policy accepts (${input.attestation!.joinPolicyFile}).`);
    lines.push("  uvm-roots:");
    for (const r of roots) {
      lines.push(`    - did: ${q(r.did)}`, `      feed: ${q(r.feed)}`, `      min-svn: ${r.minSvn}`);
    }
  }
  return lines;
}

function statementLines(input: PlaybookInput): string[] {
  const lines = ["statements:"];
  for (const s of input.statements) {
    const claims = s.summary;
    lines.push(
      `  - id: ${entryId(s.txid)}`,
      `    # Entry ${s.txid}: ${
        input.service.replace(/\/$/, "")
      }/entries/${s.txid} (receipt also kept as ${s.receiptFile})`,
      `    file: ${s.file}`,
      "    expect:",
      `      receipt-issuers: [${q(input.issuer)}]`,
    );
    if (claims.subject !== undefined) lines.push(`      # TODO(auditor): subject: ${q(claims.subject)}   (as claimed)`);
    if (claims.svn !== undefined) lines.push(`      # TODO(auditor): min-svn: ${claims.svn}   (as claimed)`);
    if (claims.contentType !== undefined) {
      lines.push(`      # TODO(auditor): content-type: ${q(claims.contentType)}   (as claimed)`);
    }
  }
  return lines;
}

/** As CCF decides: UVM endorsement certificates expire while the UVM they endorse stays endorsed. */
const VALIDITY = [
  "    # CCF does not check certificate validity periods of UVM endorsements (they expire while the UVM stays",
  "    # endorsed). TODO(auditor): true to require every certificate valid at the evaluation time.",
  "    check-validity: false",
];

function attestationLines(a: CollectedAttestation): { attestations: string[]; measurements: string[] } {
  const attestations = [
    "attestations:",
    "  - id: node",
    "    kind: ccf-node-quote",
    `    file: ${a.selfFile}`,
    ...VALIDITY,
    "    expect:",
    "      debug: false",
  ];
  if (a.quote?.uvmEndorsed) attestations.push("      uvm-endorsed: true");
  attestations.push(
    "      # TODO(auditor): max-vmpl: 0",
    "      # TODO(auditor): min-tcb: { bootloader: ?, tee: ?, snp: ?, microcode: ? }",
    "  - id: nodes",
    "    kind: ccf-node-quote",
    `    file: ${a.listFile}`,
    ...VALIDITY,
    "    expect:",
    "      debug: false",
  );
  const measurements: string[] = [];
  const quote = a.quote;
  const policy = a.joinPolicy;
  const allowed = (what: string, field: string, value: string | undefined, set: readonly string[]) => {
    if (value === undefined || set.length === 0) return;
    if (set.includes(value) || set.length === 1) {
      const equals = set.includes(value) ? value : set[0]!;
      measurements.push(
        `  - name: ${q(`the node's ${what} is one the join policy allows (${a.joinPolicyFile})`)}`,
        `    value: attestation.node.${field}`,
        `    equals: hex:${equals}`,
      );
    } else {
      measurements.push(
        `  # TODO(auditor): the node's ${what} ${value} is none of the ${set.length} the join policy allows`,
        `  # (${a.joinPolicyFile}); name the one you expect here.`,
      );
    }
  };
  allowed("host data", "host-data", quote?.hostData, policy.hostData);
  allowed("launch measurement", "measurement", quote?.measurement, policy.measurements);
  return { attestations, measurements };
}

/** The `ledger` section: the collected chunks audited whole, and the statements' receipts checked against them. */
function ledgerLines(input: PlaybookInput): string[] {
  const starts = input.ledgerFiles.map((f) => Number(/ledger_(\d+)/.exec(f)?.[1] ?? NaN));
  const fromGenesis = starts.includes(1);
  return [
    "ledger:",
    "  - id: service",
    `    files: [${input.ledgerFiles.map(q).join(", ")}]`,
    ...(fromGenesis ? [] : [
      "    # The chunks do not start at seqno 1, so node and service signatures cannot be traced to the genesis:",
      "    # the audit checks every root from the first signed tree (TODO(auditor): collect from seqno 1 for 'full').",
      "    level: merkle",
    ]),
    `    statements: [${input.statements.map((s) => entryId(s.txid)).join(", ")}]`,
    "    # TODO(auditor): expect-issuers: [...] and working-hours: 'Mon-Fri 08:00-18:00 +00:00' make a watch list.",
  ];
}

/**
 * Writes the playbook (YAML text).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { collectedPlaybook } from "./playbook.ts";
 * const yaml = collectedPlaybook({
 *   service: "https://ledger.example", issuer: "ledger.example", keyFiles: ["service/jwks.json"], ledgerFiles: [],
 *   statements: [{ txid: "2.37", file: "entries/2.37.statement.cose", receiptFile: "entries/2.37.receipt.cose",
 *     summary: { issuer: "did:x509:0:sha256:x::eku:1", receipts: [] } }],
 * });
 * assert(yaml.includes("  - id: entry-2-37\n"));
 * ```
 */
export function collectedPlaybook(input: PlaybookInput): string {
  const lines = [
    `# Generated by 'scitt-audit collect' from ${input.service} (where each file came from: ${PROVENANCE_MEMBER}).`,
    "# 'scitt-audit run' passes it as written on genuine evidence. Lines marked TODO(auditor) are decisions only",
    "# the auditor can make: review them before relying on the report.",
    "",
    "playbook: 1",
    `name: ${q(`Evidence collected from ${input.issuer}`)}`,
  ];
  if (input.at !== undefined) lines.push(`at: ${input.at}`);
  lines.push("", ...trustLines(input), "", ...statementLines(input));
  if (input.attestation) {
    const { attestations, measurements } = attestationLines(input.attestation);
    lines.push("", ...attestations);
    if (measurements.length > 0) lines.push("", "measurements:", ...measurements);
  }
  if (input.ledgerFiles.length > 0) lines.push("", ...ledgerLines(input));
  lines.push("", "provenance:", `  - file: ${PROVENANCE_MEMBER}`);
  lines.push("", "report:", `  title: ${q(`Audit of ${input.issuer}`)}`, `  subject: ${q(input.issuer)}`);
  return lines.join("\n") + "\n";
}
