/**
 * Two copies of one service's ledger (spec: ccf-ledger §1, §7): files of the same name must hold the same bytes,
 * and the shorter ledger must be a prefix of the longer one, transaction by transaction.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { chunkPositions } from "./chunk.ts";
import type { ChunkName } from "./chunk_name.ts";
import { sha256Sync } from "./leaf.ts";
import type { LedgerFinding } from "./model.ts";
import { LedgerFormatError, parseTransaction } from "./transaction.ts";

/** One chunk of a ledger to compare, read when needed. */
export interface ComparedChunk {
  readonly name: ChunkName;
  readonly read: () => Uint8Array;
}

/** The outcome of {@linkcode compareLedgers}. */
export interface LedgerComparison {
  /** No same-named files differ and one ledger is a prefix of the other. */
  readonly consistent: boolean;
  /** One line. */
  readonly message: string;
  /** Seqno ranges of A and B, `[first, last]`, or `null` for an empty ledger. */
  readonly a: readonly [number, number] | null;
  readonly b: readonly [number, number] | null;
  /** The first seqno at which they differ, or `null`. */
  readonly divergesAt: number | null;
  readonly findings: readonly LedgerFinding[];
}

interface Digests {
  first: number;
  digests: Uint8Array[];
  files: Map<string, string>;
}

function digestsOf(chunks: readonly ComparedChunk[], findings: LedgerFinding[], label: string): Digests {
  const ordered = chunks.toSorted((x, y) => x.name.start - y.name.start);
  const out: Digests = { first: 0, digests: [], files: new Map() };
  for (const chunk of ordered) {
    const bytes = chunk.read();
    out.files.set(chunk.name.name, toHex(sha256Sync(bytes)));
    try {
      const layout = chunkPositions(bytes, { headers: true });
      for (const position of layout.positions) {
        const tx = parseTransaction(bytes, position, layout.end);
        if (out.digests.length === 0) out.first = tx.seqno;
        const index = tx.seqno - out.first;
        if (index !== out.digests.length) {
          throw new LedgerFormatError(
            "LEDGER_GAP",
            `expected seqno ${out.first + out.digests.length}, found ${tx.seqno}`,
          );
        }
        out.digests.push(sha256Sync(tx.raw));
      }
    } catch (error) {
      if (!(error instanceof LedgerFormatError)) throw error;
      findings.push({
        code: error.code,
        severity: "error",
        file: chunk.name.name,
        message: `${label} ${chunk.name.name}: ${error.message}`,
      });
      break;
    }
  }
  return out;
}

/**
 * Compares two ledgers.
 *
 * @example
 * ```ts
 * import { compareLedgers } from "./compare.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(compareLedgers([], []).consistent, true);
 * ```
 */
export function compareLedgers(a: readonly ComparedChunk[], b: readonly ComparedChunk[]): LedgerComparison {
  const findings: LedgerFinding[] = [];
  const da = digestsOf(a, findings, "A");
  const db = digestsOf(b, findings, "B");
  for (const [name, sha] of da.files) {
    const other = db.files.get(name);
    if (other !== undefined && other !== sha) {
      findings.push({
        code: "LEDGER_COMPARE_DIFFERS",
        severity: "error",
        file: name,
        message: `${name} differs between the two ledgers`,
      });
    }
  }
  const range = (d: Digests) => d.digests.length === 0 ? null : [d.first, d.first + d.digests.length - 1] as const;
  let divergesAt: number | null = null;
  if (da.digests.length && db.digests.length) {
    if (da.first !== db.first) divergesAt = Math.min(da.first, db.first);
    else {
      const n = Math.min(da.digests.length, db.digests.length);
      for (let i = 0; i < n && divergesAt === null; i++) {
        if (!equalBytes(da.digests[i]!, db.digests[i]!)) divergesAt = da.first + i;
      }
    }
  }
  if (divergesAt !== null) {
    findings.push({
      code: "LEDGER_COMPARE_DIFFERS",
      severity: "error",
      seqno: divergesAt,
      message: da.first !== db.first
        ? `The ledgers start at different seqnos (${da.first} and ${db.first})`
        : `The ledgers hold different transactions at seqno ${divergesAt}: neither is a prefix of the other`,
    });
  }
  const [ra, rb] = [range(da), range(db)];
  const consistent = findings.length === 0;
  const show = (r: readonly [number, number] | null) => r ? `${r[0]}–${r[1]}` : "empty";
  const message = !consistent
    ? `A (${show(ra)}) and B (${show(rb)}) disagree`
    : da.digests.length === db.digests.length
    ? `A and B hold the same ${da.digests.length} transactions (${show(ra)})`
    : `${da.digests.length < db.digests.length ? "A" : "B"} is a prefix of ${
      da.digests.length < db.digests.length ? "B" : "A"
    } (A ${show(ra)}, B ${show(rb)})`;
  return { consistent, message, a: ra, b: rb, divergesAt, findings };
}
