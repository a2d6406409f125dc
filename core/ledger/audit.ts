/**
 * The whole-ledger audit (spec: ccf-ledger): chunk by chunk, every transaction's layout, header and seqno, every
 * leaf of the Merkle tree recomputed, every signed root compared with the recomputed one, node and service
 * signatures verified against the identities the ledger itself records, service status transitions, the
 * identity and governance timelines, registered statements, and receipts that must agree with the ledger.
 *
 * A finding of severity `error` fails the audit. Those after which nothing later can be trusted (a wrong root,
 * a bad signature, unreadable bytes) also stop it, as CCF's own reader stops, so the counts it reports are those
 * read up to and including the failing transaction.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { formatUtcTime } from "../time.ts";
import { chunkPositions } from "./chunk.ts";
import type { ChunkName } from "./chunk_name.ts";
import {
  decodeEntry,
  type IssuerPatterns,
  verifyEntrySignature,
  withinWorkingHours,
  type WorkingHours,
} from "./entries.ts";
import { GovernanceTracker } from "./governance.ts";
import { IdentityTracker } from "./identity.ts";
import { sha256Sync, transactionDigest } from "./leaf.ts";
import {
  atLeast,
  type LedgerEntry,
  type LedgerFinding,
  type LedgerFindingCode,
  type LedgerLevel,
  type LedgerSummary,
} from "./model.ts";
import type { ReceiptClaim } from "./receipts.ts";
import { checkCoseSignature, checkNodeSignature } from "./root_signature.ts";
import type { LedgerState } from "./state.ts";
import { coseSignature, rawSignature, TABLE } from "./tables.ts";
import { CcfTree } from "./tree.ts";
import { LedgerFormatError, type LedgerTransaction, parseTransaction, singleton } from "./transaction.ts";

/** Options of a ledger audit. */
export interface LedgerAuditOptions {
  /** How deep to check, e.g. `"full"`. */
  readonly level: LedgerLevel;
  /** Issuers expected to register; an entry from any other is `LEDGER_ENTRY_UNKNOWN_ISSUER`. */
  readonly watch?: IssuerPatterns;
  /** Working hours; an entry registered outside them is `LEDGER_ENTRY_OFF_HOURS`. */
  readonly workingHours?: WorkingHours;
  /** Only entries registered at or after this time are listed and judged. */
  readonly from?: Date;
  /** Only entries registered before this time are listed and judged. */
  readonly to?: Date;
  /** Resume after a saved state. */
  readonly state?: LedgerState;
  /** Receipts whose roots must be roots of this ledger. */
  readonly receipts?: readonly ReceiptClaim[];
  /** Verify each entry's statement signature (default: at level `full`). */
  readonly verifyEntries?: boolean;
  /** Called for each registered entry once its proof is known (or at the end). */
  readonly onEntry?: (entry: LedgerEntry) => void;
}

/** The outcome of {@linkcode LedgerAudit.finish}. */
export interface LedgerAuditResult {
  readonly summary: LedgerSummary;
  /** The state to resume from, when the audit verified and ended on a committed chunk. */
  readonly state?: LedgerState;
}

/** Findings after which the audit stops: nothing later in the ledger can be trusted. */
const FATAL: ReadonlySet<LedgerFindingCode> = new Set<LedgerFindingCode>([
  "LEDGER_CHUNK_TRUNCATED",
  "LEDGER_POSITIONS_INVALID",
  "LEDGER_TX_HEADER_INVALID",
  "LEDGER_TX_MALFORMED",
  "LEDGER_SEQNO_MISMATCH",
  "LEDGER_NAME_COUNT_MISMATCH",
  "LEDGER_START_UNVERIFIABLE",
  "LEDGER_ROOT_MISMATCH",
  "LEDGER_SIGNATURE_MALFORMED",
  "LEDGER_SIGNATURE_POSITION_MISMATCH",
  "LEDGER_NODE_UNKNOWN",
  "LEDGER_NODE_PENDING",
  "LEDGER_NODE_KEY_MISMATCH",
  "LEDGER_NODE_SIGNATURE_INVALID",
  "LEDGER_COSE_SIGNATURE_INVALID",
  "LEDGER_SERVICE_UNKNOWN",
  "LEDGER_SERVICE_TRANSITION_INVALID",
  "LEDGER_GAP",
  "LEDGER_OVERLAP",
  "LEDGER_STATE_MISMATCH",
]);

