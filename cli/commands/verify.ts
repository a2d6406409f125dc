/**
 * `scitt-audit verify`: verifies transparent statements offline and reports every receipt.
 *
 * @module
 */

import {
  AUTHORIZED_BEHAVIORS,
  type AuthorizedReceiptBehavior,
  DEFAULT_RECEIPT_POLICY,
  type ReceiptPolicy,
  UNAUTHORIZED_BEHAVIORS,
  type UnauthorizedReceiptBehavior,
} from "../../core/receipts/policy.ts";
import type { KeyImport } from "../../core/trust/import_keys.ts";
import { type CborInput, encodeCbor } from "../../core/cbor_encode.ts";
import { HEADER } from "../../core/cose/labels.ts";
import { type CoseSign1, decodeCoseSign1 } from "../../core/cose/sign1.ts";
import { AuditError } from "../../core/errors.ts";
import {
  type StatementReport,
  statementReportJson,
  type StatementTrust,
  verifyTransparentStatement,
} from "../../core/statement/mod.ts";
import { fileVerifier, LARGE_SET, type Outcome, outcomeOf, verifyInThread, verifyInWorkers } from "../bulk.ts";
import { type Command, defineCommand, type Parsed, withFile } from "../command.ts";
import { EXIT, type ExitStatus, usage, worstExit } from "../exit.ts";
import { baseName, cleanText, type Io, paint, readInput } from "../io.ts";
import { ProgressBar } from "../progress.ts";
import { explainUndecodable, listStatementFiles } from "../statement_files.ts";
import { loadSignerPolicy, loadTrustStore, type SignerOptions } from "../trust.ts";

const HELP = `Usage: scitt-audit verify <statement or directory>... --keys ISSUER=FILE... [options]

Verifies MST / SCITT transparent statements offline, as the Azure Code Transparency SDKs do: the statement
signature with its x5chain leaf, the did:x509 issuer against the chain, every receipt (CCF, vds 2, or
RFC 9162 SHA-256, vds 1) against the statement with its issuer's own keys, and the receipt policy. A
directory stands for the *.cose and *.scitt files below it, in sorted order; results are reported in the
order given.

Keys (repeatable, loaded in order):
  --keys ISSUER=FILE     keys of one transparency service: /jwks JSON, /.well-known/scitt-keys CBOR,
                         a pyscitt trust store (serviceCertificate JSON), or any of the formats below
  --keys FILE            formats that name their issuers: {"<host>": {"keys": [...]}}, the .NET trust store,
                         a signed transparency trust list (.cose; its receipts must verify with keys loaded
                         before it and its signer must be given with --trust-list-signer)
  --trust-list-signer DID  accept signed trust lists issued by this did:x509 ('*' patterns as for --signer;
                         repeatable)

Receipt policy (defaults as in the SDKs, except the authorized domains):
  --authorized-domains a,b           issuers whose receipts are authorized; default: every issuer that
                                     --keys loaded keys for (said in the output). Give an empty value
                                     (--authorized-domains=) for the SDK default of no authorized domain.
  --authorized-receipt-behavior B    VerifyAnyMatching | VerifyAllMatching (default) | RequireAll
  --unauthorized-receipt-behavior B  VerifyAll | IgnoreAll | FailIfPresent (default)

Signer and time (the signer policy a playbook's trust section sets for 'run'; a mismatch makes the statement
invalid, exit 1):
  --signer DID                       accept only this issuer (a did:x509 DID; '*' matches any run of
                                     characters, e.g. 'did:x509:0:sha256:abc::*'); repeatable, any may match
  --certificate-identity ID          the x5chain leaf must have this identity: its subject DN, a SAN (an
                                     email, DNS name or URI) or an EKU OID, optionally typed as subject:,
                                     email:, dns:, uri:, dn: or eku:; repeatable, any may match
  --certificate-identity-regexp RE   the same, by a regular expression (anchor it with ^...$)
  --at TIME                          evaluate at this ISO-8601 UTC time: the leaf certificate's validity
                                     then is reported (outside it: a warning; an error with --strict)
  --strict                           a leaf certificate not valid at --at makes the statement invalid
  --x509-roots FILE                  the x5chain must end in a root from this PEM or DER file and be a
                                     valid chain to it (at --at, when given); repeatable
  --receipt FILE                     a detached receipt (COSE_Sign1) for the statement, verified as if it
                                     were in its header 394 (one statement only); repeatable
  --payload FILE                     the artifact (one statement only): a detached payload is what the
                                     statement's signature is verified over; for a hash envelope (labels
                                     258/259/260) its digest must equal the registered payload; otherwise it
                                     must equal the attached payload byte for byte

Bulk verification:
  --workers N     verify in N worker threads (default: auto, one per core, 2 to 4, from ${LARGE_SET}
                  statements up; 1 below that)

Output:
  --json          for one statement, one JSON object: {"policy", "keys", "statements": [{...}]}; for many,
                  JSON Lines: one object per statement ({"file": the path as given, "valid", "digest",
                  "statement", "signature", "identity", "receipts", "policy", "warnings", "checks",
                  "error"?}), in the order given, then one summary line:
                  {"summary": {"statements", "valid", "invalid", "exit"}, "policy", "keys"}
  --json-lines    JSON Lines even for one statement
  -v, --verbose   explain each step
  -q, --quiet     print only failures
  -h, --help      this help

Exit status: 0 every statement valid; 1 at least one invalid; 2 usage error; 3 malformed input;
4 a named file is missing.

Example:
  scitt-audit verify uvm.cose --keys esrp-cts-db.confidential-ledger.azure.com=keys.json`;

