/**
 * The service endpoints the collector calls (`shared/spec/service-api.md`), what each one is for, the content
 * types each may answer with (both API generations), and where its response is kept in the bundle.
 *
 * @module
 */

/** What a response is used as. */
export type EndpointKind =
  | "transparency-configuration"
  | "jwks"
  | "scitt-keys"
  | "node-network"
  | "previous-identity"
  | "configuration"
  | "version"
  | "txids"
  | "receipt"
  | "statement"
  | "node-quotes-self"
  | "node-quotes"
  | "node-attestations"
  | "join-policy"
  | "ledger-index"
  | "ledger-chunk";

/** One endpoint. */
export interface Endpoint {
  /** What it is. */
  readonly kind: EndpointKind;
  /** The path as `--help` shows it, e.g. `/entries/{txid}/statement`. */
  readonly path: string;
  /** Why the collector calls it (one line for `--help`). */
  readonly why: string;
  /** The `Accept` header sent. */
  readonly accept: string;
  /** Content types accepted in a 200 answer (parameters such as `charset` are ignored). */
  readonly contentTypes: readonly string[];
  /** Whether a 404 only means the service does not offer it (then it is left out, and said so). */
  readonly optional: boolean;
  /** Whether its answer never changes once given (a committed entry, a committed ledger chunk): reusable on resume. */
  readonly immutable: boolean;
  /** The option that asks for it (`--help` groups by it), `""` for always. */
  readonly option: "" | "--entry / --from --to" | "--attestation" | "--ledger";
}

const JSON_TYPES = ["application/json"] as const;
const COSE_RECEIPT = ["application/cose", "application/scitt-receipt+cose"] as const;
const COSE_STATEMENT = ["application/cose", "application/scitt-statement+cose"] as const;

/** Every endpoint, in the order the collector calls them. */
export const ENDPOINTS: Readonly<Record<EndpointKind, Endpoint>> = {
  "transparency-configuration": {
    kind: "transparency-configuration",
    path: "/.well-known/transparency-configuration",
    why: "the issuer name receipts carry (checked against every receipt) and the key location",
    accept: "application/cbor",
    contentTypes: ["application/cbor"],
    optional: false,
    immutable: false,
    option: "",
  },
  "jwks": {
    kind: "jwks",
    path: "/jwks",
    why: "every service key, current and historical, that receipts are verified with (the playbook's trust)",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: false,
    immutable: false,
    option: "",
  },
  "scitt-keys": {
    kind: "scitt-keys",
    path: "/.well-known/scitt-keys",
    why: "the same keys as a COSE_Key_Set, loaded too (left out when the service does not offer it)",
    accept: "application/cbor",
    contentTypes: ["application/cbor", "application/cose-key-set", "application/cose-key-set+cbor"],
    optional: true,
    immutable: false,
    option: "",
  },
  "node-network": {
    kind: "node-network",
    path: "/node/network",
    why: "the service certificate, status, current view and recovery count",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: false,
    immutable: false,
    option: "",
  },
  "previous-identity": {
    kind: "previous-identity",
    path: "/node/service/previous_identity",
    why: "the identity before the last recovery (left out when there was none)",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: true,
    immutable: false,
    option: "",
  },
  "configuration": {
    kind: "configuration",
    path: "/configuration",
    why: "the service configuration (registration policy) the statements were admitted under",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: true,
    immutable: false,
    option: "",
  },
  "version": {
    kind: "version",
    path: "/version",
    why: "the service software version, for the record",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: true,
    immutable: false,
    option: "",
  },
  "txids": {
    kind: "txids",
    path: "/entries/txIds?from={seqno}&to={seqno}",
    why: "the entries of a seqno range, page by page through nextLink",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: false,
    immutable: false,
    option: "--entry / --from --to",
  },
  "statement": {
    kind: "statement",
    path: "/entries/{txid}/statement",
    why: "the transparent statement with its receipts (what the audit verifies)",
    accept: "application/cose",
    contentTypes: COSE_STATEMENT,
    optional: false,
    immutable: true,
    option: "--entry / --from --to",
  },
  "receipt": {
    kind: "receipt",
    path: "/entries/{txid}",
    why: "the entry's receipt as the service serves it now (kept beside the statement)",
    accept: "application/cose",
    contentTypes: COSE_RECEIPT,
    optional: false,
    immutable: true,
    option: "--entry / --from --to",
  },
  "node-quotes-self": {
    kind: "node-quotes-self",
    path: "/node/quotes/self",
    why: "the answering node's SEV-SNP quote, endorsements and UVM endorsement",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: false,
    immutable: false,
    option: "--attestation",
  },
  "node-quotes": {
    kind: "node-quotes",
    path: "/node/quotes",
    why: "the quotes of every trusted node",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: false,
    immutable: false,
    option: "--attestation",
  },
  "node-attestations": {
    kind: "node-attestations",
    path: "/node/attestations",
    why: "the same under its newer name (left out when the service does not offer it)",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: true,
    immutable: false,
    option: "--attestation",
  },
  "join-policy": {
    kind: "join-policy",
    path: "/gov/service/join-policy?api-version=2024-07-01",
    why: "the measurements, host data and UVM endorsement roots nodes must present (fills the playbook's expect)",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: false,
    immutable: false,
    option: "--attestation",
  },
  "ledger-index": {
    kind: "ledger-index",
    path: "{--ledger-index PATH}",
    why: "instead of the chunk endpoint, a file index (JSON listing) of the ledger files, fetched beside it",
    accept: "application/json",
    contentTypes: JSON_TYPES,
    optional: false,
    immutable: false,
    option: "--ledger",
  },
  "ledger-chunk": {
    kind: "ledger-chunk",
    path: "/node/ledger-chunk?since={seqno} -> /node/ledger-chunk/ledger_{s}-{e}.committed",
    why: "every committed ledger chunk from --since on, each checked against the Repr-Digest sent",
    accept: "application/octet-stream",
    contentTypes: ["application/octet-stream"],
    optional: false,
    immutable: true,
    option: "--ledger",
  },
};

/**
 * The media type of a `Content-Type` header value: lowercased, parameters dropped.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { mediaType } from "./endpoints.ts";
 * assert(mediaType("Application/JSON; charset=utf-8") === "application/json");
 * ```
 */
export function mediaType(header: string | null): string {
  return (header ?? "").split(";")[0]!.trim().toLowerCase();
}
