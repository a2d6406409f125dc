/**
 * `scitt-audit collect`: the only command that uses the network. Fetches the evidence of one transparency
 * service over pinned TLS and writes one audit bundle (playbook, every fetched file, provenance manifest) for
 * `scitt-audit run` on an air-gapped machine. It needs network permission, which only the `collect` task grants.
 *
 * @module
 */

import { ENDPOINTS } from "../../core/collect/endpoints.ts";
import { isTxid } from "../../core/collect/txids.ts";
import { AuditError } from "../../core/errors.ts";
import { encodePem } from "../../core/pem.ts";
import { parseUtcTime } from "../../core/playbook/mod.ts";
import { formatName } from "../../core/x509/name.ts";
import { Interrupted } from "../collect/client.ts";
import { collect, type CollectOptions, type CollectResult } from "../collect/collector.ts";
import { certificateToPin, colonHex, type Pin, presentedChain, readPin } from "../collect/tls_pin.ts";
import { toHex } from "../../core/bytes.ts";
import { sha256 } from "../../core/crypto/digest.ts";
import { type Command, defineCommand, type Parsed } from "../command.ts";
import { CliError, EXIT, type ExitStatus, usage } from "../exit.ts";
import { type Io, readInput } from "../io.ts";
import { ProgressBar } from "../progress.ts";

const RUN_WITH_NETWORK =
  "deno task collect ... (deno run --allow-read --allow-write --allow-net --no-prompt cli/main.ts collect ...)";

function endpointList(): string {
  const groups = new Map<string, string[]>();
  for (const e of Object.values(ENDPOINTS)) {
    const key = e.option === "" ? "Always:" : `With ${e.option}:`;
    const list = groups.get(key) ?? [];
    list.push(`  GET ${e.path}\n      ${e.why}`);
    groups.set(key, list);
  }
  return [...groups].map(([k, v]) => `${k}\n${v.join("\n")}`).join("\n");
}

const HELP = `Usage: scitt-audit collect --service URL (--service-cert PEM | --ca PEM) --out audit.bundle
         [--entry TXID]... [--from SEQNO --to SEQNO] [--issuer PATTERN] [--attestation] [--ledger [--since SEQNO] [--ledger-index PATH]]
         [--api-version V] [--at TIME] [--timeout S] [--retries N] [--max-size BYTES] [--max-wait S] [--json] [-v|-q]

Collects the evidence of a transparency service on a connected machine and writes ONE audit bundle for
'scitt-audit run' on an air-gapped one: every fetched file, a generated playbook (trust from the service's keys,
each statement with its entry id, the attestation evidence with the join policy's expectations, TODO(auditor)
comments for what only you can decide) that 'run' passes as written on genuine evidence, and provenance.json
(per file: URL, request time, HTTP status, content type, SHA-256, TLS certificate fingerprint).

This is the only command that uses the network, and it contacts the origin of --service only: a redirect to
any other host is refused. It runs with network permission only through its own task:
  ${RUN_WITH_NETWORK}

TLS: a CCF service presents a certificate issued by its own service identity, so you pin it. Without
--service-cert or --ca nothing is fetched: the server's certificate fingerprint is printed and saved beside
--out, with the exact option to pin it once you have checked it out of band. There is no insecure mode.

Endpoints called, and why:
${endpointList()}

Options:
  --service URL       the service, e.g. https://esrp-cts-db.confidential-ledger.azure.com
  --service-cert PEM  the service certificate (the service identity that issues the nodes' TLS certificates)
  --ca PEM            one or more CA certificates instead
  --entry TXID        an entry to collect, e.g. 458.12440 (repeatable)
  --from, --to SEQNO  every committed entry of a seqno range, listed through /entries/txIds (with nextLink)
  --issuer PATTERN    keep only statements whose issuer matches ('*' matches any text)
  --attestation       also the node quotes and the join policy
  --ledger            also the committed ledger chunks, from --since (default 1)
  --ledger-index PATH with --ledger: take the chunks from this file index (a JSON listing of ledger_<s>-<e>.committed
                      files on the service's origin) instead of /node/ledger-chunk
  --api-version V     ask the SCITT endpoints for this API version, e.g. 2026-03-26
  --out FILE          the bundle to write; re-running with the same FILE reuses the entries and ledger chunks
                      already fetched (kept in FILE.parts/ until the bundle is written) whose SHA-256 matches
  --at TIME           the collection time recorded (ISO-8601 UTC) and the playbook's at:; with it, the same
                      responses give a byte-identical bundle (without it, request times are recorded)
  --timeout S         seconds per request attempt (default 30)
  --retries N         retries on 429/502/503/504, pending entries and broken connections (default 5)
  --max-size BYTES    the largest response accepted (default 67108864)
  --max-wait S        the longest Retry-After accepted (default 60)
  --backoff S         the first wait before a retry when the server gives no Retry-After (default 0.5), doubled
                      at each retry up to 8 s
  --json              print the result (or the certificate to pin) as JSON
  -v, --verbose       print every request;  -q, --quiet  print errors only
  -h, --help          this help

Exit status: 0 bundle written; 1 interrupted (Ctrl-C; no bundle written); 2 usage error, or no certificate pinned; 3 a response was malformed, refused
(content type, size, redirect) or inconsistent with the service's own data; 4 a request failed (TLS, network,
HTTP error) or the bundle cannot be written.`;

