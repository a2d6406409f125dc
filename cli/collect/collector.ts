/**
 * The collection pipeline: pin the server's TLS certificate, fetch the service's keys and status, the entries
 * (listed page by page when a range is given), the attestation evidence and the ledger chunks, check the
 * service against itself (receipt issuers, entry ids, Repr-Digest), and write one audit bundle with the
 * generated playbook and the provenance manifest — under a temporary name, renamed into place at the end.
 *
 * @module
 */

import { fromBase64, fromUtf8, toHex, utf8 } from "../../core/bytes.ts";
import { encodeBundle } from "../../core/bundle/mod.ts";
import { type Endpoint, ENDPOINTS } from "../../core/collect/endpoints.ts";
import {
  configuredIssuer,
  summariseJoinPolicy,
  summariseQuotes,
  summariseReceiptBody,
  summariseStatement,
} from "../../core/collect/evidence.ts";
import {
  type CollectedAttestation,
  collectedPlaybook,
  type CollectedStatement,
  type PlaybookInput,
} from "../../core/collect/playbook.ts";
import {
  encodeProvenance,
  PROVENANCE_FORMAT,
  PROVENANCE_MEMBER,
  type ProvenanceRecord,
  type TlsRecord,
} from "../../core/collect/provenance.ts";
import { committedChunk, parseLedgerIndex } from "../../core/collect/ledger_index.ts";
import { parseTxIdsPage } from "../../core/collect/txids.ts";
import { sha256 } from "../../core/crypto/digest.ts";
import { AuditError } from "../../core/errors.ts";
import { parseCertificates } from "../../core/x509/certificate.ts";
import { VERSION } from "../version.ts";
import { type ClientOptions, type Fetched, Interrupted, ServiceClient } from "./client.ts";
import { PartsCache, writeAtomically } from "./parts.ts";
import { checkPresented, type Pin, presentedChain } from "./tls_pin.ts";

/** What to collect and how; the request settings are the client's ({@linkcode ClientOptions}), its CA from `pin`. */
export interface CollectOptions extends Omit<ClientOptions, "caPem"> {
  readonly pin: Pin;
  /** `--entry` txids. */
  readonly entries: readonly string[];
  /** `--from` / `--to` seqnos. */
  readonly range?: { readonly from: number; readonly to: number };
  /** `--issuer`: keep only statements whose issuer matches (`*` matches any text). */
  readonly issuerPattern?: string;
  readonly attestation: boolean;
  readonly ledger: boolean;
  /** `--ledger-index`: a file index listing the ledger files, instead of the chunk endpoint. */
  readonly ledgerIndex?: string;
  /** `--since`: the first ledger seqno. */
  readonly since: number;
  /** `--api-version`, e.g. `2026-03-26`. */
  readonly apiVersion?: string;
  /** The bundle to write. */
  readonly out: string;
  /** `--at` (ISO-8601 UTC): the recorded collection time and the playbook's `at:`. */
  readonly at?: string;
  /** Per request, with `-v`. */
  readonly trace: (line: string) => void;
  /** Progress of the entry and attestation downloads. */
  readonly progress?: (done: number, total: number) => void;
}

/** What a collection produced. */
export interface CollectResult {
  readonly out: string;
  readonly sha256: string;
  readonly size: number;
  readonly issuer: string;
  readonly files: number;
  readonly entries: readonly string[];
  /** Entries left out by `--issuer`. */
  readonly skipped: readonly string[];
  readonly ledgerChunks: number;
  readonly reused: number;
  readonly tls: TlsRecord;
  readonly notOffered: readonly string[];
  readonly warnings: readonly string[];
}

/** SCITT application endpoints take `api-version`; CCF's node and governance endpoints have their own. */
const APP_ENDPOINTS = new Set(["transparency-configuration", "jwks", "scitt-keys", "txids", "statement", "receipt"]);

const PLAYBOOK_MEMBER = "playbook.yaml";
const MAX_PAGES = 10_000;
const MAX_CHUNKS = 100_000;

function globRegExp(pattern: string): RegExp {
  return new RegExp(`^${pattern.split("*").map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*")}$`);
}

