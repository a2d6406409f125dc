/**
 * The result vocabulary of a whole-ledger audit: findings with stable codes, the identity and governance
 * timelines, registered entries, and the summary `ledger verify --json` prints.
 *
 * @module
 */

/** How deep a ledger audit goes (spec: ccf-ledger §6), each level including the ones before it. */
export type LedgerLevel = "offsets" | "headers" | "merkle" | "full";

/** The levels in increasing order. */
export const LEDGER_LEVELS: readonly LedgerLevel[] = ["offsets", "headers", "merkle", "full"];

/** Whether `level` includes `wanted`. */
export function atLeast(level: LedgerLevel, wanted: LedgerLevel): boolean {
  return LEDGER_LEVELS.indexOf(level) >= LEDGER_LEVELS.indexOf(wanted);
}

/** Stable finding codes of the ledger audit. */
export type LedgerFindingCode =
  | "LEDGER_EMPTY"
  | "LEDGER_FILE_NAME_INVALID"
  | "LEDGER_DUPLICATE_DIFFERS"
  | "LEDGER_GAP"
  | "LEDGER_OVERLAP"
  | "LEDGER_OPEN_CHUNK_NOT_LAST"
  | "LEDGER_CHUNK_TRUNCATED"
  | "LEDGER_POSITIONS_INVALID"
  | "LEDGER_TX_HEADER_INVALID"
  | "LEDGER_TX_MALFORMED"
  | "LEDGER_NAME_MISMATCH"
  | "LEDGER_NAME_COUNT_MISMATCH"
  | "LEDGER_SEQNO_MISMATCH"
  | "LEDGER_VIEW_DECREASED"
  | "LEDGER_START_UNVERIFIABLE"
  | "LEDGER_ROOT_MISMATCH"
  | "LEDGER_SIGNATURE_MALFORMED"
  | "LEDGER_SIGNATURE_POSITION_MISMATCH"
  | "LEDGER_NODE_UNKNOWN"
  | "LEDGER_NODE_PENDING"
  | "LEDGER_NODE_KEY_MISMATCH"
  | "LEDGER_NODE_SIGNATURE_INVALID"
  | "LEDGER_COSE_SIGNATURE_INVALID"
  | "LEDGER_SERVICE_UNKNOWN"
  | "LEDGER_SERVICE_TRANSITION_INVALID"
  | "LEDGER_CHUNK_UNSIGNED_END"
  | "LEDGER_UNSIGNED_TAIL"
  | "LEDGER_RECOVERY"
  | "LEDGER_IDENTITY_NOT_ENDORSED"
  | "LEDGER_UVM_SVN_ROLLBACK"
  | "LEDGER_TCB_ROLLBACK"
  | "LEDGER_MEASUREMENT_ADDED"
  | "LEDGER_HOST_DATA_ADDED"
  | "LEDGER_NODE_MEASUREMENT_NOT_ALLOWED"
  | "LEDGER_ENTRY_MALFORMED"
  | "LEDGER_ENTRY_DIGEST_MISMATCH"
  | "LEDGER_ENTRY_SIGNATURE_INVALID"
  | "LEDGER_ENTRY_UNKNOWN_ISSUER"
  | "LEDGER_ENTRY_OFF_HOURS"
  | "LEDGER_RECEIPT_MATCHES"
  | "LEDGER_RECEIPT_NOT_COVERED"
  | "LEDGER_SPLIT_VIEW"
  | "LEDGER_STATE_MISMATCH"
  | "LEDGER_STATE_AHEAD"
  | "LEDGER_COMPARE_DIFFERS";

/** How much a finding weighs: an `error` fails the audit, a `warning` is flagged, `info` is recorded. */
export type LedgerSeverity = "error" | "warning" | "info";

/** One thing the audit found. */
export interface LedgerFinding {
  /** Stable upper-case code. */
  readonly code: LedgerFindingCode;
  /** error | warning | info. */
  readonly severity: LedgerSeverity;
  /** The transaction it concerns, when it concerns one. */
  readonly seqno?: number;
  /** The chunk file it concerns, when it concerns one. */
  readonly file?: string;
  /** One line. */
  readonly message: string;
}