function pick<T extends string>(value: string | undefined, allowed: readonly T[], option: string, fallback: T): T {
  if (value === undefined) return fallback;
  const found = allowed.find((a) => a.toLowerCase() === value.toLowerCase());
  if (!found) throw usage(`${option} must be one of ${allowed.join(", ")}; found '${value}'`);
  return found;
}

interface PolicyChoice {
  readonly policy: ReceiptPolicy;
  /** "option" when --authorized-domains was given, "keys" when taken from the loaded keys. */
  readonly domainsFrom: "option" | "keys";
}

function choosePolicy(values: Record<string, unknown>, keyIssuers: readonly string[]): PolicyChoice {
  const domains = values["authorized-domains"] as string | undefined;
  return {
    policy: {
      authorizedDomains: domains === undefined ? keyIssuers : domains.split(",").map((d) => d.trim()).filter(Boolean),
      authorizedReceiptBehavior: pick<AuthorizedReceiptBehavior>(
        values["authorized-receipt-behavior"] as string | undefined,
        AUTHORIZED_BEHAVIORS,
        "--authorized-receipt-behavior",
        DEFAULT_RECEIPT_POLICY.authorizedReceiptBehavior,
      ),
      unauthorizedReceiptBehavior: pick<UnauthorizedReceiptBehavior>(
        values["unauthorized-receipt-behavior"] as string | undefined,
        UNAUTHORIZED_BEHAVIORS,
        "--unauthorized-receipt-behavior",
        DEFAULT_RECEIPT_POLICY.unauthorizedReceiptBehavior,
      ),
    },
    domainsFrom: domains === undefined ? "keys" : "option",
  };
}

function jsonStatement(outcome: Outcome): unknown {
  if ("error" in outcome) {
    return { file: outcome.file, valid: false, error: explainUndecodable(outcome.file, outcome.error) };
  }
  return { file: outcome.file, ...statementReportJson(outcome.report) };
}

/** The statement's failure for a human: the first policy failure, with a count of the rest. */
function reasonOf(r: StatementReport): string {
  const failures = r.policy.failures;
  if (r.error?.code !== "RECEIPT_POLICY_FAILED" || failures.length < 2) return r.error!.message;
  return `${failures[0]} (and ${failures.length - 1} more: see -v or --json)`;
}

