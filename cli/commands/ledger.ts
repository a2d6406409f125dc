/**
 * `scitt-audit ledger verify | entries | compare`: the whole-ledger audit of a CCF service from its chunk files.
 *
 * @module
 */

import {
  checkLedgerState,
  IssuerPatterns,
  LEDGER_LEVELS,
  type LedgerAuditOptions,
  type LedgerEntry,
  type LedgerLevel,
  type LedgerState,
  type LedgerSummary,
  parseWorkingHours,
  type ReceiptClaim,
  receiptClaims,
} from "../../core/ledger/mod.ts";
import { compareLedgers } from "../../core/ledger/compare.ts";
import { parseUtcTime } from "../../core/time.ts";
import { type Command, defineCommand, defineGroup, type Parsed, withFile } from "../command.ts";
import { CliError, EXIT, usage } from "../exit.ts";
import { type Io, paint, readInput } from "../io.ts";
import { auditLedgerFiles, findLedgerFiles, readChunk } from "../ledger_files.ts";
import { writeProblem } from "../report_output.ts";
import { listStatementFiles } from "../statement_files.ts";

const HELP = `Usage: scitt-audit ledger verify <folder|file>... [--level offsets|headers|merkle|full] [--include-open]
           [--state FILE] [--statements <statement|folder>...] [--expect-issuer PATTERN]...
           [--working-hours "Mon-Fri 08:00-18:00 +01:00"] [--from TIME] [--to TIME] [--json] [-v|-q]
       scitt-audit ledger entries <folder|file>... [--issuer PATTERN]... [--from TIME] [--to TIME] [--level L] [--json]
       scitt-audit ledger compare <ledger A> <ledger B> [--json]

Audits the ledger files of a CCF service (MST, Azure Confidential Ledger, any CCF application) offline. The
private domain is never needed. A folder is read for its ledger_<start>-<end>.committed files; open chunks
(ledger_<start>) are read only when named or with --include-open.

verify checks, by level (each includes the ones before it; default full):
  offsets  the positions table: every offset inside the file, ascending, each transaction ending where the
           next begins and the last at the table; chunks contiguous from the first, no gap, no overlap;
           files of the same name in two folders identical; each file name's range equal to the seqnos
           inside it; every committed chunk ends on a signature transaction
  headers  each transaction header: known entry type and flags, 0 < size <= 1 GiB
  merkle   every leaf recomputed; each signed root equal to the root of every transaction before it (a ledger
           that starts mid-way trusts its first signed tree, as CCF's reader does)
  full     node signatures over each root with the node certificates the ledger records (signing node
           known and not Pending), COSE root signatures with the service identity in force, service status
           transitions, disaster recoveries and the new identity's endorsement, registered statements'
           signatures with their x5chain
It also reports the service identities, the governance timeline (constitution, members, nodes, join policy,
SCITT configuration) with findings for SVN or TCB rollbacks, measurements or host data added after the service
opened and nodes trusted with a measurement not allowed; transactions after the last signature (not yet
proven); and every registered statement (public:scitt.entry) with its digest against the claims digest.

Options:
  --level L             offsets | headers | merkle | full (default full)
  --include-open        also read open chunks found in folders
  --state FILE          resume after the state saved in FILE (if it exists) and save the new state there when
                        the audit verifies: only new chunks are read, and their signed roots prove that the
                        ledger extends the saved one
  --statements P...     transparent statements (files or folders of .cose/.scitt) whose CCF receipts must
                        sign roots this ledger signed: a different root is split-view evidence (repeatable)
  --expect-issuer P     the watch list: an entry whose issuer matches no pattern is a finding (repeatable;
                        '*' matches anything, e.g. 'did:x509:0:sha256:abc*')
  --working-hours H     entries registered outside these hours are findings, e.g. 'Mon-Fri 08:00-18:00 +01:00'
  --from TIME, --to TIME  judge and count only entries registered in [from, to) (ISO-8601 UTC)
  --json                print one JSON object (shape in the README)
  -v, --verbose         list the governance timeline and identities in full
  -q, --quiet           print only the verdict and errors
  -h, --help            this help

entries lists the signing events of the service over a period, each with its proof: txid, claims digest, the
signature transaction and root that prove it, issuer, subject, time; --json prints one JSON object per line.

compare checks two copies of one service's ledger: files of the same name must hold the same bytes and the
shorter ledger must be a prefix of the longer, transaction by transaction.

Exit status: 0 everything verifies; 1 an integrity check failed (tampered bytes, bad signature, gap, overlap,
truncation, unparseable chunk, names that disagree with the content, split view); 2 usage error; 3 malformed
input (a statement file, a state file); 4 a named path is missing.

Example:
  scitt-audit ledger verify ledger/ --expect-issuer 'did:x509:0:sha256:*::eku:1.3.6.1.4.1.311.76.59.1.2'`;

