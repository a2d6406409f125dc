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
import { verifyBundleSignature } from "../../core/report/bundle_signature.ts";
import { importAuditorKey, importAuditorPublicKey } from "../../core/report/signing_key.ts";
import { openAudit, runOpenedAudit } from "../audit.ts";
import { type Command, defineCommand, type Parsed } from "../command.ts";
import { EXIT, type ExitStatus, usage } from "../exit.ts";
import { cleanText, type Io, paint, readInput } from "../io.ts";
import { encodeOrFail, prepareOutput, writeReports } from "../report_output.ts";

const HELP =
  `Usage: scitt-audit run <playbook.yaml | audit.bundle> [--out DIR [--force]] [--signing-key FILE | --no-sign]
                        [--at TIME] [--json] [-q | -v]

Runs an audit playbook offline: loads the keys and trust it names, verifies every transparent statement and
its receipts, checks every expectation, measurement and artifact, prints one line per finding and a summary,
and writes the reports. An audit bundle (see 'scitt-audit bundle') is verified before anything in it is used.
Before the audit starts, --out is created and checked to be writable, and the signing key is read and checked.

Options:
  --out DIR            write report.json (canonical), report.cose (signed), report.html and junit.xml into
                       DIR (created when missing); existing reports there are refused unless --force, and a
                       report is never written through a symbolic link
  --force              replace existing reports in DIR
  --signing-key FILE   the auditor's private key (PKCS#8 PEM or private JWK) that signs report.cose; default:
                       the playbook's report.signing-key (for a bundle: a file beside the bundle)
  --no-sign            write no report.cose (a dry run), even when the playbook names a signing key
  --bundle-key PUB     run only if <bundle>.cose, the packer's signature ('bundle pack --sign'), verifies with
                       this public key (PEM or JWK); otherwise exit 1 before anything in the bundle is used
  --expect-sha256 HEX  run only if the bundle (or playbook) file has this SHA-256, as the packer published
                       it ('scitt-audit bundle pack' prints it); otherwise exit 1 before anything is read from it
  --at TIME            evaluate at this ISO-8601 UTC time (overrides the playbook's at:), e.g. 2026-11-01T00:00:00Z
  --json               print the report (canonical JSON) instead of the finding lines
  -q, --quiet          print only failed findings (without the values they compared) and the summary
  -v, --verbose        print each finding's details too
  -h, --help           this help

The playbook format: core/playbook/playbook.schema.json (JSON Schema for editors) and the README.

Exit status: 0 every check passed; 1 a check failed; 2 usage error (also: reports exist in DIR without
--force); 3 malformed playbook, bundle, evidence or signing key; 4 a named file is missing or DIR cannot be
written.

Example:
  scitt-audit run fixtures/demo/demo.yaml --out reports/ --signing-key fixtures/demo/auditor.test-key.pem`;

const STATUS_COLOUR = { pass: "green", fail: "red", warn: "yellow", skip: "dim" } as const;

function printFinding(io: Io, f: Finding, verbose: boolean, quiet: boolean): void {
  const status = paint(io, STATUS_COLOUR[f.status], f.status.toUpperCase().padEnd(4));
  io.out(`${status}  ${f.id}  ${cleanText(f.message)}${f.code ? ` [${f.code}]` : ""}`);
  if (verbose && f.details) io.out(`      ${JSON.stringify(f.details)}`);
  else if (!quiet && f.status === "fail" && f.details) {
    for (const line of comparedValues(f.details)) io.out(`      ${line}`);
  }
}

