/**
 * `scitt-audit run`: runs a playbook (or an audit bundle) offline, prints one line per finding and a summary,
 * and writes the reports.
 *
 * @module
 */

import { fromUtf8 } from "../../core/bytes.ts";
import { type ErrorCode, isMalformedCode } from "../../core/errors.ts";
import { parseUtcTime } from "../../core/playbook/mod.ts";
import type { AuditReport, Finding } from "../../core/report/model.ts";
import { encodeReport } from "../../core/report/report_json.ts";
import { openAudit, runOpenedAudit } from "../audit.ts";
import { EXIT, type ExitStatus, usage } from "../exit.ts";
import { type Io, paint, readInput } from "../io.ts";
import { type Command, parseCommandArgs } from "../options.ts";
import { writeReports } from "../report_output.ts";

const HELP = `Usage: scitt-audit run <playbook.yaml | audit.bundle> [--out DIR] [--at TIME] [--json] [-q | -v]

Runs an audit playbook offline: loads the keys and trust it names, verifies every transparent statement and
its receipts, checks every expectation, measurement and artifact, prints one line per finding and a summary,
and writes the reports. An audit bundle (see 'scitt-audit bundle') is verified before anything in it is used.

Options:
  --out DIR     write report.json (canonical), report.cose (signed, when the playbook names report.signing-key),
                report.html and junit.xml into DIR (created when missing)
  --at TIME     evaluate at this ISO-8601 UTC time (overrides the playbook's at:), e.g. 2026-11-01T00:00:00Z
  --json        print the report (canonical JSON) instead of the finding lines
  -q, --quiet   print only failed findings and the summary
  -v, --verbose print each finding's details too
  -h, --help    this help

The playbook format: core/playbook/playbook.schema.json (JSON Schema for editors) and the README.

Exit status: 0 every check passed; 1 a check failed; 2 usage error; 3 malformed playbook, bundle or evidence;
4 a named file is missing.

Example:
  scitt-audit run fixtures/demo/demo.yaml --out reports/`;

const STATUS_COLOUR = { pass: "green", fail: "red", warn: "yellow", skip: "dim" } as const;

function printFinding(io: Io, f: Finding, verbose: boolean): void {
  const status = paint(io, STATUS_COLOUR[f.status], f.status.toUpperCase().padEnd(4));
  io.out(`${status}  ${f.id}  ${f.message}${f.code ? ` [${f.code}]` : ""}`);
  if (verbose && f.details) io.out(`      ${JSON.stringify(f.details)}`);
}

/** The exit status of a report: 3 when a failed check is malformed evidence, 1 when any check failed. */
function exitOf(report: AuditReport): ExitStatus {
  const failed = report.findings.filter((f) => f.status === "fail");
  if (failed.some((f) => f.code !== undefined && isMalformedCode(f.code as ErrorCode))) return EXIT.MALFORMED;
  return failed.length > 0 ? EXIT.FAILED : EXIT.OK;
}

function printSummary(io: Io, report: AuditReport): void {
  const s = report.summary;
  const verdict = report.verdict === "pass" ? paint(io, "green", "PASS") : paint(io, "red", "FAIL");
  io.out(
    `${verdict}  ${report.title}: ${s.pass} passed, ${s.fail} failed, ${s.warn} warnings, ${s.skip} skipped (evaluated at ${report.evaluatedAt})`,
  );
  const failed = report.findings.filter((f) => f.status === "fail");
  if (failed.length > 0) io.out(`Failed checks: ${failed.map((f) => f.id).join(", ")}`);
}

function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = parseUtcTime(value);
  if (!at) throw usage(`run: --at must be an ISO-8601 UTC time such as 2026-11-01T00:00:00Z; found '${value}'`);
  return at;
}

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("run", args, {
    out: { type: "string" },
    at: { type: "string" },
    json: { type: "boolean" },
    quiet: { type: "boolean", short: "q" },
    verbose: { type: "boolean", short: "v" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT.OK;
  }
  if (positionals.length !== 1) throw usage("run: name one playbook or bundle; see 'scitt-audit run --help'");
  if (values.verbose && values.quiet) throw usage("run: --verbose and --quiet cannot be combined");
  const at = parseAt(values.at);
  const opened = await openAudit(positionals[0]!);
  const report = await runOpenedAudit(opened, at ? { at } : {});

  if (values.json) {
    io.out(fromUtf8(encodeReport(report)));
  } else {
    for (const f of report.findings) {
      if (!values.quiet || f.status === "fail") printFinding(io, f, values.verbose ?? false);
    }
    printSummary(io, report);
  }
  if (values.out !== undefined) {
    const keyPath = opened.signingKeyPath;
    const { files } = await writeReports(report, values.out, {
      ...(keyPath !== undefined ? { signingKey: { bytes: await readInput(keyPath), name: keyPath } } : {}),
      ...(opened.playbook.report.issuer !== undefined ? { issuer: opened.playbook.report.issuer } : {}),
    });
    const message = `Reports written to ${values.out}: ${files.map((f) => f.split(/[\\/]/).pop()).join(", ")}`;
    if (values.json) io.err(message);
    else io.out(message);
  }
  return exitOf(report);
}

/** The `run` command. */
export const runCommand: Command = {
  name: "run",
  summary: "run an audit playbook or bundle offline and write the reports",
  help: HELP,
  run,
};