const OPTIONS = {
  level: { type: "string" },
  "include-open": { type: "boolean" },
  state: { type: "string" },
  statements: { type: "string", multiple: true },
  "expect-issuer": { type: "string", multiple: true },
  issuer: { type: "string", multiple: true },
  "working-hours": { type: "string" },
  from: { type: "string" },
  to: { type: "string" },
  json: { type: "boolean" },
} as const;

type Values = Parsed<typeof OPTIONS, true>["values"];

function time(value: string | undefined, option: string): Date | undefined {
  if (value === undefined) return undefined;
  const date = parseUtcTime(value);
  if (!date) throw usage(`ledger: --${option} '${value}' is not an ISO-8601 UTC time such as 2026-03-01T00:00:00Z`);
  return date;
}

function level(value: string | undefined): LedgerLevel {
  if (value === undefined) return "full";
  if (!(LEDGER_LEVELS as readonly string[]).includes(value)) {
    throw usage(`ledger: --level '${value}' is not one of ${LEDGER_LEVELS.join(", ")}`);
  }
  return value as LedgerLevel;
}

/** A state file is small (a frontier of at most 53 hashes, identities and the join policy): 64 MiB is plenty. */
const MAX_STATE_BYTES = 64 * 1024 * 1024;

function readState(path: string): LedgerState | undefined {
  let text: string;
  try {
    const info = Deno.statSync(path);
    if (!info.isFile) throw new CliError(EXIT.MALFORMED, `Cannot read ${path}: not a regular file`);
    if (info.size > MAX_STATE_BYTES) {
      throw new CliError(
        EXIT.MALFORMED,
        `Cannot read ${path}: ${info.size} bytes is too large for a ledger state file`,
      );
    }
    text = Deno.readTextFileSync(path);
  } catch (error) {
    if (error instanceof CliError) throw error;
    if (error instanceof Deno.errors.NotFound) return undefined;
    throw new CliError(EXIT.MISSING, `Cannot read ${path}: ${(error as Error).message}`);
  }
  let state: unknown;
  try {
    state = JSON.parse(text);
  } catch {
    throw new CliError(EXIT.MALFORMED, `${path}: not a ledger state file (not JSON)`);
  }
  if (typeof state !== "object" || state === null || (state as LedgerState).format !== "scitt-audit-ledger-state/1") {
    throw new CliError(EXIT.MALFORMED, `${path}: not a ledger state file (no format "scitt-audit-ledger-state/1")`);
  }
  try {
    return checkLedgerState(state);
  } catch (error) {
    throw new CliError(EXIT.MALFORMED, `${path}: ${(error as Error).message}`);
  }
}

function writeState(path: string, state: LedgerState): void {
  const temporary = `${path}.partial`;
  try {
    Deno.writeTextFileSync(temporary, JSON.stringify(state, null, 1) + "\n");
    Deno.renameSync(temporary, path);
  } catch (error) {
    throw new CliError(EXIT.MISSING, writeProblem(path, error));
  }
}

async function receiptsOf(paths: readonly string[] | undefined): Promise<ReceiptClaim[]> {
  if (!paths?.length) return [];
  const claims: ReceiptClaim[] = [];
  for (const file of await listStatementFiles(paths)) {
    claims.push(...await withFile(file, async () => receiptClaims(await readInput(file), file)));
  }
  return claims;
}

