/**
 * A local transparency service for the collector's tests: a TLS server on 127.0.0.1 whose certificate is issued
 * by a freshly generated self-signed `CN=CCF Service` identity (as a CCF node's is), replaying the responses of
 * a service built from evidence files (the project's fixtures or the shared vectors), and misbehaving on
 * request: any path can be given a queue of one-off answers (429, 503, pending, redirects, broken bodies...)
 * served before the genuine one.
 *
 * Keys and certificates are generated here with WebCrypto and the project's own certificate builder.
 *
 * @module
 */

import { fromBase64, toBase64, toHex, utf8 } from "../core/bytes.ts";
import { summariseStatement } from "../core/collect/evidence.ts";
import { decodeCoseSign1 } from "../core/cose/sign1.ts";
import { sha256 } from "../core/crypto/digest.ts";
import { encodePem } from "../core/pem.ts";
import { encodeCbor } from "../fixtures/_gen/cbor.ts";
import { issueCertificate, toPem } from "../fixtures/_gen/certificate.ts";
import { encodeSequence, encodeTlv } from "../core/der_encode.ts";
import { P256 } from "../fixtures/_gen/ec.ts";
import { ecKeyFromScalar, type EcKeyPair } from "../fixtures/_gen/ecdsa.ts";

/** A generated service identity and the TLS certificate it issued for 127.0.0.1 and localhost. */
export interface ServiceTls {
  /** The self-signed service certificate (what `--service-cert` pins), PEM. */
  readonly servicePem: string;
  readonly serviceDer: Uint8Array;
  /** The server's certificate chain (node certificate, then the service certificate), PEM. */
  readonly chainPem: string;
  /** The node certificate's DER. */
  readonly nodeDer: Uint8Array;
  /** The node key, PKCS#8 PEM. */
  readonly keyPem: string;
}

async function generatedKey(): Promise<{ key: EcKeyPair; pkcs8: Uint8Array }> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
  const jwk = await crypto.subtle.exportKey("jwk", pair.privateKey);
  const key = ecKeyFromScalar(P256, BigInt(`0x${toHex(fromBase64(jwk.d!))}`));
  return { key, pkcs8: new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey)) };
}

/** Generates a service identity and a node TLS certificate it issued. */
export async function generateServiceTls(): Promise<ServiceTls> {
  const service = await generatedKey();
  const node = await generatedKey();
  const serviceName = { commonName: "CCF Service" };
  const validity = { notBefore: new Date("2025-01-01T00:00:00Z"), notAfter: new Date("2035-01-01T00:00:00Z") };
  const serviceCert = await issueCertificate({
    serial: 1n,
    subject: serviceName,
    subjectKey: service.key,
    ca: true,
    keyUsage: ["digitalSignature", "keyCertSign"],
    ...validity,
  });
  // subjectAltName: dNSName [2] "localhost", iPAddress [7] 127.0.0.1
  const san = encodeSequence([encodeTlv(0x82, utf8("localhost")), encodeTlv(0x87, new Uint8Array([127, 0, 0, 1]))]);
  const nodeCert = await issueCertificate({
    serial: 2n,
    subject: { commonName: "CCF Node" },
    subjectKey: node.key,
    issuer: { name: serviceName, key: service.key },
    ca: false,
    keyUsage: ["digitalSignature"],
    extendedKeyUsage: ["1.3.6.1.5.5.7.3.1"],
    otherExtensions: [{ oid: "2.5.29.17", value: san }],
    ...validity,
  });
  return {
    servicePem: toPem([serviceCert.der]),
    serviceDer: serviceCert.der,
    chainPem: toPem([nodeCert.der, serviceCert.der]),
    nodeDer: nodeCert.der,
    keyPem: encodePem("PRIVATE KEY", node.pkcs8),
  };
}

/** What the service holds. */
export interface ServiceContent {
  /** The issuer its transparency configuration names. */
  readonly issuer: string;
  /** `/jwks` body. */
  readonly jwks: Uint8Array;
  /** `/.well-known/scitt-keys` body; 404 when absent. */
  readonly scittKeys?: Uint8Array;
  /** Transparent statements; each is served at the txid its receipt from `issuer` registers. */
  readonly statements: readonly Uint8Array[];
  /** `/node/quotes/self`, `/node/quotes` and the join policy, for `--attestation`. */
  readonly quotesSelf?: Uint8Array;
  readonly quotes?: Uint8Array;
  readonly joinPolicy?: Uint8Array;
  /** Committed ledger chunks by name, `ledger_<s>-<e>.committed`. */
  readonly ledgerChunks?: ReadonlyMap<string, Uint8Array>;
  /** The `Repr-Digest` sent with each chunk when the client asks for one (see {@linkcode reprDigest}). */
  readonly ledgerDigests?: ReadonlyMap<string, string>;
  /** Ids per `/entries/txIds` page. */
  readonly pageSize?: number;
}

