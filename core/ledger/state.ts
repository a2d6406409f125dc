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

function fail(detail: string): never {
  throw new TypeError(`Invalid ledger state: ${detail}`);
}

function object(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${what} is not an object`);
  return value as Record<string, unknown>;
}

function count(value: unknown, what: string): number {
  if (!Number.isSafeInteger(value) || (value as number) < 0) fail(`${what} is not a count`);
  return value as number;
}

function text(value: unknown, what: string, pattern?: RegExp): string {
  if (typeof value !== "string" || (pattern && !pattern.test(value))) fail(`${what} is not valid`);
  return value;
}

function textOrNull(value: unknown, what: string): string | null {
  return value === null ? null : text(value, what);
}

/**
 * Checks the shape of a state read from a file (every field the next run relies on) and returns it typed; a
 * state that does not fit is a `TypeError` naming the field.
 *
 * @example
 * ```ts
 * import { checkLedgerState } from "./state.ts";
 * import { throws } from "node:assert/strict";
 * throws(() => checkLedgerState({ format: "scitt-audit-ledger-state/1" }), /Invalid ledger state: lastSeqno is not a count/);
 * ```
 */
export function checkLedgerState(value: unknown): LedgerState {
  const state = object(value, "the state");
  if (state.format !== "scitt-audit-ledger-state/1") fail("format is not scitt-audit-ledger-state/1");
  count(state.lastSeqno, "lastSeqno");
  count(state.lastView, "lastView");
  text(state.lastSignedTxid, "lastSignedTxid", /^\d+\.\d+$/);
  text(state.lastSignedRoot, "lastSignedRoot", /^[0-9a-f]{64}$/);
  const tree = object(state.tree, "tree");
  count(tree.size, "tree.size");
  if (!Array.isArray(tree.frontier)) fail("tree.frontier is not a list");
  tree.frontier.forEach((h, i) => text(h, `tree.frontier[${i}]`, /^[0-9a-f]{64}$/));
  const chunk = object(state.lastChunk, "lastChunk");
  text(chunk.name, "lastChunk.name");
  text(chunk.sha256, "lastChunk.sha256", /^[0-9a-f]{64}$/);
  const service = object(state.service, "service");
  textOrNull(service.cert, "service.cert");
  textOrNull(service.status, "service.status");
  textOrNull(state.previousIdentity, "previousIdentity");
  for (const [node, pem] of Object.entries(object(state.nodeCertificates, "nodeCertificates"))) {
    text(pem, `nodeCertificates.${node}`);
  }
  if (!Array.isArray(state.serviceIdentities)) fail("serviceIdentities is not a list");
  const policy = object(state.policy, "policy");
  for (const field of ["measurements", "hostData", "uvm", "tcb", "nodes"]) object(policy[field], `policy.${field}`);
  if (typeof policy.opened !== "boolean") fail("policy.opened is not a boolean");
  const counts = object(state.counts, "counts");
  for (const field of ["transactions", "signatures", "entries"]) count(counts[field], `counts.${field}`);
  return state as unknown as LedgerState;
}