function printHuman(io: Io, outcome: Outcome, verbose: boolean, quiet: boolean, bulk: boolean): void {
  // One statement is named by its file name; many by their paths as given, so two a.cose stay apart.
  const name = bulk ? outcome.file : baseName(outcome.file);
  const bad = paint(io, "red", "invalid");
  if ("error" in outcome) {
    io.out(
      `${outcome.exit === EXIT.MISSING ? paint(io, "red", "missing") : paint(io, "red", "error  ")}  ${name}  ${
        cleanText(explainUndecodable(outcome.file, outcome.error).message)
      }`,
    );
    return;
  }
  const r = outcome.report;
  if (quiet && r.valid) return;
  const s = r.statement;
  const about = [s.subject ?? "(no subject)", s.svn !== undefined ? `svn ${s.svn}` : undefined].filter(Boolean).join(
    " ",
  );
  io.out(
    r.valid ? `${paint(io, "green", "valid  ")}  ${name}  ${about}` : `${bad}  ${name}  ${cleanText(reasonOf(r))}`,
  );
  if (verbose) {
    io.out(
      `  statement: ${s.alg}, ${s.layout} claims, issuer ${s.issuer ?? "(none)"}${
        s.iatIso ? `, issued ${s.iatIso}` : ""
      }`,
    );
    io.out(`  digest of the statement without its unprotected header: ${r.digest}`);
    io.out(
      `  signature: ${r.signature.valid ? "valid" : `INVALID (${r.signature.error?.message})`}${
        r.signature.signer ? `, signer ${r.signature.signer}` : ""
      }`,
    );
    io.out(
      `  issuer: ${
        r.identity.valid
          ? "did:x509 resolves against x5chain to the signing key"
          : `INVALID (${r.identity.error?.message})`
      }`,
    );
  }
  for (const rc of r.receipts) {
    const status = rc.valid
      ? paint(io, "green", "valid")
      : rc.treatment === "ignored"
      ? paint(io, "yellow", "ignored")
      : paint(io, "red", "invalid");
    const where = rc.registeredTxid || rc.signedTxid
      ? `registered at ${rc.registeredTxid ?? "?"}, signed at ${rc.signedTxid ?? "?"}${
        rc.signedAt ? ` (${rc.signedAt})` : ""
      }`
      : "";
    const reason = rc.error && !rc.valid ? `  ${cleanText(rc.error.message)}` : "";
    if (quiet && rc.valid) continue;
    io.out(`  receipt ${rc.index}  ${status}  ${rc.issuer}  ${where}${reason}`.trimEnd());
    if (verbose) {
      io.out(
        `    kid ${rc.kid ?? "(none)"}, vds ${rc.vds ?? "(none)"}, ${rc.alg ?? "no alg"}, policy: ${rc.treatment}`,
      );
      if (rc.root) io.out(`    root ${rc.root}`);
      if (rc.entryUrl) io.out(`    entry ${rc.entryUrl}`);
    }
  }
  if (verbose) io.out(`  policy: ${r.policy.ok ? "pass" : `FAIL (${r.policy.failures.join("; ")})`}`);
  if (verbose) {
    for (const c of r.signerChecks) {
      io.out(`  ${c.id}: ${c.status === "pass" ? "pass" : "FAIL"} (${cleanText(c.message)})`);
    }
  }
  for (const w of r.warnings) if (!quiet) io.out(`  ${paint(io, "yellow", "warning")}: ${w}`);
}

function printKeys(
  io: Io,
  imports: readonly KeyImport[],
  choice: PolicyChoice,
  verbose: boolean,
  quiet: boolean,
): void {
  for (const k of imports) {
    for (const w of k.warnings) if (!quiet) io.err(`warning: ${w}`);
    if (verbose) {
      io.out(
        `keys: ${k.file} (${k.format}) for ${
          k.issuers.join(", ") || "(none)"
        }: ${k.added} added, ${k.duplicates} already trusted`,
      );
    }
  }
  if (quiet) return;
  const p = choice.policy;
  const domains = p.authorizedDomains.length > 0 ? p.authorizedDomains.join(", ") : "(none)";
  const from = choice.domainsFrom === "keys" ? " (every issuer with keys; set --authorized-domains to choose)" : "";
  if (verbose || choice.domainsFrom === "keys") io.out(`authorized domains: ${domains}${from}`);
  if (verbose) io.out(`receipt behaviour: ${p.authorizedReceiptBehavior} / ${p.unauthorizedReceiptBehavior}`);
}

const OPTIONS = {
  keys: { type: "string", multiple: true },
  "trust-list-signer": { type: "string", multiple: true },
  "authorized-domains": { type: "string" },
  "authorized-receipt-behavior": { type: "string" },
  "unauthorized-receipt-behavior": { type: "string" },
  workers: { type: "string" },
  signer: { type: "string", multiple: true },
  "certificate-identity": { type: "string", multiple: true },
  "certificate-identity-regexp": { type: "string", multiple: true },
  at: { type: "string" },
  strict: { type: "boolean" },
  payload: { type: "string" },
  "x509-roots": { type: "string", multiple: true },
  receipt: { type: "string", multiple: true },
  json: { type: "boolean" },
  "json-lines": { type: "boolean" },
} as const;