/** The two values a failed comparison (a measurement, an artifact digest) compared, shown without -v. */
function comparedValues(details: NonNullable<Finding["details"]>): string[] {
  const shown = (v: unknown) => typeof v === "string" ? v : JSON.stringify(v);
  const side = (name: string, v: unknown): string | undefined => {
    if (v !== null && typeof v === "object" && !Array.isArray(v) && "value" in v) {
      const ref = "ref" in v ? ` (${shown((v as { ref: unknown }).ref)})` : "";
      return `${name}: ${shown((v as { value: unknown }).value)}${ref}`;
    }
    return undefined;
  };
  const pair = [side("value ", details.value), side("equals", details.equals)].filter((l) => l !== undefined);
  if (pair.length === 2) return pair;
  if ("expected" in details && "computed" in details) {
    return [`computed: ${shown(details.computed)}`, `expected: ${shown(details.expected)}`];
  }
  return [];
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

/** Verifies `<bundle>.cose`, the packer's signature, with the packer's public key before the bundle is used. */
async function checkBundleSignature(bundle: string, keyFile: string, io: Io, json: boolean | undefined): Promise<void> {
  const key = importAuditorPublicKey(await readInput(keyFile), { what: `packer public key ${keyFile}` });
  const signature = await verifyBundleSignature(await readInput(`${bundle}.cose`), await readInput(bundle), key);
  const line = `Bundle ${bundle} signed by ${signature.issuer} (key ${signature.kid}) at ${
    new Date(signature.iat * 1000).toISOString().replace(".000Z", "Z")
  }`;
  if (json) io.err(line);
  else io.out(line);
}

function parseAt(value: string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const at = parseUtcTime(value);
  if (!at) throw usage(`run: --at must be an ISO-8601 UTC time such as 2026-11-01T00:00:00Z; found '${value}'`);
  return at;
}

const OPTIONS = {
  out: { type: "string" },
  force: { type: "boolean" },
  "signing-key": { type: "string" },
  "no-sign": { type: "boolean" },
  "expect-sha256": { type: "string" },
  "bundle-key": { type: "string" },
  at: { type: "string" },
  json: { type: "boolean" },
} as const;

async function run({ values, positionals }: Parsed<typeof OPTIONS, true>, io: Io): Promise<number> {
  if (values["signing-key"] !== undefined && values["no-sign"]) {
    throw usage("run: --signing-key and --no-sign cannot be combined");
  }
  if (values.force && values.out === undefined) throw usage("run: --force needs --out DIR");
  const at = parseAt(values.at);
  const expected = values["expect-sha256"]?.toLowerCase();
  if (expected !== undefined && !/^[0-9a-f]{64}$/.test(expected)) {
    throw usage(`run: --expect-sha256 needs 64 hex digits; found '${values["expect-sha256"]}'`);
  }
  if (values["bundle-key"] !== undefined) {
    await checkBundleSignature(positionals[0]!, values["bundle-key"], io, values.json);
  }
  const opened = await openAudit(positionals[0]!, expected !== undefined ? { expectSha256: expected } : {});

  // Everything that could stop the reports from being written is checked before the audit runs.
  const keyPath = values["no-sign"] ? undefined : values["signing-key"] ?? opened.signingKeyPath;
  let signingKey: { bytes: Uint8Array; name: string } | undefined;
  if (keyPath !== undefined && (values.out !== undefined || values["signing-key"] !== undefined)) {
    signingKey = { bytes: await readInput(keyPath), name: keyPath };
    await importAuditorKey(signingKey.bytes, { what: `auditor key ${keyPath}` });
  }
  if (values.out !== undefined) await prepareOutput(values.out, { force: values.force ?? false });

  const report = await runOpenedAudit(opened, at ? { at } : {});
  if (values.json) {
    io.out(fromUtf8(encodeOrFail(report)));
  } else {
    for (const f of report.findings) {
      if (!values.quiet || f.status === "fail") printFinding(io, f, values.verbose ?? false, values.quiet ?? false);
    }
    printSummary(io, report);
  }
  if (values.out !== undefined) {
    const { files } = await writeReports(report, values.out, {
      ...(signingKey !== undefined ? { signingKey } : {}),
      ...(opened.playbook.report.issuer !== undefined ? { issuer: opened.playbook.report.issuer } : {}),
      force: values.force ?? false,
      ...(opened.bundleSha256 !== undefined ? { bundleSha256: opened.bundleSha256 } : {}),
      describeSignature: true,
    });
    const message = `Reports written to ${values.out}: ${files.map((f) => f.split(/[\\/]/).pop()).join(", ")}${
      signingKey === undefined ? " (not signed)" : ""
    }`;
    if (values.json) io.err(message);
    else io.out(message);
  }
  return exitOf(report);
}

/** The `run` command. */
export const runCommand: Command = defineCommand({
  name: "run",
  summary: "run an audit playbook or bundle offline and write the reports",
  help: HELP,
  options: OPTIONS,
  positionals: { min: 1, max: 1, usage: "name one playbook or bundle" },
  verbosity: true,
  run,
});