function positiveNumber(name: string, value: string | undefined, fallback: number, integer = false): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0 || (integer && !Number.isSafeInteger(n))) {
    throw usage(`collect: --${name} must be a ${integer ? "whole " : ""}number of at least 0; found '${value}'`);
  }
  return n;
}

function seqno(name: string, value: string): number {
  if (!/^\d{1,15}$/.test(value) || Number(value) < 1) {
    throw usage(`collect: --${name} must be a seqno (a whole number from 1); found '${value}'`);
  }
  return Number(value);
}

function parseService(value: string | undefined): URL {
  if (value === undefined) throw usage("collect: name the service with --service https://HOST[:PORT]");
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw usage(`collect: --service must be a URL such as https://ledger.example; found '${value}'`);
  }
  if (url.protocol !== "https:") throw usage(`collect: --service must be an https URL; found '${value}'`);
  if (url.username || url.password || url.search || url.hash || url.pathname !== "/") {
    throw usage(
      `collect: --service must be https://HOST[:PORT] with no path, credentials, query or fragment; found '${value}'`,
    );
  }
  return new URL(url.origin + "/");
}

const EXIT_OF: Partial<Record<string, ExitStatus>> = {
  COLLECT_UNPINNED: EXIT.USAGE,
  COLLECT_TLS_FAILED: EXIT.MISSING,
  COLLECT_NETWORK_FAILED: EXIT.MISSING,
  COLLECT_HTTP_FAILED: EXIT.MISSING,
};

async function refuseUnpinned(service: URL, out: string, json: boolean, timeoutMs: number, io: Io): Promise<number> {
  const presented = await presentedChain(service.hostname, Number(service.port || 443), timeoutMs);
  const leaf = presented.certificates[0]!;
  const anchor = certificateToPin(presented);
  const anchorSha = toHex(await sha256(anchor.der));
  const saved = `${out}.service-cert.pem`;
  try {
    await Deno.writeTextFile(saved, encodePem("CERTIFICATE", anchor.der));
  } catch (error) {
    throw new CliError(EXIT.MISSING, `Cannot write ${saved}: ${(error as Error).message}`);
  }
  const option = `--service-cert ${saved}`;
  if (json) {
    io.out(JSON.stringify({
      error: "COLLECT_UNPINNED",
      service: service.origin,
      certificate: { subject: formatName(leaf.subject), issuer: formatName(leaf.issuer), sha256: presented.leafSha256 },
      toPin: { subject: formatName(anchor.subject), sha256: anchorSha, savedAs: saved, option },
    }));
  }
  io.err(
    `scitt-audit: Refusing to collect from ${service.origin} without a pinned certificate: it presented '${
      formatName(leaf.subject)
    }' (SHA-256 ${colonHex(presented.leafSha256)}) issued by '${formatName(anchor.subject)}' (SHA-256 ${
      colonHex(anchorSha)
    }), saved to ${saved}; check that fingerprint out of band, then re-run with ${option}`,
  );
  return EXIT.USAGE;
}