/** A one-off (or, with `always`, permanent) answer to a path. */
export type Handler = (request: Request, url: URL) => Response | Promise<Response>;

/** The content types of both API generations. */
const NEW_API = "2026-03-26";

/** Encodes CBOR concise problem details `{-1: title, -2: detail}`. */
export function problemDetails(title: string, detail: string): Uint8Array {
  return encodeCbor(new Map<number, string>([[-1, title], [-2, detail]]));
}

/** A problem-details response. */
export function problemResponse(status: number, title: string, detail: string, headers: HeadersInit = {}): Response {
  return new Response(new Uint8Array(problemDetails(title, detail)), {
    status,
    headers: { "content-type": "application/concise-problem-details+cbor", ...headers },
  });
}

/** A body that sends its first `keep` bytes and then breaks the connection. */
export function brokenBody(bytes: Uint8Array, keep: number, contentType: string): Response {
  let sent = false;
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      if (!sent) {
        sent = true;
        controller.enqueue(bytes.slice(0, keep));
      } else {
        // Late enough for the client to be reading the body.
        await new Promise((resolve) => setTimeout(resolve, 50));
        controller.error(new Error("connection dropped on purpose"));
      }
    },
  });
  return new Response(body, { headers: { "content-type": contentType } });
}

function txidOf(statement: Uint8Array, issuer: string): string {
  const receipt = summariseStatement(statement).receipts.find((r) => r.issuer === issuer && r.registeredTxid);
  if (!receipt) throw new Error(`a test statement has no receipt from ${issuer}`);
  return receipt.registeredTxid!;
}

function receiptOf(statement: Uint8Array): Uint8Array {
  const message = decodeCoseSign1(statement);
  const receipts = message.unprotectedHeader.get(394);
  if (!Array.isArray(receipts) || !(receipts[0] instanceof Uint8Array)) throw new Error("no receipt");
  return receipts[0];
}

function seqno(txid: string): number {
  return Number(txid.split(".")[1]);
}

/** The running test service. */
export class TestService {
  /** `https://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly port: number;
  readonly tls: ServiceTls;
  /** Every request, as `path?query`, in order. */
  readonly requests: string[] = [];
  /** Statements by txid. */
  readonly entries: ReadonlyMap<string, Uint8Array>;
  readonly #once = new Map<string, Handler[]>();
  readonly #always = new Map<string, Handler>();
  readonly #server: Deno.HttpServer;
  readonly #stop = new AbortController();
  readonly #content: ServiceContent;

  private constructor(content: ServiceContent, tls: ServiceTls) {
    this.#content = content;
    this.tls = tls;
    this.entries = new Map(content.statements.map((s) => [txidOf(s, content.issuer), s]));
    this.#server = Deno.serve(
      {
        hostname: "127.0.0.1",
        port: 0,
        cert: tls.chainPem,
        key: tls.keyPem,
        signal: this.#stop.signal,
        onListen() {},
        onError: () => new Response("internal error", { status: 500 }),
      },
      (request) => this.#handle(request),
    );
    this.port = (this.#server.addr as Deno.NetAddr).port;
    this.url = `https://127.0.0.1:${this.port}/`;
  }

  /** Starts a service with a freshly generated TLS identity (or the one given). */
  static async start(content: ServiceContent, tls?: ServiceTls): Promise<TestService> {
    return new TestService(content, tls ?? await generateServiceTls());
  }

  /** Queues one-off answers for a path (`/jwks`, or `/entries/txIds` for every page). */
  once(path: string, ...handlers: Handler[]): void {
    this.#once.set(path, [...(this.#once.get(path) ?? []), ...handlers]);
  }

  /** Answers a path this way from now on. */
  always(path: string, handler: Handler): void {
    this.#always.set(path, handler);
  }

  /** Forgets every misbehaviour and the request log. */
  reset(): void {
    this.#once.clear();
    this.#always.clear();
    this.requests.length = 0;
  }

  /** The SHA-256 (hex) of the node certificate the server presents. */
  nodeCertificateSha256(): Promise<string> {
    return sha256(this.tls.nodeDer).then(toHex);
  }

  /** An answer that never comes (until the server stops). */
  hang(): Promise<Response> {
    return new Promise((resolve) => {
      this.#stop.signal.addEventListener("abort", () => resolve(new Response(null, { status: 503 })), { once: true });
    });
  }

  /** Stops the server. */
  async close(): Promise<void> {
    this.#stop.abort();
    await this.#server.finished;
  }