class Stop extends Error {}

interface PendingEntry {
  readonly seqno: number;
  readonly view: number;
  readonly claimsDigest: Uint8Array | undefined;
  readonly bytes: Uint8Array;
}

/**
 * A ledger audit, fed one chunk at a time in seqno order.
 *
 * @example
 * ```ts
 * import { LedgerAudit } from "./audit.ts";
 * import { strictEqual } from "node:assert/strict";
 * const audit = new LedgerAudit({ level: "full" });
 * const { summary } = audit.finish();
 * strictEqual(summary.verified, false);
 * strictEqual(summary.findings[0]?.code, "LEDGER_EMPTY");
 * ```
 */
export class LedgerAudit {
  readonly #options: LedgerAuditOptions;
  readonly #findings: LedgerFinding[] = [];
  readonly #chunks: string[] = [];
  #stopped = false;
  #tree: CcfTree | undefined;
  #expectedSeqno: number | undefined;
  #lastView = 0;
  #transactions = 0;
  #firstSeqno: number | null = null;
  #lastSeqno: number | null = null;
  #signatures = 0;
  #lastSignature: { txid: string; root: string; seqno: number } | undefined;
  #lastVerified: string | null = null;
  readonly #governance: GovernanceTracker;
  readonly #identity: IdentityTracker;
  #pending: PendingEntry[] = [];
  #entryCount = 0;
  #byIssuer = new Map<string, number>();
  #tables = new Map<string, number>();
  #receipts: ReceiptClaim[];
  #snapshot: LedgerState | undefined;

  constructor(options: LedgerAuditOptions) {
    this.#options = options;
    this.#receipts = [...(options.receipts ?? [])];
    const state = options.state;
    this.#governance = new GovernanceTracker((f) => this.#add(f), state?.policy);
    this.#identity = new IdentityTracker(atLeast(options.level, "full"), (f) => this.#add(f), this.#governance, state);
    if (state) {
      this.#tree = CcfTree.fromState(state.tree);
      this.#expectedSeqno = state.lastSeqno + 1;
      this.#lastView = state.lastView;
      this.#lastSignature = { txid: state.lastSignedTxid, root: state.lastSignedRoot, seqno: state.lastSeqno };
      this.#lastVerified = state.lastSignedTxid;
    }
  }

  /** Whether a fatal finding has stopped the audit. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /** Records a finding that concerns the chunk set rather than one chunk (a gap, a duplicate that differs). */
  report(finding: LedgerFinding): void {
    try {
      this.#add(finding);
    } catch (error) {
      if (!(error instanceof Stop)) throw error;
    }
  }