function printResult(io: Io, r: CollectResult, json: boolean, quiet: boolean): void {
  if (json) {
    io.out(JSON.stringify({
      bundle: r.out,
      sha256: r.sha256,
      size: r.size,
      issuer: r.issuer,
      files: r.files,
      entries: r.entries,
      skipped: r.skipped,
      ledgerChunks: r.ledgerChunks,
      reused: r.reused,
      tls: r.tls,
      notOffered: r.notOffered,
      warnings: r.warnings,
    }));
    return;
  }
  if (quiet) return;
  io.out(
    `Collected ${r.entries.length} entr${r.entries.length === 1 ? "y" : "ies"} from ${r.issuer}${
      r.ledgerChunks > 0 ? ` and ${r.ledgerChunks} ledger chunks` : ""
    } into ${r.out} (${r.files} files, ${r.size} bytes${
      r.reused > 0 ? `, ${r.reused} reused from an earlier run` : ""
    })`,
  );
  if (r.skipped.length > 0) io.out(`Left out by --issuer: ${r.skipped.join(", ")}`);
  io.out(
    `TLS certificate ${r.tls.subject} (SHA-256 ${colonHex(r.tls.certificateSha256)}), pinned by ${r.tls.pinnedBy}`,
  );
  io.out(`SHA-256 of the bundle: ${r.sha256}`);
  io.out(`Next, on the audit machine: scitt-audit run ${r.out} --out report/`);
}

const OPTIONS = {
  "service": { type: "string" },
  "service-cert": { type: "string" },
  "ca": { type: "string" },
  "entry": { type: "string", multiple: true },
  "from": { type: "string" },
  "to": { type: "string" },
  "issuer": { type: "string" },
  "attestation": { type: "boolean" },
  "ledger": { type: "boolean" },
  "since": { type: "string" },
  "ledger-index": { type: "string" },
  "api-version": { type: "string" },
  "out": { type: "string", short: "o" },
  "at": { type: "string" },
  "timeout": { type: "string" },
  "retries": { type: "string" },
  "max-size": { type: "string" },
  "max-wait": { type: "string" },
  "backoff": { type: "string" },
  "json": { type: "boolean" },
} as const;

type Values = Parsed<typeof OPTIONS, true>["values"];

/** What a collection needs besides the pin and the terminal. */
type Request = Omit<CollectOptions, "pin" | "signal" | "log" | "trace" | "progress">;

function parseAt(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  const parsed = parseUtcTime(value);
  if (!parsed) throw usage(`collect: --at must be an ISO-8601 UTC time such as 2026-11-01T00:00:00Z; found '${value}'`);
  return parsed.toISOString().replace(".000Z", "Z");
}

function parseRequest(values: Values, service: URL, out: string): Request {
  if (values["service-cert"] !== undefined && values.ca !== undefined) {
    throw usage("collect: pin with --service-cert or with --ca, not both");
  }
  if ((values.from === undefined) !== (values.to === undefined)) throw usage("collect: give --from and --to together");
  const range = values.from !== undefined
    ? { from: seqno("from", values.from), to: seqno("to", values.to!) }
    : undefined;
  if (range && range.from > range.to) throw usage(`collect: --from ${range.from} is after --to ${range.to}`);
  const entries = values.entry ?? [];
  for (const e of entries) {
    if (!isTxid(e)) throw usage(`collect: --entry must be a transaction id such as 458.12440; found '${e}'`);
  }
  if (entries.length === 0 && !range) throw usage("collect: name entries with --entry TXID or --from SEQNO --to SEQNO");
  if (values.since !== undefined && !values.ledger) throw usage("collect: --since needs --ledger");
  if (values["ledger-index"] !== undefined && !values.ledger) throw usage("collect: --ledger-index needs --ledger");
  const apiVersion = values["api-version"];
  if (apiVersion !== undefined && !/^\d{4}-\d{2}-\d{2}(-preview)?$/.test(apiVersion)) {
    throw usage(`collect: --api-version must look like 2026-03-26; found '${apiVersion}'`);
  }
  const at = parseAt(values.at);
  return {
    service,
    entries,
    ...(range ? { range } : {}),
    ...(values.issuer !== undefined ? { issuerPattern: values.issuer } : {}),
    attestation: values.attestation ?? false,
    ledger: values.ledger ?? false,
    ...(values["ledger-index"] !== undefined ? { ledgerIndex: values["ledger-index"] } : {}),
    since: values.since !== undefined ? seqno("since", values.since) : 1,
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    out,
    ...(at !== undefined ? { at } : {}),
    timeoutMs: positiveNumber("timeout", values.timeout, 30) * 1000,
    retries: positiveNumber("retries", values.retries, 5, true),
    maxBytes: positiveNumber("max-size", values["max-size"], 64 * 1024 * 1024, true),
    backoffMs: positiveNumber("backoff", values.backoff, 0.5) * 1000,
    maxWaitMs: positiveNumber("max-wait", values["max-wait"], 60) * 1000,
  };
}

