/**
 * `scitt-audit report verify`: checks a signed report against the auditor's public key and, with a playbook,
 * that re-running the audit at the recorded time gives the same verdict and findings.
 *
 * @module
 */

import { equalBytes, utf8 } from "../../core/bytes.ts";
import { AuditError } from "../../core/errors.ts";
import { canonicalJson } from "../../core/report/canonical_json.ts";
import type { AuditReport, Json } from "../../core/report/model.ts";
import { encodeReport } from "../../core/report/report_json.ts";
import { type VerifiedReport, verifySignedReport } from "../../core/report/sign.ts";
import { importAuditorPublicKey } from "../../core/report/signing_key.ts";
import { runAudit } from "../audit.ts";
import { type Command, defineCommand, defineGroup, type Parsed } from "../command.ts";
import { CliError, EXIT, exitFor, type ExitStatus, usage } from "../exit.ts";
import { baseName, type Io, paint, readInput } from "../io.ts";

const HELP = `Usage: scitt-audit report verify <report.cose> --key <auditor public key> [--playbook FILE] [--json]

Checks a signed audit report (report.cose, a COSE_Sign1 signed statement): the signature over the bytes as
received with the auditor's public key, its kid and algorithm, the content type
application/vnd.scitt-audit.report+json, and that the payload is a report in canonical JSON (RFC 8785). Prints
the verdict, subject, evaluation time and counts.

Options:
  --key FILE        the auditor's public key: SPKI PEM ("PUBLIC KEY") or a public JWK (required)
  --playbook FILE   re-run this playbook (or audit bundle) at the report's evaluation time and check that the
                    verdict and findings are identical, byte for byte in canonical JSON
  --json            one JSON object: {"file", "valid", "kid", "alg", "claims", "subject", "evaluatedAt",
                    "verdict", "summary", "rerun"}
  -h, --help        this help

Exit status: 0 the report is authentic (and, with --playbook, reproduced): read the verdict for the audit's
own outcome; 1 the signature or key does not match, or the re-run differs; 2 usage error; 3 malformed report
or key; 4 a named file is missing.

Example:
  scitt-audit report verify out/report.cose --key auditor.pub.pem --playbook audit.yaml`;

/** How a re-run compares with the signed report. */
interface Rerun {
  /** Verdict and findings byte-identical in canonical JSON. */
  readonly identical: boolean;
  readonly verdict: { readonly signed: string; readonly rerun: string };
  readonly findings: { readonly changed: string[]; readonly added: string[]; readonly removed: string[] };
  /** Whether the whole report (inputs, tool version and all) is byte-identical too. */
  readonly reportIdentical: boolean;
}

function outcome(report: AuditReport): Uint8Array {
  return utf8(canonicalJson({ verdict: report.verdict, findings: report.findings as unknown as Json }));
}

function compare(signed: VerifiedReport, rerun: AuditReport): Rerun {
  const before = new Map(signed.report.findings.map((f) => [f.id, canonicalJson(f as unknown as Json)]));
  const after = new Map(rerun.findings.map((f) => [f.id, canonicalJson(f as unknown as Json)]));
  return {
    identical: equalBytes(outcome(signed.report), outcome(rerun)),
    verdict: { signed: signed.report.verdict, rerun: rerun.verdict },
    findings: {
      changed: [...before].filter(([id, f]) => after.has(id) && after.get(id) !== f).map(([id]) => id),
      added: [...after.keys()].filter((id) => !before.has(id)),
      removed: [...before.keys()].filter((id) => !after.has(id)),
    },
    reportIdentical: equalBytes(signed.json, encodeReport(rerun)),
  };
}

function printVerified(io: Io, file: string, verified: VerifiedReport): void {
  const { report, claims } = verified;
  const s = report.summary;
  io.out(`${paint(io, "green", "valid")}  ${baseName(file)}  signed by ${verified.kid} (${verified.alg})`);
  io.out(`  issuer: ${claims.issuer}, signed ${new Date(claims.iat * 1000).toISOString()}`);
  io.out(`  title: ${report.title}`);
  io.out(`  subject: ${report.subject}`);
  io.out(`  evaluated at: ${report.evaluatedAt}`);
  io.out(`  playbook: ${report.playbook.name} (${report.playbook.path}, SHA-256 ${report.playbook.sha256})`);
  const verdict = report.verdict === "pass" ? paint(io, "green", "PASS") : paint(io, "red", "FAIL");
  io.out(`  verdict: ${verdict}  (${s.pass} pass, ${s.fail} fail, ${s.warn} warn, ${s.skip} skip)`);
}