  async #handle(request: Request): Promise<Response> {
    const url = new URL(request.url);
    this.requests.push(url.pathname + url.search);
    const queued = this.#once.get(url.pathname);
    if (queued && queued.length > 0) return await queued.shift()!(request, url);
    const always = this.#always.get(url.pathname);
    if (always) return await always(request, url);
    return this.#genuine(request, url);
  }

  #genuine(request: Request, url: URL): Response {
    const c = this.#content;
    const newApi = url.searchParams.get("api-version") === NEW_API;
    const body = (bytes: Uint8Array, type: string, headers: HeadersInit = {}) =>
      new Response(new Uint8Array(bytes), { headers: { "content-type": type, ...headers } });
    const json = (value: unknown) => body(utf8(JSON.stringify(value)), "application/json");
    const ccfError = (status: number, code: string, message: string) =>
      new Response(JSON.stringify({ error: { code, message } }), {
        status,
        headers: { "content-type": "application/json" },
      });
    const path = url.pathname;
    if (path === "/.well-known/transparency-configuration") {
      return body(
        encodeCbor(new Map([["issuer", c.issuer], ["jwks_uri", `https://${c.issuer}/jwks`]])),
        "application/cbor",
      );
    }
    if (path === "/jwks") return body(c.jwks, "application/json");
    if (path === "/.well-known/scitt-keys") {
      return c.scittKeys ? body(c.scittKeys, "application/cbor") : problemResponse(404, "NotFound", "No scitt-keys");
    }
    if (path === "/node/network") {
      return json({
        service_certificate: this.tls.servicePem,
        service_status: "Open",
        current_view: 2,
        recovery_count: 0,
      });
    }
    if (path === "/node/service/previous_identity") {
      return ccfError(404, "ResourceNotFound", "This service is not a recovery of a previous service.");
    }
    if (path === "/configuration") {
      return json({ policy: { policyScript: "export function apply() { return true; }" } });
    }
    if (path === "/version") return json({ scitt_version: "test-1.0" });
    if (path === "/entries/txIds") {
      const from = Number(url.searchParams.get("from"));
      const to = Number(url.searchParams.get("to"));
      const ids = [...this.entries.keys()].filter((t) => seqno(t) >= from && seqno(t) <= to)
        .sort((a, b) => seqno(a) - seqno(b));
      const size = c.pageSize ?? 1000;
      const page = ids.slice(0, size);
      const rest = ids.slice(size);
      return json({
        transactionIds: page,
        ...(rest.length > 0 ? { nextLink: `/entries/txIds?from=${seqno(rest[0]!)}&to=${to}` } : {}),
      });
    }
    const entry = path.match(/^\/entries\/(\d+\.\d+)(\/statement)?$/);
    if (entry) {
      const statement = this.entries.get(entry[1]!);
      if (!statement) return problemResponse(404, "TransactionNotFound", `Transaction ${entry[1]} not found`);
      if (entry[2]) return body(statement, newApi ? "application/scitt-statement+cose" : "application/cose");
      return body(receiptOf(statement), newApi ? "application/scitt-receipt+cose" : "application/cose");
    }
    if (path === "/node/quotes/self" && c.quotesSelf) return body(c.quotesSelf, "application/json");
    if (path === "/node/quotes" && c.quotes) return body(c.quotes, "application/json");
    if (path === "/gov/service/join-policy" && c.joinPolicy) return body(c.joinPolicy, "application/json");
    if (path === "/node/ledger-chunk" && c.ledgerChunks) {
      const since = Number(url.searchParams.get("since"));
      for (const name of c.ledgerChunks.keys()) {
        const [s, e] = name.match(/(\d+)-(\d+)/)!.slice(1).map(Number) as [number, number];
        if (since >= s && since <= e) {
          return new Response(null, { status: 308, headers: { location: `/node/ledger-chunk/${name}` } });
        }
      }
      return ccfError(404, "ResourceNotFound", `No ledger chunk holds seqno ${since}`);
    }
    if (path === "/ledger/index.json" && c.ledgerChunks) {
      // A web server's JSON autoindex: the committed files, an open chunk and a folder.
      const files = [...c.ledgerChunks].map(([name, bytes]) => ({ name, type: "file", size: bytes.length }));
      return json([...files, { name: "ledger_91", type: "file", size: 3 }, { name: "snapshots", type: "directory" }]);
    }
    const file = path.match(/^\/ledger\/(ledger_\d+-\d+\.committed)$/);
    if (file && c.ledgerChunks?.has(file[1]!)) return body(c.ledgerChunks.get(file[1]!)!, "application/octet-stream");
    const chunk = path.match(/^\/node\/ledger-chunk\/(ledger_\d+-\d+\.committed)$/);
    if (chunk && c.ledgerChunks?.has(chunk[1]!)) {
      const bytes = c.ledgerChunks.get(chunk[1]!)!;
      const want = request.headers.get("want-repr-digest");
      const digest = c.ledgerDigests?.get(chunk[1]!);
      return body(bytes, "application/octet-stream", want && digest ? { "repr-digest": digest } : {});
    }
    return ccfError(404, "ResourceNotFound", `Unknown path: ${path}`);
  }
}

/** The RFC 9530 `Repr-Digest` header value of a body: `sha-256=:<base64>:`. */
export async function reprDigest(bytes: Uint8Array): Promise<string> {
  return `sha-256=:${toBase64(await sha256(bytes))}:`;
}
