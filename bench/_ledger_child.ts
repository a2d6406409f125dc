/**
 * The audit half of the ledger benchmark, run in its own process so its peak memory is its own: audits the chunk
 * files named on the command line exactly as `scitt-audit ledger verify` does and prints one JSON line with the
 * wall time, the peak resident set (sampled at each progress redraw, at most ten times a second, and at the end),
 * the heap still in use after a full collection at the end (what the audit retained), and the summary counts.
 *
 * @module
 */

import { memoryIo } from "../cli/io.ts";
import { auditLedgerFiles, findLedgerFiles, readChunk } from "../cli/ledger_files.ts";
import { chunkPositions } from "../core/ledger/chunk.ts";
import { sha256Sync } from "../core/ledger/leaf.ts";
import { TABLE } from "../core/ledger/tables.ts";
import { parseTransaction } from "../core/ledger/transaction.ts";

const [level, entries, ...paths] = Deno.args;

// `floor`: only what any audit must hash, natively — every transaction and every registered statement once.
if (level === "floor") {
  const started = performance.now();
  let bytes = 0;
  for (const file of findLedgerFiles(paths, false).files.values()) {
    const chunk = readChunk(file);
    bytes += chunk.length;
    const layout = chunkPositions(chunk, { headers: false });
    for (const position of layout.positions) {
      const tx = parseTransaction(chunk, position, layout.end);
      sha256Sync(tx.raw);
      for (const [, value] of tx.tables.get(TABLE.SCITT_ENTRY)?.writes ?? []) sha256Sync(value);
    }
  }
  console.log(JSON.stringify({ seconds: (performance.now() - started) / 1000, bytes }));
  Deno.exit(0);
}
let peak = 0;
const sample = () => {
  peak = Math.max(peak, Deno.memoryUsage().rss);
};
const started = performance.now();
const audit = await auditLedgerFiles(
  findLedgerFiles(paths, false),
  { level: level as "full", verifyEntries: entries === "entries", includeOpen: false },
  { ...memoryIo(), status: sample },
);
const { summary } = audit.finish();
const seconds = (performance.now() - started) / 1000;
sample();
(globalThis as { gc?: () => void }).gc?.();
const retained = Deno.memoryUsage().heapUsed;
console.log(JSON.stringify({
  seconds,
  peakRssBytes: peak,
  retainedHeapBytes: retained,
  verified: summary.verified,
  transactions: summary.transactions,
  signatures: summary.signatures,
  entries: summary.entries.registered,
}));