/** A service identity seen in `public:ccf.gov.service.info`. */
export interface ServiceIdentity {
  /** Hex SHA-256 of the certificate's DER. */
  readonly sha256: string;
  /** The subject, e.g. `CN=CCF Service`. */
  readonly subject: string;
  /** Validity start, ISO-8601. */
  readonly notBefore: string;
  /** Validity end, ISO-8601. */
  readonly notAfter: string;
  /** The first seqno at which the service used it. */
  readonly firstSeqno: number;
  /** Set at a disaster recovery: whether the previous identity endorsed this one (`null`: no endorsement seen). */
  readonly endorsedByPrevious?: boolean | null;
}

/** One governance change. */
export interface GovernanceEvent {
  /** Where it was written. */
  readonly seqno: number;
  /** What changed: `constitution`, `member`, `node`, `measurement`, `host-data`, `uvm-endorsement`, `tcb`, `scitt-configuration`, `service`, `jwt-issuer`. */
  readonly kind: string;
  /** What it says, in one line. */
  readonly summary: string;
  /** The table key, e.g. a measurement or a member id. */
  readonly key?: string;
  /** The member that proposed it, where the proposal was accepted in the same transaction. */
  readonly proposer?: string;
  /** The members whose ballots accepted it. */
  readonly voters?: readonly string[];
}

/** One statement registered in `public:scitt.entry`. */
export interface LedgerEntry {
  /** `view.seqno` of the registration. */
  readonly txid: string;
  /** Its seqno. */
  readonly seqno: number;
  /** Hex SHA-256 of the entry (the transaction's claims digest). */
  readonly claimsDigest: string;
  /** CWT issuer (a did:x509 for MST), or `null`. */
  readonly issuer: string | null;
  /** CWT subject / feed, or `null`. */
  readonly subject: string | null;
  /** Content type of the payload, or `null`. */
  readonly contentType: string | null;
  /** Registration time: the `iat` of the first COSE root signature that covers it, ISO-8601, or `null`. */
  readonly registeredAt: string | null;
  /** The signed root that proves it: `view.seqno` of the signature and its root (hex), once signed. */
  readonly proof: { readonly signatureTxid: string; readonly root: string } | null;
  /** Whether the statement's signature verified with its x5chain leaf (`null`: not checked at this level). */
  readonly signatureValid: boolean | null;
}

/** The summary of one audit (the `ledger verify --json` object). */
export interface LedgerSummary {
  /** No finding of severity `error`. */
  readonly verified: boolean;
  /** The level audited. */
  readonly level: LedgerLevel;
  /** Chunk files read, in order. */
  readonly chunks: readonly string[];
  /** Transactions read. */
  readonly transactions: number;
  /** First seqno read, or `null`. */
  readonly firstSeqno: number | null;
  /** Last seqno read, or `null`. */
  readonly lastSeqno: number | null;
  /** Signature transactions read. */
  readonly signatures: number;
  /** `view.seqno` of the last signature transaction read, or `null`. */
  readonly lastSignedTxid: string | null;
  /** Hex root the last signature transaction signed, or `null`. */
  readonly lastSignedRoot: string | null;
  /** `view.seqno` of the last signature whose checks all passed, or `null`. */
  readonly lastVerifiedTxid: string | null;
  /** Transactions after the last signature (not yet proven). */
  readonly unsignedTail: number;
  /** Service identities in order of first use. */
  readonly serviceIdentities: readonly ServiceIdentity[];
  /** Governance changes in ledger order. */
  readonly governance: readonly GovernanceEvent[];
  /** Counts: registered entries, per issuer, per table. */
  readonly entries: {
    readonly registered: number;
    readonly byIssuer: Readonly<Record<string, number>>;
    readonly tables: Readonly<Record<string, number>>;
  };
  /** Everything found, in ledger order. */
  readonly findings: readonly LedgerFinding[];
}