  #add(finding: LedgerFinding): void {
    this.#findings.push(finding);
    if (FATAL.has(finding.code) && finding.severity === "error") {
      this.#stopped = true;
      throw new Stop();
    }
  }

  /**
   * Audits one chunk. `name` is what its file name says; `bytes` its content, which the audit no longer reads once
   * the returned promise settles (the caller may reuse the memory). Transactions at or before a resumed state's
   * last seqno are skipped.
   */
  async addChunk(name: ChunkName, bytes: Uint8Array): Promise<void> {
    if (this.#stopped) return;
    this.#chunks.push(name.name);
    try {
      await this.#chunk(name, bytes);
    } catch (error) {
      if (error instanceof Stop) return;
      if (error instanceof LedgerFormatError) {
        this.report({
          code: error.code,
          severity: "error",
          file: name.name,
          message: `${name.name}: ${error.message}`,
        });
        return;
      }
      throw error;
    }
  }

  async #chunk(name: ChunkName, bytes: Uint8Array): Promise<void> {
    const level = this.#options.level;
    const layout = chunkPositions(bytes, { headers: atLeast(level, "headers") });
    const file = name.name;
    if (name.end !== undefined && name.end - name.start + 1 !== layout.positions.length) {
      this.#add({
        code: "LEDGER_NAME_COUNT_MISMATCH",
        severity: "error",
        file,
        message: `${file}: the name says ${
          name.end - name.start + 1
        } transactions, the file holds ${layout.positions.length}`,
      });
    }
    if (name.committed && !layout.complete) {
      this.#add({
        code: "LEDGER_CHUNK_TRUNCATED",
        severity: "error",
        file,
        message: `${file}: a committed chunk without its positions table`,
      });
    }
    let nameChecked = false;
    let lastWasSignature = false;
    for (let i = 0; i < layout.positions.length; i++) {
      let tx: LedgerTransaction;
      try {
        tx = parseTransaction(bytes, layout.positions[i]!, layout.end);
      } catch (error) {
        if (error instanceof LedgerFormatError) {
          this.#add({ code: error.code, severity: "error", file, message: `${file}: ${error.message}` });
        }
        throw error;
      }
      if (this.#options.state && tx.seqno <= this.#options.state.lastSeqno) continue;
      if (!nameChecked) {
        nameChecked = true;
        if (tx.seqno !== name.start + i) {
          this.#add({
            code: "LEDGER_NAME_MISMATCH",
            severity: "error",
            file,
            seqno: tx.seqno,
            message:
              `${file}: the name says its transactions start at seqno ${name.start}, but the first one is seqno ${
                tx.seqno - i
              }`,
          });
        }
      }
      lastWasSignature = await this.#transaction(tx, file);
    }
    if (name.committed && layout.positions.length > 0 && !lastWasSignature) {
      this.#add({
        code: "LEDGER_CHUNK_UNSIGNED_END",
        severity: "error",
        file,
        seqno: this.#lastSeqno ?? undefined,
        message:
          `${file}: a committed chunk must end on a signature transaction, but seqno ${this.#lastSeqno} is not one`,
      } as LedgerFinding);
    }
    // The caller may reuse the chunk's memory for the next one: entries still waiting for a signature keep a copy.
    this.#pending = this.#pending.map((p) => ({ ...p, bytes: p.bytes.slice(), claimsDigest: p.claimsDigest?.slice() }));
    await this.#settle;
    if (name.committed && lastWasSignature && this.#tree && !this.#findings.some((f) => f.severity === "error")) {
      this.#snapshot = this.#state(name.name, toHex(sha256Sync(bytes)));
    }
  }

  /** Audits one transaction; returns whether it was a signature transaction. */
  async #transaction(tx: LedgerTransaction, file: string): Promise<boolean> {
    const { seqno } = tx;
    if (this.#expectedSeqno === undefined) {
      this.#expectedSeqno = seqno;
      if (seqno === 1) {
        this.#tree = CcfTree.genesis();
        this.#governance.fromGenesis();
      }
    }
    if (seqno !== this.#expectedSeqno) {
      this.#add({
        code: this.#expectedSeqno < seqno ? "LEDGER_GAP" : "LEDGER_SEQNO_MISMATCH",
        severity: "error",
        file,
        seqno,
        message: `${file}: expected seqno ${this.#expectedSeqno}, found ${seqno}`,
      });
    }
    if (tx.domainVersion !== seqno) {
      this.#add({
        code: "LEDGER_SEQNO_MISMATCH",
        severity: "error",
        file,
        seqno,
        message: `${file}: transaction ${seqno}'s public domain says version ${tx.domainVersion}`,
      });
    }
    if (tx.view < this.#lastView) {
      this.#add({
        code: "LEDGER_VIEW_DECREASED",
        severity: "error",
        file,
        seqno,
        message: `${file}: transaction ${seqno} is in view ${tx.view}, after view ${this.#lastView}`,
      });
    }
    this.#expectedSeqno = seqno + 1;
    this.#lastView = tx.view;
    this.#transactions++;
    this.#firstSeqno ??= seqno;
    this.#lastSeqno = seqno;
    for (const [table, writes] of tx.tables) {
      this.#tables.set(table, (this.#tables.get(table) ?? 0) + writes.writes.length + writes.removes.length);
    }
    const level = this.#options.level;
    try {
      await this.#identity.add(tx);
      this.#governance.add(tx);
    } catch (error) {
      if (error instanceof LedgerFormatError) {
        this.#add({ code: error.code, severity: "error", file, seqno, message: `${file}: ${error.message}` });
      }
      throw error;
    }
    const isSignature = tx.tables.has(TABLE.SIGNATURES) || tx.tables.has(TABLE.COSE_SIGNATURES);
    if (isSignature) {
      this.#signatures++;
      if (atLeast(level, "merkle")) await this.#signature(tx, file);
      else {
        // Below the Merkle level no root is checked, so the entries it covers are listed without a proof.
        this.#recordSignature(tx, undefined);
        this.#settleEntries("", null, undefined);
      }
    }
    const entries = tx.tables.get(TABLE.SCITT_ENTRY);
    if (entries) {
      for (const [, value] of entries.writes) {
        this.#pending.push({ seqno, view: tx.view, claimsDigest: tx.claimsDigest, bytes: value });
      }
    }
    if (atLeast(level, "merkle") && this.#tree) {
      try {
        this.#tree.append(transactionDigest(tx));
      } catch (error) {
        if (error instanceof LedgerFormatError) {
          this.#add({ code: error.code, severity: "error", file, seqno, message: `${file}: ${error.message}` });
        }
        throw error;
      }
    }
    return isSignature;
  }

  #recordSignature(tx: LedgerTransaction, root: Uint8Array | undefined): void {
    const raw = singleton(tx, TABLE.SIGNATURES);
    const claimed = raw ? rawSignature(raw, tx.seqno).root : root;
    this.#lastSignature = { txid: `${tx.view}.${tx.seqno}`, root: claimed ? toHex(claimed) : "", seqno: tx.seqno };
  }

  async #signature(tx: LedgerTransaction, file: string): Promise<void> {
    const { seqno, view } = tx;
    const rawValue = singleton(tx, TABLE.SIGNATURES);
    const coseValue = singleton(tx, TABLE.COSE_SIGNATURES);
    const treeValue = singleton(tx, TABLE.TREE);
    let raw, cose, embedded;
    try {
      raw = rawValue ? rawSignature(rawValue, seqno) : undefined;
      cose = coseValue ? coseSignature(coseValue, seqno) : undefined;
      embedded = treeValue ? CcfTree.deserialise(treeValue) : undefined;
    } catch (error) {
      this.#recordSignature(tx, undefined);
      if (error instanceof LedgerFormatError) {
        this.#add({ code: error.code, severity: "error", file, seqno, message: `${file}: ${error.message}` });
      }
      throw error;
    }
    const txid = `${view}.${seqno}`;
    const fail = (code: LedgerFindingCode, message: string) =>
      this.#add({ code, severity: "error", file, seqno, message: `Signature ${txid}: ${message}` });
    if (!this.#tree) {
      this.#recordSignature(tx, embedded?.root());
      if (atLeast(this.#options.level, "full")) {
        fail(
          "LEDGER_START_UNVERIFIABLE",
          `the ledger starts at seqno ${this.#firstSeqno}, not 1, so neither the root nor the signing identities can be checked (give the --state of an audit that reached seqno ${
            (this.#firstSeqno ?? 1) - 1
          })`,
        );
      }
      // As CCF's reader does at the Merkle level, trust the first signed tree of a ledger that starts mid-way.
      if (embedded) {
        this.#tree = embedded;
        this.#lastVerified = txid;
      }
      return;
    }
    const computed = this.#tree.root();
    this.#recordSignature(tx, computed);
    const full = atLeast(this.#options.level, "full");
    if (full && raw) {
      checkNodeSignature(tx, raw, {
        status: (node) => this.#governance.nodeStatus(node),
        certificate: (node) => this.#identity.nodeCertificate(node),
      }, fail);
    }
    if (raw && !equalBytes(raw.root, computed)) {
      fail(
        "LEDGER_ROOT_MISMATCH",
        `the node signed root ${toHex(raw.root)}, but the transactions give ${toHex(computed)}`,
      );
    }
    if (embedded && (embedded.size !== seqno || !equalBytes(embedded.root(), computed))) {
      fail(
        "LEDGER_ROOT_MISMATCH",
        `the stored tree (${embedded.size} leaves) has root ${toHex(embedded.root())}, but the ${seqno} leaves give ${
          toHex(computed)
        }`,
      );
    }
    let signedAt: Date | undefined;
    if (cose) signedAt = await checkCoseSignature(cose, computed, this.#identity.service, full, fail);
    if (full && !raw && !cose) fail("LEDGER_SIGNATURE_MALFORMED", "no signature to verify");
    this.#lastVerified = txid;
    this.#settleReceipts(seqno, toHex(computed));
    this.#settleEntries(txid, toHex(computed), signedAt);
  }

  #settleReceipts(seqno: number, root: string): void {
    if (this.#receipts.length === 0) return;
    this.#receipts = this.#receipts.filter((r) => {
      if (r.seqno >= seqno || r.root !== root) return true;
      this.#add({
        code: "LEDGER_RECEIPT_MATCHES",
        severity: "info",
        seqno: r.seqno,
        message: `${r.source}: the receipt for ${r.txid} signs root ${root}, which the ledger signed at seqno ${seqno}`,
      });
      return false;
    });
  }

  async #settleEntriesAsync(txid: string, root: string | null, signedAt: Date | undefined): Promise<void> {
    const pending = this.#pending;
    this.#pending = [];
    const verify = this.#options.verifyEntries ?? atLeast(this.#options.level, "full");
    for (const entry of pending) {
      const decoded = decodeEntry(entry.bytes, entry.claimsDigest);
      this.#entry(
        entry,
        verify ? await verifyEntrySignature(decoded) : decoded,
        root === null ? null : { signatureTxid: txid, root },
        signedAt,
      );
    }
  }

  #settle: Promise<void> = Promise.resolve();

  #settleEntries(txid: string, root: string | null, signedAt: Date | undefined): void {
    this.#settle = this.#settle.then(() => this.#settleEntriesAsync(txid, root, signedAt));
  }

  #entry(
    pending: PendingEntry,
    decoded: ReturnType<typeof decodeEntry>,
    proof: LedgerEntry["proof"],
    signedAt: Date | undefined,
  ): void {
    const { from, to, watch, workingHours, onEntry } = this.#options;
    const seqno = pending.seqno;
    const txid = `${pending.view}.${seqno}`;
    if (!decoded.digestMatches) {
      this.#findings.push({
        code: "LEDGER_ENTRY_DIGEST_MISMATCH",
        severity: "error",
        seqno,
        message: `Entry ${txid}: its SHA-256 ${decoded.digest} is not the transaction's claims digest`,
      });
    }
    if (decoded.problem) {
      this.#findings.push({
        code: decoded.signatureValid === false ? "LEDGER_ENTRY_SIGNATURE_INVALID" : "LEDGER_ENTRY_MALFORMED",
        severity: "error",
        seqno,
        message: `Entry ${txid}: ${decoded.problem}`,
      });
    }
    if ((from && (!signedAt || signedAt < from)) || (to && (!signedAt || signedAt >= to))) return;
    this.#entryCount++;
    const issuer = decoded.issuer ?? "(none)";
    this.#byIssuer.set(issuer, (this.#byIssuer.get(issuer) ?? 0) + 1);
    if (watch && !watch.matches(decoded.issuer ?? "")) {
      this.#findings.push({
        code: "LEDGER_ENTRY_UNKNOWN_ISSUER",
        severity: "error",
        seqno,
        message: `Entry ${txid}: issuer ${decoded.issuer ?? "(none)"} matches no expected issuer`,
      });
    }
    if (workingHours && signedAt && !withinWorkingHours(workingHours, signedAt)) {
      this.#findings.push({
        code: "LEDGER_ENTRY_OFF_HOURS",
        severity: "warning",
        seqno,
        message: `Entry ${txid}: registered at ${formatUtcTime(signedAt)}, outside working hours`,
      });
    }
    onEntry?.({
      txid,
      seqno,
      claimsDigest: decoded.digest,
      issuer: decoded.issuer,
      subject: decoded.subject,
      contentType: decoded.contentType,
      registeredAt: signedAt ? formatUtcTime(signedAt) : null,
      proof,
      signatureValid: decoded.signatureValid,
    });
  }

  #state(chunk: string, chunkSha256: string): LedgerState {
    return {
      format: "scitt-audit-ledger-state/1",
      lastSeqno: this.#lastSeqno!,
      lastView: this.#lastView,
      lastSignedTxid: this.#lastSignature!.txid,
      lastSignedRoot: this.#lastSignature!.root,
      tree: this.#tree!.toState(),
      lastChunk: { name: chunk, sha256: chunkSha256 },
      ...this.#identity.state(),
      policy: this.#governance.state(),
      counts: {
        transactions: this.#transactions + (this.#options.state?.counts.transactions ?? 0),
        signatures: this.#signatures + (this.#options.state?.counts.signatures ?? 0),
        entries: this.#entryCount + (this.#options.state?.counts.entries ?? 0),
      },
    };
  }

  /** Waits for entry checks still running; call before {@linkcode LedgerAudit.finish}. */
  async settle(): Promise<void> {
    this.#settleEntries("", null, undefined);
    await this.#settle;
  }

  /** Ends the audit and returns the summary (call {@linkcode LedgerAudit.settle} first when entries were seen). */
  finish(): LedgerAuditResult {
    if (this.#transactions === 0 && !this.#stopped && !this.#options.state) {
      this.#findings.push({ code: "LEDGER_EMPTY", severity: "error", message: "No ledger transaction was read" });
    }
    const last = this.#lastSignature;
    const unsignedTail = this.#lastSeqno === null ? 0 : this.#lastSeqno - (last?.seqno ?? (this.#firstSeqno ?? 1) - 1);
    if (!this.#stopped && unsignedTail > 0) {
      this.#findings.push({
        code: "LEDGER_UNSIGNED_TAIL",
        severity: "warning",
        seqno: this.#lastSeqno ?? undefined,
        message: `${unsignedTail} transaction(s) after the last signature${
          last ? ` (${last.txid})` : ""
        } are not yet proven by any signed root`,
      } as LedgerFinding);
    }
    for (const r of this.#receipts) {
      const covered = last !== undefined && r.seqno < last.seqno && (this.#firstSeqno ?? Infinity) <= r.seqno;
      this.#findings.push(
        covered && !this.#stopped
          ? {
            code: "LEDGER_SPLIT_VIEW",
            severity: "error",
            seqno: r.seqno,
            message:
              `${r.source}: the receipt for ${r.txid} signs root ${r.root}, which no signature of this ledger after seqno ${r.seqno} signed: split-view evidence`,
          }
          : {
            code: "LEDGER_RECEIPT_NOT_COVERED",
            severity: "warning",
            seqno: r.seqno,
            message: `${r.source}: the receipt for ${r.txid} is outside the signed range audited`,
          },
      );
    }
    const verified = !this.#findings.some((f) => f.severity === "error");
    const summary: LedgerSummary = {
      verified,
      level: this.#options.level,
      chunks: this.#chunks,
      transactions: this.#transactions,
      firstSeqno: this.#firstSeqno,
      lastSeqno: this.#lastSeqno,
      signatures: this.#signatures,
      lastSignedTxid: last?.txid ?? null,
      lastSignedRoot: last?.root || null,
      lastVerifiedTxid: this.#lastVerified,
      unsignedTail,
      serviceIdentities: this.#identity.identities,
      governance: this.#governance.events,
      entries: {
        registered: this.#entryCount,
        byIssuer: Object.fromEntries([...this.#byIssuer].sort()),
        tables: Object.fromEntries([...this.#tables].sort()),
      },
      findings: this.#findings.toSorted((a, b) => (a.seqno ?? 0) - (b.seqno ?? 0)),
    };
    return { summary, ...(verified && this.#snapshot ? { state: this.#snapshot } : {}) };
  }
}