async function run({ values, positionals }: Parsed<typeof OPTIONS, true>, io: Io): Promise<number> {
  const keys = values.keys ?? [];
  const trustListSigners = values["trust-list-signer"] ?? [];
  const { store, imports } = await loadTrustStore(keys, trustListSigners);
  const choice = choosePolicy(values, store.issuers());
  const files = await listStatementFiles(positionals);
  const workers = chooseWorkers(values.workers, files.length);
  const receipts = values.receipt ?? [];
  if (receipts.length > 0 && files.length !== 1) throw usage("verify: --receipt needs exactly one statement");
  if (values.payload !== undefined && files.length !== 1) throw usage("verify: --payload needs exactly one statement");
  const signerOptions: SignerOptions = {
    signers: values.signer ?? [],
    identities: values["certificate-identity"] ?? [],
    patterns: values["certificate-identity-regexp"] ?? [],
    roots: values["x509-roots"] ?? [],
    ...(values.at !== undefined ? { at: values.at } : {}),
    strict: values.strict ?? false,
  };
  const signers = await loadSignerPolicy(signerOptions);
  // One statement with detached parts (receipts, or the artifact its payload stands for) is verified here, whole.
  const artifact = values.payload === undefined ? undefined : await readInput(values.payload);
  let outcomes: AsyncIterable<Outcome> = receipts.length > 0 || artifact
    ? withDetachedParts(files[0]!, receipts, { trustStore: store, policy: choice.policy, signers }, artifact)
    : workers === 1
    ? verifyInThread(files, fileVerifier(store, choice.policy, signers).verify)
    : verifyInWorkers(files, { keys, trustListSigners, policy: choice.policy, signers: signerOptions }, { workers });
  if (keys.length === 0) outcomes = await withoutKeys(outcomes);

  const verbose = values.verbose ?? false;
  const quiet = values.quiet ?? false;
  const json = values.json ?? false;
  const lines = values["json-lines"] ?? false;
  if (json && lines) throw usage("verify: --json and --json-lines cannot be combined");
  // One statement is one object; many are JSON Lines, one object per statement as it is verified, then a summary.
  if (lines || (json && files.length > 1)) return await printJsonLines(io, outcomes, imports, choice);
  if (json) {
    const head = JSON.stringify({
      policy: { ...choice.policy, authorizedDomainsFrom: choice.domainsFrom },
      keys: imports,
    });
    io.write(`${head.slice(0, -1)},"statements":[`);
  } else {
    printKeys(io, imports, choice, verbose, quiet);
  }
  const progress = io.status && !json && !quiet ? new ProgressBar(io.status, files.length) : undefined;
  const exits = new Set<ExitStatus>();
  let count = 0;
  let valid = 0;
  try {
    for await (const outcome of outcomes) {
      if (json) io.write(`${count > 0 ? "," : ""}${JSON.stringify(jsonStatement(outcome))}`);
      else {
        progress?.clear();
        printHuman(io, outcome, verbose, quiet, files.length > 1);
      }
      count++;
      if (outcome.exit === EXIT.OK) valid++;
      exits.add(outcome.exit);
      progress?.update(count);
    }
  } finally {
    progress?.clear();
  }
  if (json) io.out("]}");
  else if (!quiet && count > 1) io.out(`${valid} valid, ${count - valid} not valid (${count} statements)`);
  return worstExit([...exits]);
}

/**
 * Verifies one statement with detached receipts added to its header 394 (the unprotected header, which neither
 * the signature nor the receipts' claims digest covers, so this is what a statement carrying them would be) and
 * the artifact of `--payload`: when the statement's payload is detached, its signature is verified over it.
 */
