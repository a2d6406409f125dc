/**
 * The `statements` section: transparent statements, each verified offline by the statement pipeline (signature,
 * did:x509 issuer, the run's signer policy, every receipt, receipt policy), whose checks become findings, then
 * checked against the evaluation time and its expectations.
 *
 * @module
 */

import { fromHex } from "../../bytes.ts";
import { type CoseSign1, decodeCoseSign1 } from "../../cose/sign1.ts";
import { AuditError } from "../../errors.ts";
import type { Json } from "../../report/model.ts";
import { type StatementReport, type StatementTrust, verifyTransparentStatement } from "../../statement/mod.ts";
import { entry, stringNode, stringNodes } from "../_yaml.ts";
import type { FileRef } from "../model.ts";
import type { Value } from "../value.ts";
import { FILE_SHAPE, finding, ID_SHAPE, placed, TIME_SHAPE } from "./_common.ts";
import type { EvidenceKind, RunContext } from "./kind.ts";
import { formatUtcTime } from "../../time.ts";

/** What a statement must claim. */
export interface StatementExpectations {
  readonly subject?: string;
  readonly issuer?: string;
  readonly minSvn?: number;
  readonly contentType?: string;
  readonly issuedAfter?: Date;
  readonly issuedBefore?: Date;
  readonly receiptIssuers?: readonly string[];
}

/** One `statements` item. */
export interface StatementItem {
  /** Its id, referenced as `statement.<id>.<field>`. */
  readonly id: string;
  /** The transparent statement file. */
  readonly file: FileRef;
  /** Its expectations. */
  readonly expect: StatementExpectations;
}

const EXPECT_FIELDS = {
  "subject": { shape: { type: "string", description: "The CWT sub claim, exactly." } },
  "issuer": { shape: { type: "string", description: "The CWT iss claim (a did:x509), exactly." } },
  "min-svn": { shape: { type: "integer", minimum: 0, description: "The smallest acceptable svn claim." } },
  "content-type": { shape: { type: "string", description: "The content type (COSE label 3), exactly." } },
  "issued-after": { shape: { ...TIME_SHAPE, description: "The iat claim is at or after this time." } },
  "issued-before": { shape: { ...TIME_SHAPE, description: "The iat claim is at or before this time." } },
  "receipt-issuers": {
    shape: {
      type: "array",
      description: "Issuers (hosts) each of which must have given the statement a valid receipt.",
      items: { type: "string", description: "A receipt issuer host." },
    },
  },
} as const;

function iso(seconds: number): string {
  return formatUtcTime(new Date(seconds * 1000));
}

function publishValues(
  item: StatementItem,
  bytes: Uint8Array,
  message: CoseSign1,
  report: StatementReport,
  context: RunContext,
): void {
  const s = report.statement;
  const text = (t: string | undefined): Value | undefined => t === undefined ? undefined : { type: "text", text: t };
  const number = (n: number | undefined): Value | undefined =>
    n === undefined ? undefined : { type: "number", number: n };
  context.publish("statement", item.id, {
    "cose": { type: "bytes", bytes },
    "payload": message.payload ? { type: "bytes", bytes: message.payload } : undefined,
    "digest": { type: "bytes", bytes: fromHex(report.digest) },
    "subject": text(s.subject),
    "issuer": text(s.issuer),
    "svn": number(s.svn),
    "iat": number(s.iat),
    "content-type": text(s.contentType),
    "payload-location": text(s.payloadLocation),
  }, `statement '${item.id}' has no such claim`);
}

/**
 * What the run trusts a statement by — the same {@linkcode StatementTrust} `verify` builds from its options: the
 * service keys and receipt policy, and the signer policy of `--signer`, `--x509-roots` and `--at`, i.e. the
 * accepted signers and, when the playbook names any, the X.509 roots (the chain valid at the evaluation time).
 * Unlike `verify --at`, a run does not report the signing certificate's own validity at the evaluation time: an
 * audit after the fact expects short-lived signing certificates to have expired, and judges the issue time instead.
 */