/** Runs the collection with Ctrl-C turned into an abort, the progress bar on a terminal, and the result printed. */
async function collectPinned(request: Request, pin: Pin, values: Values, io: Io): Promise<number> {
  const interrupt = new AbortController();
  const onInterrupt = () => interrupt.abort();
  const listening = trySignal(onInterrupt);
  const json = values.json ?? false;
  const bar = io.status && !values.quiet && !json ? io.status : undefined;
  let progress: ProgressBar | undefined;
  const say = (line: string) => {
    progress?.clear();
    io.err(line);
  };
  try {
    const result = await collect({
      ...request,
      pin,
      signal: interrupt.signal,
      log: (line) => {
        if (!values.quiet) say(line);
      },
      trace: (line) => {
        if (values.verbose) say(line);
      },
      ...(bar
        ? {
          progress: (done: number, total: number) =>
            (progress ??= new ProgressBar(bar, total, { unit: "files" })).update(done),
        }
        : {}),
    });
    progress?.clear();
    printResult(io, result, json, values.quiet ?? false);
    return EXIT.OK;
  } finally {
    progress?.clear();
    if (listening) Deno.removeSignalListener("SIGINT", onInterrupt);
  }
}

async function run({ values }: Parsed<typeof OPTIONS, true>, io: Io): Promise<number> {
  const service = parseService(values.service);
  if (Deno.permissions.querySync({ name: "net", host: service.host }).state !== "granted") {
    throw usage(
      `collect: needs network access to ${service.host}, which this run does not have; run it as ${RUN_WITH_NETWORK}`,
    );
  }
  const out = values.out;
  if (out === undefined) throw usage("collect: name the bundle to write with --out FILE");
  const request = parseRequest(values, service, out);
  try {
    const pinFile = values["service-cert"] ?? values.ca;
    if (pinFile === undefined) return await refuseUnpinned(service, out, values.json ?? false, request.timeoutMs, io);
    const pin = readPin(values.ca === undefined ? "--service-cert" : "--ca", pinFile, await readInput(pinFile));
    return await collectPinned(request, pin, values, io);
  } catch (error) {
    if (error instanceof Interrupted) {
      throw new CliError(EXIT.FAILED, `collect: interrupted; no bundle written${keptNote(out)}`);
    }
    if (error instanceof AuditError && error.code.startsWith("COLLECT_")) {
      throw new CliError(EXIT_OF[error.code] ?? EXIT.MALFORMED, `${error.message}${keptNote(out)}`);
    }
    throw error;
  }
}

/** Says where the files fetched so far wait for the next run, when there are any. */
function keptNote(out: string): string {
  try {
    Deno.statSync(`${out}.parts`);
    return `; the files fetched so far are kept in ${out}.parts/ for the next run`;
  } catch {
    return "";
  }
}

function trySignal(handler: () => void): boolean {
  try {
    Deno.addSignalListener("SIGINT", handler);
    return true;
  } catch {
    return false;
  }
}

/** The `collect` command. */
export const collectCommand: Command = defineCommand({
  name: "collect",
  summary: "fetch a transparency service's evidence into one audit bundle (the only networked command)",
  help: HELP,
  options: OPTIONS,
  verbosity: true,
  run,
});