function printRerun(io: Io, rerun: Rerun, count: number): void {
  if (rerun.identical) {
    const whole = rerun.reportIdentical ? "; the whole report is byte-identical" : "; inputs or tool details differ";
    io.out(`  re-run: ${paint(io, "green", "identical")} verdict and ${count} findings${whole}`);
    return;
  }
  const { verdict, findings } = rerun;
  const parts = [
    verdict.signed !== verdict.rerun ? `verdict ${verdict.signed} → ${verdict.rerun}` : "",
    findings.changed.length ? `changed: ${findings.changed.join(", ")}` : "",
    findings.added.length ? `added: ${findings.added.join(", ")}` : "",
    findings.removed.length ? `removed: ${findings.removed.join(", ")}` : "",
  ].filter(Boolean);
  io.out(`  re-run: ${paint(io, "red", "DIFFERENT")}  ${parts.join("; ") || "findings are in another order"}`);
}

function jsonResult(file: string, verified: VerifiedReport, rerun: Rerun | undefined): string {
  const { report } = verified;
  return JSON.stringify({
    file,
    valid: true,
    kid: verified.kid,
    alg: verified.alg,
    claims: verified.claims,
    title: report.title,
    subject: report.subject,
    evaluatedAt: report.evaluatedAt,
    verdict: report.verdict,
    summary: report.summary,
    rerun: rerun ?? null,
  });
}

async function rerunAudit(signed: VerifiedReport, playbook: string): Promise<Rerun> {
  return compare(signed, await runAudit(playbook, { at: new Date(signed.report.evaluatedAt) }));
}

/** Why a report was not accepted: an exit status, the error code when the core raised it, one line. */
interface Failure {
  readonly exit: ExitStatus;
  readonly code: string | null;
  readonly message: string;
}

function failure(error: unknown, prefix: string): Failure {
  if (error instanceof CliError) return { exit: error.exit, code: null, message: error.message };
  if (error instanceof AuditError) return { exit: exitFor(error), code: error.code, message: prefix + error.message };
  throw error;
}

async function verifyReport(file: string, keyPath: string): Promise<VerifiedReport | Failure> {
  let key;
  try {
    key = importAuditorPublicKey(await readInput(keyPath), { what: `auditor public key ${keyPath}` });
  } catch (error) {
    return failure(error, "");
  }
  try {
    return await verifySignedReport(await readInput(file), key);
  } catch (error) {
    return failure(error, `${file}: `);
  }
}

const OPTIONS = {
  key: { type: "string" },
  playbook: { type: "string" },
  json: { type: "boolean" },
} as const;

async function verify({ values, positionals }: Parsed<typeof OPTIONS>, io: Io): Promise<number> {
  const file = positionals[0]!;
  if (values.key === undefined) throw usage("report verify: --key <auditor public key> is required");

  const verified = await verifyReport(file, values.key);
  if ("exit" in verified) {
    if (values.json) {
      io.out(JSON.stringify({ file, valid: false, error: { code: verified.code, message: verified.message } }));
    } else io.err(`scitt-audit: ${verified.message}`);
    return verified.exit;
  }
  const rerun = values.playbook === undefined ? undefined : await rerunAudit(verified, values.playbook);
  if (values.json) io.out(jsonResult(file, verified, rerun));
  else {
    printVerified(io, file, verified);
    if (rerun) printRerun(io, rerun, verified.report.findings.length);
  }
  return rerun && !rerun.identical ? EXIT.FAILED : EXIT.OK;
}

/** The `report` command. */
export const reportCommand: Command = defineGroup({
  name: "report",
  summary: "verify a signed audit report (and re-run its playbook)",
  help: HELP,
  noun: "action",
  subcommands: [
    defineCommand({
      name: "report verify",
      help: HELP,
      options: OPTIONS,
      positionals: { min: 1, max: 1, usage: "name one signed report (report.cose)" },
      run: verify,
    }),
  ],
});