function statementTrust(context: RunContext): StatementTrust {
  return {
    trustStore: context.trust.store,
    policy: context.trust.policy,
    signers: {
      issuers: context.trust.signers,
      ...(context.trust.roots.length > 0 ? { x509Roots: context.trust.roots } : {}),
      at: context.at,
    },
  };
}

function checkIssuedAt(item: StatementItem, report: StatementReport, context: RunContext): void {
  const iat = report.statement.iat;
  const base = { id: `statement.${item.id}.issued-at`, kind: "statement", subject: item.id } as const;
  if (iat === undefined) {
    context.add(finding({ ...base, status: "warn", message: "The statement has no issue time (iat)" }));
    return;
  }
  const details = { iat: iso(iat), evaluatedAt: formatUtcTime(context.at) };
  const ok = iat * 1000 <= context.at.getTime();
  context.add(finding({
    ...base,
    status: ok ? "pass" : "fail",
    message: ok
      ? `Issued ${iso(iat)}, before the evaluation time`
      : `Issued ${iso(iat)}, after the evaluation time ${formatUtcTime(context.at)}`,
  }, { details }));
}

interface Expectation {
  readonly name: keyof typeof EXPECT_FIELDS;
  readonly expected: Json;
  readonly actual: Json;
  readonly ok: boolean;
  readonly what: string;
}

function expectations(item: StatementItem, report: StatementReport): Expectation[] {
  const s = report.statement;
  const e = item.expect;
  const out: Expectation[] = [];
  const same = (name: Expectation["name"], expected: string | undefined, actual: string | undefined, what: string) => {
    if (expected !== undefined) out.push({ name, expected, actual: actual ?? null, ok: actual === expected, what });
  };
  same("subject", e.subject, s.subject, "subject");
  same("issuer", e.issuer, s.issuer, "issuer");
  if (e.minSvn !== undefined) {
    out.push({
      name: "min-svn",
      expected: e.minSvn,
      actual: s.svn ?? null,
      ok: s.svn !== undefined && s.svn >= e.minSvn,
      what: "svn",
    });
  }
  same("content-type", e.contentType, s.contentType, "content type");
  const iat = s.iat === undefined ? undefined : s.iat * 1000;
  if (e.issuedAfter) {
    out.push({
      name: "issued-after",
      expected: formatUtcTime(e.issuedAfter),
      actual: s.iat === undefined ? null : iso(s.iat),
      ok: iat !== undefined && iat >= e.issuedAfter.getTime(),
      what: "issue time",
    });
  }
  if (e.issuedBefore) {
    out.push({
      name: "issued-before",
      expected: formatUtcTime(e.issuedBefore),
      actual: s.iat === undefined ? null : iso(s.iat),
      ok: iat !== undefined && iat <= e.issuedBefore.getTime(),
      what: "issue time",
    });
  }
  if (e.receiptIssuers) {
    const valid = [...new Set(report.receipts.filter((r) => r.valid).map((r) => r.issuer.toLowerCase()))];
    out.push({
      name: "receipt-issuers",
      expected: [...e.receiptIssuers],
      actual: valid,
      ok: e.receiptIssuers.every((i) => valid.includes(i.toLowerCase())),
      what: "issuers with a valid receipt",
    });
  }
  return out;
}

function checkExpectations(item: StatementItem, report: StatementReport, context: RunContext): void {
  for (const x of expectations(item, report)) {
    const show = (v: Json) => typeof v === "string" ? `'${v}'` : JSON.stringify(v);
    context.add(finding({
      id: `statement.${item.id}.expect.${x.name}`,
      status: x.ok ? "pass" : "fail",
      kind: "statement",
      subject: item.id,
      message: x.ok
        ? `Meets ${x.name} ${show(x.expected)} (${x.what}: ${show(x.actual)})`
        : `Does not meet ${x.name} ${show(x.expected)}: ${x.what} is ${show(x.actual)}`,
    }, { details: { expected: x.expected, actual: x.actual } }));
  }
}

