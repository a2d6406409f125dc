/**
 * The audit half of the ledger benchmark, run in its own process so its peak memory is its own: audits the chunk
 * files named on the command line exactly as `scitt-audit ledger verify` does and prints one JSON line with the
 * wall time, the peak resident set (sampled at each progress redraw, at most ten times a second, and at the end),
 * the heap still in use after a full collection at the end (what the audit retained), and the summary counts.
 *
 * @module
 */

import { memoryIo } from "../cli/io.ts";
import { auditLedgerFiles, findLedgerFiles } from "../cli/ledger_files.ts";

const [level, entries, ...paths] = Deno.args;
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
