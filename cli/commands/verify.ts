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
import type { KeyImport } from "../../core/receipts/import_keys.ts";
import type { StatementReport } from "../../core/statement.ts";
import { fileVerifier, LARGE_SET, type Outcome, verifyInThread, verifyInWorkers } from "../bulk.ts";
import { EXIT, type ExitStatus, usage, worstExit } from "../exit.ts";
import { baseName, type Io, paint } from "../io.ts";
import { type Command, parseCommandArgs } from "../options.ts";
import { ProgressBar } from "../progress.ts";
import { listStatementFiles } from "../statement_files.ts";
import { loadTrustStore } from "../trust.ts";

const HELP = `Usage: scitt-audit verify <statement or directory>... --keys ISSUER=FILE... [options]

Verifies MST / SCITT transparent statements offline, as the Azure Code Transparency SDKs do: the statement
signature with its x5chain leaf, the did:x509 issuer against the chain, every receipt (CCF, vds 2) against
the statement with its issuer's own keys, and the receipt policy. A directory stands for the *.cose and
*.scitt files below it, in sorted order; results are reported in the order given.

Keys (repeatable, loaded in order):
  --keys ISSUER=FILE     keys of one transparency service: /jwks JSON, /.well-known/scitt-keys CBOR,
                         a pyscitt trust store (serviceCertificate JSON), or any of the formats below
  --keys FILE            formats that name their issuers: {"<host>": {"keys": [...]}}, the .NET trust store,
                         a signed transparency trust list (.cose; its receipts must verify with keys loaded
                         before it and its signer must be given with --trust-list-signer)
  --trust-list-signer DID  accept signed trust lists issued by this did:x509 (repeatable)

Receipt policy (defaults as in the SDKs, except the authorized domains):
  --authorized-domains a,b           issuers whose receipts are authorized; default: every issuer that
                                     --keys loaded keys for (said in the output). Give an empty value
                                     (--authorized-domains=) for the SDK default of no authorized domain.
  --authorized-receipt-behavior B    VerifyAnyMatching | VerifyAllMatching (default) | RequireAll
  --unauthorized-receipt-behavior B  VerifyAll | IgnoreAll | FailIfPresent (default)

Bulk verification:
  --workers N     verify in N worker threads (default: auto, one per core, 2 to 4, from ${LARGE_SET}
                  statements up; 1 below that)

Output:
  --json          one JSON object: {"policy", "keys", "statements": [...]}, streamed as verified
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
  if ("error" in outcome) return { file: outcome.file, valid: false, error: outcome.error };
  const r = outcome.report;
  const s = r.statement;
  return {
    file: outcome.file,
    valid: r.valid,
    ...(r.error ? { error: r.error } : {}),
    digest: r.digest,
    statement: {
      alg: s.alg,
      issuer: s.issuer ?? null,
      subject: s.subject ?? null,
      svn: s.svn ?? null,
      iat: s.iatIso ?? null,
      contentType: s.contentType ?? null,
      ...(s.payloadHashAlg ? { payloadHashAlg: s.payloadHashAlg } : {}),
      ...(s.preimageContentType ? { preimageContentType: s.preimageContentType } : {}),
      ...(s.payloadLocation ? { payloadLocation: s.payloadLocation } : {}),
    },
    signature: r.signature,
    identity: r.identity,
    receipts: r.receipts.map((rc) => ({
      index: rc.index,
      issuer: rc.issuer,
      kid: rc.kid ?? null,
      vds: rc.vds ?? null,
      alg: rc.alg ?? null,
      valid: rc.valid,
      treatment: rc.treatment,
      root: rc.root ?? null,
      signedTxid: rc.signedTxid ?? null,
      registeredTxid: rc.registeredTxid ?? null,
      entryUrl: rc.entryUrl ?? null,
      signedAt: rc.signedAt ?? null,
      ...(rc.error ? { error: rc.error } : {}),
    })),
    policy: r.policy,
    warnings: r.warnings,
  };
}

/** The statement's failure for a human: the first policy failure, with a count of the rest. */
function reasonOf(r: StatementReport): string {
  const failures = r.policy.failures;
  if (r.error?.code !== "RECEIPT_POLICY_FAILED" || failures.length < 2) return r.error!.message;
  return `${failures[0]} (and ${failures.length - 1} more: see -v or --json)`;
}

function printHuman(io: Io, outcome: Outcome, verbose: boolean, quiet: boolean): void {
  const name = baseName(outcome.file);
  const bad = paint(io, "red", "invalid");
  if ("error" in outcome) {
    io.out(
      `${
        outcome.exit === EXIT.MISSING ? paint(io, "red", "missing") : paint(io, "red", "error  ")
      }  ${name}  ${outcome.error.message}`,
    );
    return;
  }
  const r = outcome.report;
  if (quiet && r.valid) return;
  const s = r.statement;
  const about = [s.subject ?? "(no subject)", s.svn !== undefined ? `svn ${s.svn}` : undefined].filter(Boolean).join(
    " ",
  );
  io.out(r.valid ? `${paint(io, "green", "valid  ")}  ${name}  ${about}` : `${bad}  ${name}  ${reasonOf(r)}`);
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
    const reason = rc.error && !rc.valid ? `  ${rc.error.message}` : "";
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

async function run(args: string[], io: Io): Promise<number> {
  const { values, positionals } = parseCommandArgs("verify", args, {
    keys: { type: "string", multiple: true },
    "trust-list-signer": { type: "string", multiple: true },
    "authorized-domains": { type: "string" },
    "authorized-receipt-behavior": { type: "string" },
    "unauthorized-receipt-behavior": { type: "string" },
    workers: { type: "string" },
    json: { type: "boolean" },
    verbose: { type: "boolean", short: "v" },
    quiet: { type: "boolean", short: "q" },
    help: { type: "boolean", short: "h" },
  });
  if (values.help) {
    io.out(HELP);
    return EXIT.OK;
  }
  if (positionals.length === 0) {
    throw usage("verify: name at least one statement file; see 'scitt-audit verify --help'");
  }
  if (values.verbose && values.quiet) throw usage("verify: --verbose and --quiet cannot be combined");
  const keys = values.keys ?? [];
  const trustListSigners = values["trust-list-signer"] ?? [];
  const { store, imports } = await loadTrustStore(keys, trustListSigners);
  const choice = choosePolicy(values, store.issuers());
  const files = await listStatementFiles(positionals);
  const workers = chooseWorkers(values.workers, files.length);
  const outcomes = workers === 1
    ? verifyInThread(files, fileVerifier(store, choice.policy).verify)
    : verifyInWorkers(files, { keys, trustListSigners, policy: choice.policy }, { workers });

  const verbose = values.verbose ?? false;
  const quiet = values.quiet ?? false;
  const json = values.json ?? false;
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
        printHuman(io, outcome, verbose, quiet);
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
export const verifyCommand: Command = {
  name: "verify",
  summary: "verify transparent statements and their receipts offline",
  help: HELP,
  run,
};