async function* withDetachedParts(
  file: string,
  receiptFiles: readonly string[],
  trust: StatementTrust,
  artifact: Uint8Array | undefined,
): AsyncGenerator<Outcome> {
  const detached: Uint8Array[] = [];
  for (const receiptFile of receiptFiles) {
    const bytes = await readInput(receiptFile);
    await withFile(receiptFile, () => decodeCoseSign1(bytes, { what: "receipt" }));
    detached.push(bytes);
  }
  yield await outcomeOf(file, (bytes) => {
    const message = decodeCoseSign1(bytes, { what: "statement" });
    const combined = detached.length > 0 ? attachReceipts(message, detached) : bytes;
    return verifyTransparentStatement(combined, {
      ...trust,
      // Without detached receipts the bytes are the statement as decoded: it is not decoded again.
      ...(detached.length === 0 ? { decoded: message } : {}),
      ...(artifact ? { artifact } : {}),
      ...(artifact && message.payload === null ? { detachedPayload: artifact } : {}),
    });
  });
}

/** The statement re-encoded with `receipts` appended to the receipts of its header 394. */
function attachReceipts(message: CoseSign1, receipts: readonly Uint8Array[]): Uint8Array {
  const existing = message.unprotectedHeader.get(HEADER.RECEIPTS);
  const before = existing === undefined ? [] : Array.isArray(existing) ? existing : [existing];
  const unprotected = new Map(message.unprotectedHeader);
  unprotected.set(HEADER.RECEIPTS, [...before, ...receipts]);
  let map: Uint8Array;
  try {
    map = encodeCbor(unprotected as unknown as CborInput);
  } catch {
    throw new AuditError(
      "COSE_MALFORMED",
      "Cannot add detached receipts: the unprotected header holds values that cannot be encoded again",
    );
  }
  const parts = [
    ...(message.tagged ? [new Uint8Array([0xd2])] : []),
    new Uint8Array([0x84]),
    message.raw.protected,
    map,
    message.raw.payload,
    message.raw.signature,
  ];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

async function printJsonLines(
  io: Io,
  outcomes: AsyncIterable<Outcome>,
  imports: readonly KeyImport[],
  choice: PolicyChoice,
): Promise<number> {
  const exits: ExitStatus[] = [];
  let valid = 0;
  for await (const outcome of outcomes) {
    io.out(JSON.stringify(jsonStatement(outcome)));
    exits.push(outcome.exit);
    if (outcome.exit === EXIT.OK) valid++;
  }
  const exit = worstExit(exits);
  io.out(JSON.stringify({
    summary: { statements: exits.length, valid, invalid: exits.length - valid, exit },
    policy: { ...choice.policy, authorizedDomainsFrom: choice.domainsFrom },
    keys: imports,
  }));
  return exit;
}

/**
 * Without `--keys` no receipt can verify: files that cannot be read or decoded are still reported as such, but
 * a statement that decodes is never called invalid for want of keys; that is the usage error it really is.
 */
async function withoutKeys(outcomes: AsyncIterable<Outcome>): Promise<AsyncIterable<Outcome>> {
  const all: Outcome[] = [];
  for await (const outcome of outcomes) all.push(outcome);
  if (all.some((o) => "report" in o)) {
    throw usage(
      "verify: name the transparency service's keys with --keys ISSUER=FILE; usage: scitt-audit verify <statement or directory>... --keys ISSUER=FILE... [options]",
    );
  }
  return (async function* () {
    yield* all;
  })();
}

/** The most worker threads `--workers auto` starts. */
const MAX_AUTO_WORKERS = 4;
/** The most worker threads `--workers N` accepts. */
const MAX_WORKERS = 64;

/** `--workers`: a number from 1 to 64, or auto (one per core, 2 to 4, for large sets; 1 otherwise). */
function chooseWorkers(value: string | undefined, statements: number): number {
  if (value === undefined || value === "auto") {
    if (statements < LARGE_SET) return 1;
    return Math.min(MAX_AUTO_WORKERS, Math.max(2, navigator.hardwareConcurrency || 1));
  }
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_WORKERS) {
    throw usage(`--workers must be auto or a number from 1 to ${MAX_WORKERS}; found '${value}'`);
  }
  return n;
}

/** The `verify` command. */
export const verifyCommand: Command = defineCommand({
  name: "verify",
  summary: "verify transparent statements and their receipts offline",
  help: HELP,
  options: OPTIONS,
  positionals: { min: 1, usage: "name at least one statement file" },
  verbosity: true,
  run,
});
