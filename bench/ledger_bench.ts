/**
 * Benchmark: the whole-ledger audit on a synthetic MST-shaped ledger of 1 GiB (registrations of a statement
 * with a 3-certificate x5chain and a JSON payload, a signed root every 1,000 transactions), one core: MB/s and
 * transactions/s at level `full` (node and service signatures, every leaf and root, every entry decoded and its
 * digest checked), against `openssl dgst -sha256` over the same files in the same run; then entry signature
 * verification alone, which the signature core bounds; the peak resident memory of the 1 GiB run and of a run
 * over its first eighth (flat memory: the audit holds one chunk at a time); and SHA-256 per call in the
 * WebAssembly core and natively at the sizes a ledger hashes (which decides `NATIVE_HASH_FROM` in
 * `core/ledger/leaf.ts`).
 *
 * @module
 */

import { createHash } from "node:crypto";
import { Buffer } from "node:buffer";
import { join } from "node:path";
import { wasmSha256 } from "../core/merkle/mod.ts";
import { NATIVE_HASH_FROM } from "../core/ledger/leaf.ts";
import { writeLedgerCorpus } from "./_ledger_corpus.ts";

/** What the ledger benchmark reports. */
export interface LedgerFigures {
  readonly corpus: {
    readonly bytes: number;
    readonly transactions: number;
    readonly signatures: number;
    readonly chunks: number;
  };
  /** Audit at level full without entry signatures. */
  readonly auditMBps: number;
  readonly auditTxPerSecond: number;
  /** `openssl dgst -sha256` over the same files, or `null` where openssl is absent. */
  readonly opensslMBps: number | null;
  /** Only the hashing any audit must do (each transaction and each statement once, natively, with parsing). */
  readonly hashFloorMBps: number;
  /** auditMBps ÷ opensslMBps (target ≥ 0.5). */
  readonly ratioToOpenssl: number | null;
  /** Entries whose statement signature is verified per second (level full with entry signatures). */
  readonly entrySignaturesPerSecond: number;
  /** Peak resident memory of the whole-ledger audit and of the audit of its first eighth. */
  readonly peakRssBytes: number;
  readonly peakRssEighthBytes: number;
  /** Heap still in use after a full collection at the end of each run (what the audit keeps: flat if equal). */
  readonly retainedHeapBytes: number;
  readonly retainedHeapEighthBytes: number;
  /** µs per SHA-256 call by input size: the WebAssembly core and node:crypto. */
  readonly sha256Us: Readonly<Record<string, { readonly wasm: number; readonly native: number }>>;
  readonly nativeHashFrom: number;
}

const TOTAL_BYTES = 1024 * 1024 * 1024;

async function child(level: string, entries: boolean, paths: readonly string[]) {
  const out = await new Deno.Command(Deno.execPath(), {
    args: [
      "run",
      "--allow-read",
      "--v8-flags=--expose-gc",
      new URL("./_ledger_child.ts", import.meta.url).pathname,
      level,
      entries ? "entries" : "-",
      ...paths,
    ],
    stdout: "piped",
    stderr: "inherit",
  }).output();
  if (!out.success) throw new Error("the ledger audit child failed");
  return JSON.parse(new TextDecoder().decode(out.stdout)) as {
    seconds: number;
    peakRssBytes: number;
    retainedHeapBytes: number;
    verified: boolean;
    transactions: number;
    entries: number;
  };
}

async function openssl(files: readonly string[]): Promise<number | null> {
  try {
    const started = performance.now();
    const out = await new Deno.Command("openssl", {
      args: ["dgst", "-sha256", ...files],
      stdout: "null",
      stderr: "null",
    }).output();
    return out.success ? (performance.now() - started) / 1000 : null;
  } catch {
    return null;
  }
}

function perCall(hash: (b: Uint8Array) => unknown, size: number): number {
  const data = new Uint8Array(size).fill(7);
  const n = Math.max(2000, Math.floor(20e6 / size));
  for (let i = 0; i < 200; i++) hash(data);
  const started = performance.now();
  for (let i = 0; i < n; i++) hash(data);
  return (performance.now() - started) * 1000 / n;
}

