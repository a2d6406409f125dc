/**
 * The state an incremental ledger audit carries from one run to the next (`ledger verify --state FILE`): where
 * the last run stopped (a committed chunk's last transaction, a signature), the Merkle frontier there, the
 * identities and the join policy in force, so the next run reads only new chunks and proves that they extend it.
 *
 * @module
 */

import type { PolicyState } from "./governance.ts";
import type { ServiceIdentity } from "./model.ts";
import type { TreeState } from "./tree.ts";

/** The identities in force at a point of the ledger, as a state file keeps them. */
export interface IdentityState {
  /** Service certificate (PEM) and status in force. */
  readonly service: { readonly cert: string | null; readonly status: string | null };
  /** The previous service identity (PEM) written at the last recovery. */
  readonly previousIdentity: string | null;
  /** Node certificates (PEM) by node id. */
  readonly nodeCertificates: Readonly<Record<string, string>>;
  /** Identities seen so far. */
  readonly serviceIdentities: readonly ServiceIdentity[];
}

/** What an incremental audit carries from one run to the next. */
export interface LedgerState extends IdentityState {
  readonly format: "scitt-audit-ledger-state/1";
  /** Last seqno audited (the end of a committed chunk, a signature transaction). */
  readonly lastSeqno: number;
  /** Its view. */
  readonly lastView: number;
  /** `view.seqno` and root of the last signature. */
  readonly lastSignedTxid: string;
  readonly lastSignedRoot: string;
  /** The Merkle tree after that transaction. */
  readonly tree: TreeState;
  /** The last chunk audited and its SHA-256. */
  readonly lastChunk: { readonly name: string; readonly sha256: string };
  /** The join policy and node statuses. */
  readonly policy: PolicyState;
  /** Counts so far. */
  readonly counts: { readonly transactions: number; readonly signatures: number; readonly entries: number };
}
