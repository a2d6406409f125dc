/**
 * The inputs and bounds of the Merkle core (`mod.ts`).
 *
 * @module
 */

/** Bounds on what the core accepts (spec: merkle-rfc9162 §2–§3). */
export const MERKLE_LIMITS = {
  /** Most hashes in one path; sizes are safe integers (below 2^53), whose proofs never need more than 54. */
  maxPathLength: 64,
} as const;

/** One step of a CCF path: the sibling hash and whether it is on the left. */
export interface CcfPathStep {
  /** Whether the sibling is on the left, e.g. `true`. */
  readonly left: boolean;
  /** The 32-byte sibling hash. */
  readonly hash: Uint8Array;
}

/** One CCF path to fold in a batch. */
export interface CcfPathInput {
  /** The 32-byte leaf hash the path starts from. */
  readonly leaf: Uint8Array;
  /** The path, leaf upward. */
  readonly path: readonly CcfPathStep[];
}

/** The three parts of a CCF leaf (spec: ccf-receipts §2). */
export interface CcfLeafParts {
  /** `internal_transaction_hash` (32 bytes). */
  readonly internalTransactionHash: Uint8Array;
  /** `internal_evidence`, e.g. `"ce:458.12440:<64 hex>"`; hashed as UTF-8. */
  readonly internalEvidence: string;
  /** `data_hash`, the claims digest (32 bytes). */
  readonly dataHash: Uint8Array;
}

/** One RFC 9162 inclusion proof to fold in a batch. */
export interface Rfc9162InclusionInput {
  /** The 32-byte RFC 9162 leaf hash. */
  readonly leafHash: Uint8Array;
  /** The leaf index, e.g. `3`. */
  readonly index: number;
  /** The tree size, e.g. `5`. */
  readonly size: number;
  /** The audit path, leaf upward (32-byte hashes). */
  readonly path: readonly Uint8Array[];
}

/** The two roots a consistency proof rebuilds. */
export interface Rfc9162ConsistencyRoots {
  /** The root of the first `size1` leaves, rebuilt from the proof. */
  readonly root1: Uint8Array;
  /** The root of the first `size2` leaves. */
  readonly root2: Uint8Array;
}