function byTxid(a: string, b: string): number {
  const [av, as] = a.split(".").map(Number) as [number, number];
  const [bv, bs] = b.split(".").map(Number) as [number, number];
  return as - bs || av - bv;
}

function mismatch(message: string): never {
  throw new AuditError("COLLECT_EVIDENCE_MISMATCH", message);
}

/** Checks a `Repr-Digest: sha-256=:<base64>:` header (RFC 9530) against a body; other algorithms are ignored. */
async function checkReprDigest(header: string | null, body: Uint8Array, url: string): Promise<string | undefined> {
  if (header === null) return undefined;
  const m = header.match(/(?:^|,)\s*sha-256=:([A-Za-z0-9+/=]+):/);
  if (!m) return header.trim();
  const expected = toHex(fromBase64(m[1]!));
  const actual = toHex(await sha256(body));
  if (expected !== actual) mismatch(`GET ${url}: the body's SHA-256 is ${actual}, its Repr-Digest says ${expected}`);
  return header.trim();
}

class Collection {
  readonly members = new Map<string, Uint8Array>();
  readonly records: ProvenanceRecord[] = [];
  readonly notOffered: string[] = [];
  readonly warnings: string[] = [];

  constructor(
    readonly options: CollectOptions,
    readonly client: ServiceClient,
    readonly cache: PartsCache,
    readonly tls: TlsRecord,
  ) {}

  /** Files the progress bar counts, once the entries are known. */
  planned = 0;
  #done = 0;

