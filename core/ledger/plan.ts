/**
 * The chunk set of a ledger (spec: ccf-ledger §1): which named files are read, in what order, and what is wrong
 * with the set as a whole — names that are not chunks, an open chunk that is not last, gaps and overlaps.
 *
 * @module
 */

import type { ChunkName } from "./chunk_name.ts";
import type { LedgerFinding } from "./model.ts";

/** Options of {@linkcode planChunks}. */
export interface PlanOptions {
  /** Read open chunks (`ledger_<n>` without `.committed`) too. */
  readonly includeOpen: boolean;
  /** Chunks ending at or before this seqno were audited already (a resumed state) and are skipped. */
  readonly after?: number;
}

/** The chunks to read, in order, and the findings about the set. */
export interface ChunkPlan {
  readonly chunks: readonly ChunkName[];
  readonly skipped: readonly ChunkName[];
  readonly findings: readonly LedgerFinding[];
}

/**
 * Orders the chunks by start seqno and checks that they are contiguous.
 *
 * @example
 * ```ts
 * import { planChunks } from "./plan.ts";
 * import { parseChunkName } from "./chunk_name.ts";
 * import { strictEqual } from "node:assert/strict";
 * const names = ["ledger_1-4.committed", "ledger_16-26.committed"].map((n) => parseChunkName(n)!);
 * strictEqual(planChunks(names, { includeOpen: false }).findings[0]?.code, "LEDGER_GAP");
 * ```
 */
export function planChunks(names: readonly ChunkName[], options: PlanOptions): ChunkPlan {
  const findings: LedgerFinding[] = [];
  const wanted = names.filter((n) => n.suffix === undefined && (n.committed || options.includeOpen));
  const ordered = wanted.toSorted((a, b) => a.start - b.start || (a.end ?? Infinity) - (b.end ?? Infinity));
  const skipped = options.after === undefined
    ? []
    : ordered.filter((n) => n.end !== undefined && n.end <= options.after!);
  const chunks = ordered.filter((n) => !skipped.includes(n));
  let expected = options.after === undefined ? undefined : options.after + 1;
  for (const [i, chunk] of chunks.entries()) {
    const previous = chunks[i - 1];
    if (previous && previous.end === undefined) {
      findings.push({
        code: "LEDGER_OPEN_CHUNK_NOT_LAST",
        severity: "error",
        file: previous.name,
        message: `${previous.name} is an open chunk, but ${chunk.name} follows it`,
      });
    }
    // After a saved state, the first chunk may straddle it (an open chunk that has grown since).
    const straddles = i === 0 && options.after !== undefined && chunk.start <= options.after &&
      (chunk.end === undefined || chunk.end > options.after);
    if (expected !== undefined && chunk.start !== expected && !straddles) {
      const overlap = chunk.start < expected;
      findings.push({
        code: overlap ? "LEDGER_OVERLAP" : "LEDGER_GAP",
        severity: "error",
        file: chunk.name,
        message: overlap
          ? `${chunk.name} starts at seqno ${chunk.start}, inside ${previous?.name ?? "the audited state"}`
          : `Seqnos ${expected}–${chunk.start - 1} are missing before ${chunk.name}`,
      });
    }
    expected = chunk.end === undefined ? undefined : chunk.end + 1;
  }
  return { chunks, skipped, findings };
}