async function auditOptions(values: Values, patterns: readonly string[] | undefined): Promise<LedgerAuditOptions> {
  let workingHours;
  try {
    workingHours = values["working-hours"] === undefined ? undefined : parseWorkingHours(values["working-hours"]);
  } catch (error) {
    throw usage(`ledger: --working-hours: ${(error as Error).message}`);
  }
  const from = time(values.from, "from");
  const to = time(values.to, "to");
  const state = values.state === undefined ? undefined : readState(values.state);
  return {
    level: level(values.level),
    ...(patterns?.length ? { watch: new IssuerPatterns(patterns) } : {}),
    ...(workingHours ? { workingHours } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(state ? { state } : {}),
    receipts: await receiptsOf(values.statements),
  };
}

function printSummary(io: Io, s: LedgerSummary, verbose: boolean, quiet: boolean): void {
  const errors = s.findings.filter((f) => f.severity === "error");
  const warnings = s.findings.filter((f) => f.severity === "warning");
  const verdict = s.verified ? paint(io, "green", "VERIFIED") : paint(io, "red", "FAILED");
  io.out(`ledger ${verdict}  (level ${s.level})`);
  if (!quiet) {
    const range = s.firstSeqno === null ? "no transaction read" : `seqnos ${s.firstSeqno}–${s.lastSeqno}`;
    io.out(`  range       ${range}: ${s.transactions} transactions in ${s.chunks.length} chunk(s)`);
    io.out(
      `  signatures  ${s.signatures}; last signed ${s.lastSignedTxid ?? "none"}${
        s.lastSignedRoot ? ` root ${s.lastSignedRoot}` : ""
      }; last verified ${s.lastVerifiedTxid ?? "none"}; unsigned tail ${s.unsignedTail}`,
    );
    io.out(`  identities  ${s.serviceIdentities.length}`);
    for (const id of verbose ? s.serviceIdentities : s.serviceIdentities.slice(0, 3)) {
      const endorsed = id.endorsedByPrevious === undefined
        ? ""
        : id.endorsedByPrevious === null
        ? "; recovery, no endorsement seen"
        : id.endorsedByPrevious
        ? "; recovery, endorsed by the previous identity"
        : "; recovery, endorsed only by itself";
      io.out(
        `    ${id.subject}  sha256 ${id.sha256}  from seqno ${id.firstSeqno}  valid ${id.notBefore}..${id.notAfter}${endorsed}`,
      );
    }
    io.out(
      `  governance  ${s.governance.length} change(s)${verbose || s.governance.length === 0 ? "" : " (-v lists them)"}`,
    );
    if (verbose) {
      for (const g of s.governance) {
        io.out(
          `    ${String(g.seqno).padStart(8)}  ${g.kind.padEnd(20)} ${g.summary}${
            g.proposer ? `  (proposed by ${g.proposer.slice(0, 16)}…)` : ""
          }`,
        );
      }
    }
    const issuers = Object.entries(s.entries.byIssuer);
    io.out(
      `  entries     ${s.entries.registered} registered statement(s)${
        issuers.length ? ` from ${issuers.length} issuer(s)` : ""
      }`,
    );
    if (verbose) { for (const [issuer, n] of issuers) io.out(`    ${String(n).padStart(8)}  ${issuer}`); }
  }
  io.out(`  findings    ${errors.length} error(s), ${warnings.length} warning(s)`);
  for (const f of s.findings) {
    if (f.severity === "info" && !verbose) continue;
    if (f.severity === "warning" && quiet) continue;
    const colour = f.severity === "error" ? "red" : f.severity === "warning" ? "yellow" : "dim";
    io.out(`  ${paint(io, colour, f.severity.padEnd(7))} ${f.code}  ${f.message}`);
  }
}

async function verify(paths: string[], values: Values, io: Io): Promise<number> {
  const options = await auditOptions(values, values["expect-issuer"]);
  const found = findLedgerFiles(paths, values["include-open"] ?? false);
  const audit = await auditLedgerFiles(found, { ...options, includeOpen: values["include-open"] ?? false }, io);
  const { summary, state } = audit.finish();
  if (values.json) io.out(JSON.stringify(summary));
  else printSummary(io, summary, values.verbose ?? false, values.quiet ?? false);
  if (values.state !== undefined && state) {
    writeState(values.state, state);
    if (!values.json && !values.quiet) {
      io.out(`  state       saved to ${values.state} (through seqno ${state.lastSeqno})`);
    }
  }
  return summary.verified ? EXIT.OK : EXIT.FAILED;
}

function entryLine(e: LedgerEntry): string {
  const proof = e.proof ? `${e.proof.signatureTxid} root ${e.proof.root}` : "not yet signed";
  return `${e.txid.padEnd(12)} ${e.registeredAt ?? "-".padEnd(20)}  ${e.issuer ?? "(no issuer)"}  ${
    e.subject ?? "(no subject)"
  }  claims ${e.claimsDigest}  proof ${proof}`;
}

async function entries(paths: string[], values: Values, io: Io): Promise<number> {
  const patterns = values.issuer?.length ? new IssuerPatterns(values.issuer) : undefined;
  const options = await auditOptions({ ...values, statements: [] }, undefined);
  let listed = 0;
  const onEntry = (entry: LedgerEntry) => {
    if (patterns && !patterns.matches(entry.issuer ?? "")) return;
    listed++;
    io.out(values.json ? JSON.stringify(entry) : entryLine(entry));
  };
  const found = findLedgerFiles(paths, values["include-open"] ?? false);
  const audit = await auditLedgerFiles(
    found,
    { ...options, onEntry, includeOpen: values["include-open"] ?? false },
    io,
  );
  const { summary } = audit.finish();
  const errors = summary.findings.filter((f) => f.severity === "error");
  if (values.json) {
    io.out(
      JSON.stringify({
        summary: { verified: summary.verified, listed, lastSignedTxid: summary.lastSignedTxid, findings: errors },
      }),
    );
  } else {
    io.out(
      `${listed} entr${listed === 1 ? "y" : "ies"} listed; ledger ${
        summary.verified ? "verified" : "FAILED"
      } at level ${summary.level}`,
    );
    for (const f of errors) io.out(`  error   ${f.code}  ${f.message}`);
  }
  return summary.verified ? EXIT.OK : EXIT.FAILED;
}

function compare(paths: string[], values: Values, io: Io): number {
  const [a, b] = paths.map((p) => findLedgerFiles([p], values["include-open"] ?? true)) as [
    ReturnType<typeof findLedgerFiles>,
    ReturnType<typeof findLedgerFiles>,
  ];
  const load = (found: ReturnType<typeof findLedgerFiles>) =>
    [...found.files.values()].map((f) => ({ name: f.name, read: () => readChunk(f) }));
  const result = compareLedgers(load(a), load(b));
  if (values.json) io.out(JSON.stringify(result));
  else {
    io.out(
      `${result.consistent ? paint(io, "green", "CONSISTENT") : paint(io, "red", "DIFFERENT")}  ${result.message}`,
    );
    for (const f of result.findings) io.out(`  ${paint(io, "red", "error  ")} ${f.code}  ${f.message}`);
  }
  return result.consistent ? EXIT.OK : EXIT.FAILED;
}

/** `entries` and `compare` accept the options of `verify` only to say whose they are. */
function refuseVerifyOptions(command: string, values: Values): void {
  for (const option of ["state", "statements", "expect-issuer", "working-hours"] as const) {
    if (values[option] !== undefined) throw usage(`${command}: --${option} is an option of 'ledger verify'`);
  }
}

const LEDGERS = { min: 1, usage: "expected a ledger folder or chunk file" };

/** The `ledger` command. */
export const ledgerCommand: Command = defineGroup({
  name: "ledger",
  summary: "audit a CCF service's ledger files: integrity, identities, governance, signing events",
  help: HELP,
  subcommands: [
    defineCommand({
      name: "ledger verify",
      help: HELP,
      options: OPTIONS,
      positionals: LEDGERS,
      verbosity: true,
      run: ({ values, positionals }, io) => verify(positionals, values, io),
    }),
    defineCommand({
      name: "ledger entries",
      help: HELP,
      options: OPTIONS,
      positionals: LEDGERS,
      verbosity: true,
      run: ({ values, positionals }, io) => {
        refuseVerifyOptions("ledger entries", values);
        return entries(positionals, values, io);
      },
    }),
    defineCommand({
      name: "ledger compare",
      help: HELP,
      options: OPTIONS,
      positionals: { min: 2, max: 2, usage: "expected two ledgers (folders or chunk files)" },
      verbosity: true,
      run: ({ values, positionals }, io) => {
        refuseVerifyOptions("ledger compare", values);
        return compare(positionals, values, io);
      },
    }),
  ],
});