  /** Counts finished downloads for the progress bar. */
  advance(n: number): void {
    this.#done += n;
    if (this.planned > 0) this.options.progress?.(this.#done, this.planned);
  }

  /** Leaves files out of the bundle (and its manifest). */
  drop(paths: readonly string[]): void {
    for (const path of paths) this.members.delete(path);
    const kept = this.records.filter((r) => !paths.includes(r.path));
    this.records.splice(0, this.records.length, ...kept);
  }

  warn(line: string): void {
    this.warnings.push(line);
    this.options.log(`warning: ${line}`);
  }

  target(path: string, endpoint: Endpoint): string {
    const version = this.options.apiVersion;
    if (version === undefined || !APP_ENDPOINTS.has(endpoint.kind) || /[?&]api-version=/.test(path)) return path;
    return `${path}${path.includes("?") ? "&" : "?"}api-version=${encodeURIComponent(version)}`;
  }

  keep(bytes: Uint8Array, record: ProvenanceRecord): Uint8Array {
    this.members.set(record.path, bytes);
    this.records.push(record);
    return bytes;
  }

  reuse(member: string): Uint8Array | undefined {
    const part = this.cache.take(member);
    if (!part) return undefined;
    this.options.trace(`reused ${member} (SHA-256 ${part.record.sha256})`);
    return this.keep(part.bytes, part.record);
  }

  /** Fetches `path` into `member`, reusing an intact immutable part; `undefined` when an optional endpoint 404s. */
  async fetch(
    member: string,
    path: string,
    endpoint: Endpoint,
    headers: Record<string, string> = {},
  ): Promise<{ bytes: Uint8Array; url: string } | undefined> {
    if (endpoint.immutable) {
      const reused = this.reuse(member);
      if (reused) return { bytes: reused, url: this.records.at(-1)!.url };
    }
    const target = this.target(path, endpoint);
    this.options.trace(`GET ${new URL(target, this.options.service).href}`);
    const fetched = await this.client.get(target, endpoint, headers);
    if (!fetched) {
      this.notOffered.push(`${endpoint.path}: ${endpoint.why}`);
      this.options.trace(`${endpoint.path}: not offered (404), left out`);
      return undefined;
    }
    return { bytes: await this.store(member, fetched), url: fetched.url };
  }

  /** Keeps an answer as `member`: its Repr-Digest checked, its provenance recorded, a copy saved for resuming. */
  async store(member: string, fetched: Fetched): Promise<Uint8Array> {
    const reprDigest = await checkReprDigest(fetched.headers.get("repr-digest"), fetched.body, fetched.url);
    const record: ProvenanceRecord = {
      path: member,
      url: fetched.url,
      requestedAt: this.options.at ?? fetched.requestedAt.toISOString(),
      status: fetched.status,
      contentType: fetched.contentType,
      sha256: toHex(await sha256(fetched.body)),
      size: fetched.body.length,
      tlsCertificateSha256: this.tls.certificateSha256,
      ...(reprDigest !== undefined ? { reprDigest } : {}),
    };
    await this.cache.save(fetched.body, record);
    return this.keep(fetched.body, record);
  }

  async required(member: string, path: string, endpoint: Endpoint): Promise<Uint8Array> {
    return (await this.fetch(member, path, endpoint))!.bytes;
  }
}

async function listRange(c: Collection, from: number, to: number): Promise<string[]> {
  const ids: string[] = [];
  let link: string | undefined = `/entries/txIds?from=${from}&to=${to}`;
  for (let page = 1; link !== undefined; page++) {
    if (page > MAX_PAGES) mismatch(`The entry list of ${from}..${to} has more than ${MAX_PAGES} pages`);
    const path = c.client.resolve(link, c.options.service.href, "nextLink");
    const bytes = await c.required(
      `entries/txids-${from}-${to}.page-${page}.json`,
      path.pathname + path.search,
      ENDPOINTS.txids,
    );
    const parsed = parseTxIdsPage(bytes);
    ids.push(...parsed.transactionIds);
    link = parsed.nextLink;
  }
  return ids;
}

async function collectEntry(c: Collection, txid: string, issuer: string): Promise<CollectedStatement> {
  const file = `entries/${txid}.statement.cose`;
  const receiptFile = `entries/${txid}.receipt.cose`;
  const statement = await c.required(file, `/entries/${txid}/statement`, ENDPOINTS.statement);
  const receipt = await c.required(receiptFile, `/entries/${txid}`, ENDPOINTS.receipt);
  const summary = summariseStatement(statement);
  const own = summary.receipts.filter((r) => r.issuer === issuer);
  if (own.length === 0) {
    const named = summary.receipts.map((r) => `'${r.issuer ?? "(none)"}'`).join(", ") || "none";
    mismatch(
      `Entry ${txid}: no receipt of the statement names the service's issuer '${issuer}' (receipt issuers: ${named})`,
    );
  }
  if (!own.some((r) => r.registeredTxid === txid)) {
    mismatch(
      `Entry ${txid}: the statement's receipt from '${issuer}' is for entry ${own[0]!.registeredTxid ?? "(unknown)"}`,
    );
  }
  const served = summariseReceiptBody(receipt);
  if (served.issuer !== issuer) {
    mismatch(`Entry ${txid}: the receipt served at /entries/${txid} names issuer '${served.issuer ?? "(none)"}'`);
  }
  for (const other of summary.receipts.filter((r) => r.issuer !== issuer)) {
    c.warn(
      `entry ${txid} also carries a receipt from '${
        other.issuer ?? "(no issuer)"
      }', whose keys were not collected: 'run' refuses it until the playbook trusts that issuer`,
    );
  }
  return { txid, file, receiptFile, summary };
}

const WANT_DIGEST = { "want-repr-digest": "sha-256=10" };

/** Committed chunks through `/node/ledger-chunk?since=`, each redirect naming the chunk that holds `since`. */
async function collectLedger(c: Collection, since: number): Promise<string[]> {
  const files: string[] = [];
  const probe: Endpoint = { ...ENDPOINTS["ledger-chunk"], optional: true, immutable: false };
  let next = since;
  while (files.length < MAX_CHUNKS) {
    const cached = c.cache.paths().find((p) => p.startsWith(`ledger/ledger_${next}-`) && committedChunk(p.slice(7)));
    if (cached) {
      c.reuse(cached);
      files.push(cached);
      next = committedChunk(cached.slice(7))!.end + 1;
      continue;
    }
    const target = c.target(`/node/ledger-chunk?since=${next}`, probe);
    c.options.trace(`GET ${new URL(target, c.options.service).href}`);
    const fetched = await c.client.get(target, probe, WANT_DIGEST);
    if (!fetched) break;
    const chunk = committedChunk(new URL(fetched.url).pathname.split("/").pop() ?? "");
    if (!chunk) {
      c.options.trace(`ledger: ${fetched.url} is not a committed chunk; stopping there`);
      break;
    }
    if (chunk.start > next || chunk.end < next) {
      mismatch(`GET ${fetched.url}: the service sent it for the chunk holding seqno ${next}`);
    }
    files.push(`ledger/${chunk.name}`);
    await c.store(`ledger/${chunk.name}`, fetched);
    next = chunk.end + 1;
  }
  return files;
}

/** Committed chunks listed by a file index (`--ledger-index`), from the one holding `since` on. */
async function collectLedgerIndex(c: Collection, indexPath: string, since: number): Promise<string[]> {
  const index = await c.fetch("ledger/index.json", indexPath, ENDPOINTS["ledger-index"]);
  const chunks = parseLedgerIndex(index!.bytes).filter((chunk) => chunk.end >= since);
  const files: string[] = [];
  for (const chunk of chunks) {
    const url = c.client.resolve(chunk.name, index!.url, "ledger file link");
    await c.fetch(`ledger/${chunk.name}`, url.pathname + url.search, ENDPOINTS["ledger-chunk"], WANT_DIGEST);
    files.push(`ledger/${chunk.name}`);
  }
  return files;
}

function checkServiceCertificate(c: Collection, network: Uint8Array): void {
  let pem: unknown;
  try {
    pem = (JSON.parse(fromUtf8(network)) as { service_certificate?: unknown }).service_certificate;
  } catch {
    c.warn("/node/network is not JSON");
    return;
  }
  if (typeof pem !== "string" || c.options.pin.by !== "--service-cert") return;
  try {
    const [current] = parseCertificates(utf8(pem));
    const pinned = c.options.pin.certificates[0]!;
    if (current && toHex(current.der) !== toHex(pinned.der)) {
      c.warn(`the service certificate /node/network names differs from ${c.options.pin.file} (--service-cert)`);
    }
  } catch {
    c.warn("the service_certificate of /node/network does not parse");
  }
}

/** The transparency configuration, keys and status: the issuer and the key files. */
async function collectService(c: Collection): Promise<{ issuer: string; keyFiles: string[] }> {
  const issuer = configuredIssuer(
    await c.required(
      "service/transparency-configuration.cbor",
      "/.well-known/transparency-configuration",
      ENDPOINTS["transparency-configuration"],
    ),
  );
  const keyFiles = ["service/jwks.json"];
  await c.required("service/jwks.json", "/jwks", ENDPOINTS.jwks);
  if (await c.fetch("service/scitt-keys.cbor", "/.well-known/scitt-keys", ENDPOINTS["scitt-keys"])) {
    keyFiles.push("service/scitt-keys.cbor");
  }
  checkServiceCertificate(c, await c.required("service/node-network.json", "/node/network", ENDPOINTS["node-network"]));
  await c.fetch("service/previous-identity.json", "/node/service/previous_identity", ENDPOINTS["previous-identity"]);
  await c.fetch("service/configuration.json", "/configuration", ENDPOINTS.configuration);
  await c.fetch("service/version.json", "/version", ENDPOINTS.version);
  return { issuer, keyFiles };
}

/** Every named and listed entry, then the ones `--issuer` keeps. */
async function collectEntries(
  c: Collection,
  issuer: string,
): Promise<{ statements: CollectedStatement[]; skipped: string[] }> {
  const { range, entries, issuerPattern, attestation } = c.options;
  const listed = range ? await listRange(c, range.from, range.to) : [];
  const txids = [...new Set([...entries, ...listed])].sort(byTxid);
  if (txids.length === 0) {
    throw new AuditError(
      "COLLECT_RESPONSE_REFUSED",
      range ? `The service lists no committed entry from seqno ${range.from} to ${range.to}` : "No entry to collect",
    );
  }
  c.planned = txids.length * 2 + (attestation ? 4 : 0);
  const pattern = issuerPattern === undefined ? undefined : globRegExp(issuerPattern);
  const statements: CollectedStatement[] = [];
  const skipped: string[] = [];
  for (const txid of txids) {
    const entry = await collectEntry(c, txid, issuer);
    c.advance(2);
    if (pattern && !pattern.test(entry.summary.issuer ?? "")) {
      skipped.push(txid);
      c.drop([entry.file, entry.receiptFile]);
    } else {
      statements.push(entry);
    }
  }
  if (statements.length === 0) {
    throw new AuditError(
      "COLLECT_RESPONSE_REFUSED",
      `No collected statement has an issuer matching --issuer '${issuerPattern}' (${skipped.length} left out)`,
    );
  }
  return { statements, skipped };
}

/** The node quotes and the join policy. */
async function collectAttestation(c: Collection): Promise<CollectedAttestation> {
  const selfFile = "attestation/node-quotes-self.json";
  const listFile = "attestation/node-quotes.json";
  const joinPolicyFile = "attestation/join-policy.json";
  const self = await c.required(selfFile, "/node/quotes/self", ENDPOINTS["node-quotes-self"]);
  await c.required(listFile, "/node/quotes", ENDPOINTS["node-quotes"]);
  await c.fetch("attestation/node-attestations.json", "/node/attestations", ENDPOINTS["node-attestations"]);
  const policy = await c.required(
    joinPolicyFile,
    "/gov/service/join-policy?api-version=2024-07-01",
    ENDPOINTS["join-policy"],
  );
  c.advance(4);
  const quote = summariseQuotes(self);
  if (!quote) c.warn("/node/quotes/self holds no SEV-SNP quote");
  return { selfFile, listFile, joinPolicyFile, ...(quote ? { quote } : {}), joinPolicy: summariseJoinPolicy(policy) };
}

/** The bundle's bytes: every kept file, the playbook and the provenance manifest. */
function encodeCollected(c: Collection, input: PlaybookInput): Promise<Uint8Array> {
  const provenance = encodeProvenance({
    format: PROVENANCE_FORMAT,
    service: input.service,
    issuer: input.issuer,
    tool: `scitt-audit ${VERSION}`,
    ...(input.at !== undefined ? { collectedAt: input.at } : {}),
    tls: c.tls,
    files: c.records,
    notOffered: c.notOffered,
  });
  return encodeBundle(PLAYBOOK_MEMBER, [
    ...[...c.members].map(([path, bytes]) => ({ path, bytes })),
    { path: PLAYBOOK_MEMBER, bytes: utf8(collectedPlaybook(input)) },
    { path: PROVENANCE_MEMBER, bytes: provenance },
  ]);
}

/** Runs a collection and writes the bundle; throws a coded {@linkcode AuditError} or `Interrupted`. */
export async function collect(options: CollectOptions): Promise<CollectResult> {
  const service = options.service;
  const presented = await presentedChain(service.hostname, Number(service.port || 443), options.timeoutMs);
  const tls = await checkPresented(service.origin, presented, options.pin);
  const cache = await PartsCache.open(options.out);
  const client = new ServiceClient({ ...options, caPem: options.pin.pem });
  try {
    const c = new Collection(options, client, cache, tls);
    const { issuer, keyFiles } = await collectService(c);
    const { statements, skipped } = await collectEntries(c, issuer);
    const attestation = options.attestation ? await collectAttestation(c) : undefined;
    const ledgerFiles = !options.ledger
      ? []
      : options.ledgerIndex !== undefined
      ? await collectLedgerIndex(c, options.ledgerIndex, options.since)
      : await collectLedger(c, options.since);
    const bundle = await encodeCollected(c, {
      service: service.href,
      issuer,
      ...(options.at !== undefined ? { at: options.at } : {}),
      keyFiles,
      statements,
      ...(attestation ? { attestation } : {}),
      ledgerFiles,
    });
    if (options.signal.aborted) throw new Interrupted();
    await writeAtomically(options.out, bundle);
    await cache.remove();
    return {
      out: options.out,
      sha256: toHex(await sha256(bundle)),
      size: bundle.length,
      issuer,
      files: c.members.size + 2,
      entries: statements.map((s) => s.txid),
      skipped,
      ledgerChunks: ledgerFiles.length,
      reused: cache.reused,
      tls,
      notOffered: c.notOffered,
      warnings: c.warnings,
    };
  } finally {
    client.close();
  }
}