/** Runs the benchmark. */
export async function ledgerBench(): Promise<LedgerFigures> {
  const dir = await Deno.makeTempDir({ prefix: "scitt-audit-ledger-bench-" });
  try {
    const corpus = await writeLedgerCorpus(dir, {
      totalBytes: TOTAL_BYTES,
      signatureEvery: 1000,
      chunkBytes: 8 * 1024 * 1024,
      privateBytes: 1024,
    });
    const files = [...Deno.readDirSync(dir)].map((e) => join(dir, e.name)).sort();
    const byStart = files.toSorted((a, b) => Number(/ledger_(\d+)/.exec(a)![1]) - Number(/ledger_(\d+)/.exec(b)![1]));
    const sslSeconds = await openssl(files);
    const floor = await child("floor", false, [dir]);
    const whole = await child("full", false, [dir]);
    if (!whole.verified || whole.transactions !== corpus.transactions) {
      throw new Error("the benchmark ledger did not verify");
    }
    const eighth = byStart.slice(0, Math.max(1, Math.floor(byStart.length / 8)));
    const small = await child("full", false, eighth);
    const signed = await child("full", true, eighth);
    const native = (b: Uint8Array) =>
      createHash("sha256").update(Buffer.from(b.buffer, b.byteOffset, b.byteLength)).digest();
    const sha256Us: Record<string, { wasm: number; native: number }> = {};
    for (const size of [64, 96, 256, 512, 1024, 4096, 8192]) {
      sha256Us[size] = { wasm: perCall(wasmSha256, size), native: perCall(native, size) };
    }
    const auditMBps = corpus.bytes / whole.seconds / 1e6;
    const opensslMBps = sslSeconds === null ? null : corpus.bytes / sslSeconds / 1e6;
    return {
      corpus: {
        bytes: corpus.bytes,
        transactions: corpus.transactions,
        signatures: corpus.signatures,
        chunks: corpus.chunks,
      },
      auditMBps,
      auditTxPerSecond: corpus.transactions / whole.seconds,
      hashFloorMBps: corpus.bytes / floor.seconds / 1e6,
      opensslMBps,
      ratioToOpenssl: opensslMBps === null ? null : auditMBps / opensslMBps,
      entrySignaturesPerSecond: signed.entries / Math.max(1e-9, signed.seconds - small.seconds),
      peakRssBytes: whole.peakRssBytes,
      peakRssEighthBytes: small.peakRssBytes,
      retainedHeapBytes: whole.retainedHeapBytes,
      retainedHeapEighthBytes: small.retainedHeapBytes,
      sha256Us,
      nativeHashFrom: NATIVE_HASH_FROM,
    };
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

/** The benchmark's lines. */
export function formatLedger(f: LedgerFigures): string[] {
  const mb = (b: number) => `${(b / 1e6).toFixed(0)} MB`;
  return [
    `Ledger: ${mb(f.corpus.bytes)} synthetic ledger, ${f.corpus.transactions} transactions (${
      (f.corpus.bytes / f.corpus.transactions / 1000).toFixed(1)
    } kB each), ${f.corpus.signatures} signatures, ${f.corpus.chunks} chunks; one core`,
    `  audit at level full (no entry signatures)  ${f.auditMBps.toFixed(0)} MB/s, ${
      f.auditTxPerSecond.toFixed(0)
    } transactions/s`,
    f.opensslMBps === null
      ? "  openssl dgst -sha256: openssl not found, no ratio"
      : `  openssl dgst -sha256 over the same files   ${f.opensslMBps.toFixed(0)} MB/s; audit ÷ openssl ${
        f.ratioToOpenssl!.toFixed(2)
      }x (target 0.5x: ${f.ratioToOpenssl! >= 0.5 ? "met" : "MISSED"})`,
    `  floor: hashing each transaction and statement once ${f.hashFloorMBps.toFixed(0)} MB/s (${
      f.opensslMBps === null ? "" : `${(f.hashFloorMBps / f.opensslMBps).toFixed(2)}x openssl; `
    }what any audit must hash)`,
    `  entry signatures verified                  ${
      f.entrySignaturesPerSecond.toFixed(0)
    }/s (bound by the signature core)`,
    `  peak RSS: whole ledger ${mb(f.peakRssBytes)}, its first eighth ${mb(f.peakRssEighthBytes)}; heap retained: ${
      (f.retainedHeapBytes / 1e6).toFixed(1)
    } MB and ${(f.retainedHeapEighthBytes / 1e6).toFixed(1)} MB`,
    `  SHA-256 µs per call (wasm / native): ${
      Object.entries(f.sha256Us).map(([size, t]) => `${size} B ${t.wasm.toFixed(2)}/${t.native.toFixed(2)}`).join(", ")
    }; native from ${f.nativeHashFrom} B`,
  ];
}