async function evaluateStatement(item: StatementItem, context: RunContext): Promise<void> {
  const bytes = await context.read(item.file);
  let message: CoseSign1;
  let report: StatementReport;
  try {
    message = decodeCoseSign1(bytes, { what: `statement '${item.id}'` });
    report = await verifyTransparentStatement(bytes, { ...statementTrust(context), decoded: message });
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    context.add(finding(
      {
        id: `statement.${item.id}.decode`,
        status: "fail",
        kind: "statement",
        subject: item.id,
        message: error.message,
      },
      { code: error.code, details: { file: item.file.path } },
    ));
    context.publish("statement", item.id, {}, `statement '${item.id}' could not be read: ${error.message}`);
    return;
  }
  publishValues(item, bytes, message, report, context);
  const receiptChecks = new Set(report.receipts.map((r) => r.check));
  for (const check of report.checks) {
    const kind = receiptChecks.has(check) ? "receipt" : "statement";
    context.add(placed(check, { prefix: `statement.${item.id}`, kind, subject: item.id }));
  }
  checkIssuedAt(item, report, context);
  checkExpectations(item, report, context);
  report.warnings.forEach((w, i) =>
    context.add(finding({
      id: `statement.${item.id}.warning.${i}`,
      status: "warn",
      kind: "statement",
      subject: item.id,
      message: w,
    }))
  );
}

/** The `statements` kind. */
export const statementsKind: EvidenceKind<StatementItem> = {
  section: "statements",
  description: "Transparent statements (COSE_Sign1 with receipts in header 394) to verify offline.",
  item: {
    type: "object",
    description: "A transparent statement and what it must claim.",
    fields: {
      id: { shape: ID_SHAPE, required: true },
      file: { shape: { ...FILE_SHAPE, description: "The transparent statement (.cose / .scitt)." }, required: true },
      expect: { shape: { type: "object", description: "What the statement must claim.", fields: EXPECT_FIELDS } },
    },
  },
  refs: {
    prefix: "statement",
    fields: {
      "cose": "bytes",
      "payload": "bytes",
      "digest": "bytes",
      "subject": "text",
      "issuer": "text",
      "svn": "number",
      "iat": "number",
      "content-type": "text",
      "payload-location": "text",
    },
  },
  idOf: (node) => stringNode(node, "id"),
  async build(node, path, context) {
    const expectNode = entry(node, "expect");
    const e = expectNode?.kind === "map" ? expectNode : undefined;
    const text = (key: string) => e && stringNode(e, key)?.value;
    const time = (key: string) => {
      const n = e && stringNode(e, key);
      return n ? context.time(n, `${path}.expect.${key}`) : undefined;
    };
    const minSvn = e && entry(e, "min-svn");
    const expect: StatementExpectations = {
      ...(text("subject") !== undefined ? { subject: text("subject")! } : {}),
      ...(text("issuer") !== undefined ? { issuer: text("issuer")! } : {}),
      ...(minSvn?.kind === "scalar" && typeof minSvn.value === "number" ? { minSvn: minSvn.value } : {}),
      ...(text("content-type") !== undefined ? { contentType: text("content-type")! } : {}),
      ...(time("issued-after") ? { issuedAfter: time("issued-after")! } : {}),
      ...(time("issued-before") ? { issuedBefore: time("issued-before")! } : {}),
      ...(e && entry(e, "receipt-issuers")
        ? { receiptIssuers: stringNodes(e, "receipt-issuers").map((n) => n.value) }
        : {}),
    };
    return {
      id: stringNode(node, "id")!.value,
      file: await context.evidenceFile(stringNode(node, "file")!, `${path}.file`, "statement"),
      expect,
    };
  },
  async evaluate(items, context) {
    for (const item of items) await evaluateStatement(item, context);
  },
};
