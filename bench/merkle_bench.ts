/**
 * Benchmark 1: microseconds per 30-level CCF proof, folded four ways in the same run — the WebAssembly core one
 * proof per call, its batch entry point, and JavaScript loops that hash each node with hash-wasm or with
 * `node:crypto`. All four must give the same roots before anything is timed.
 *
 * @module
 */

import { createHash } from "node:crypto";
import { createSHA256 } from "npm:hash-wasm@4.13.0";
import { type CcfPathInput, foldCcfPath, foldCcfPaths } from "../core/merkle/mod.ts";
import { toHex } from "../core/bytes.ts";

/** The figures benchmark 1 reports, each in microseconds per 30-level proof. */
export interface MerkleFigures {
  /** The WebAssembly core, one `foldCcfPath` call per proof. */
  readonly wasmProofUs: number;
  /** The WebAssembly core, `foldCcfPaths` over the whole set. */
  readonly batchProofUs: number;
  /** A JavaScript loop calling hash-wasm's SHA-256 once per node. */
  readonly hashWasmPerNodeProofUs: number;
  /** A JavaScript loop calling `node:crypto` `createHash` once per node. */
  readonly nodeCryptoPerNodeProofUs: number;
}

/** Targets from the issue: (a) at least 3x the best per-node loop, (b) at least 1.5x (a). */
export const MERKLE_TARGETS = { wasmOverBestLoop: 3, batchOverWasm: 1.5 } as const;

const LEVELS = 30;
const PROOFS = 256;
const ROUNDS = 7;
const ROUND_MS = 150;

/** 256 proofs of 30 levels from a fixed seed, so every run folds the same bytes. */
function makeProofs(): CcfPathInput[] {
  let state = 0x6d65726b;
  const byte = () => {
    state ^= state << 13;
    state ^= state >>> 17;
    state ^= state << 5;
    return state & 0xff;
  };
  const hash = () => Uint8Array.from({ length: 32 }, byte);
  return Array.from({ length: PROOFS }, () => ({
    leaf: hash(),
    path: Array.from({ length: LEVELS }, () => ({ left: (byte() & 1) === 1, hash: hash() })),
  }));
}

type Fold = (proof: CcfPathInput) => Uint8Array;

function perNodeLoop(node: (left: Uint8Array, right: Uint8Array) => Uint8Array): Fold {
  return ({ leaf, path }) => {
    let acc = leaf;
    for (const step of path) acc = step.left ? node(step.hash, acc) : node(acc, step.hash);
    return acc;
  };
}

/** Microseconds per proof of `run`, which folds `proofs` proofs per call, over at least ROUND_MS. */
function timePerProof(run: () => void, proofs: number): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    run();
    calls++;
    elapsed = performance.now() - start;
  } while (elapsed < ROUND_MS);
  return (elapsed * 1000) / (calls * proofs);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

/**
 * Runs benchmark 1: checks that the four folds agree, then times them in interleaved rounds (so background
 * load hits all four alike) and reports the median of each.
 *
 * @example
 * ```ts ignore
 * const figures = await merkleBench();
 * console.log(formatMerkle(figures).join("\n"));
 * ```
 */
export async function merkleBench(): Promise<MerkleFigures> {
  const proofs = makeProofs();
  const hasher = await createSHA256();
  const folds: Record<keyof MerkleFigures, () => void> = {
    wasmProofUs: () => proofs.forEach(({ leaf, path }) => foldCcfPath(leaf, path)),
    batchProofUs: () => foldCcfPaths(proofs),
    hashWasmPerNodeProofUs: () => proofs.forEach(hashWasmFold),
    nodeCryptoPerNodeProofUs: () => proofs.forEach(nodeCryptoFold),
  };
  // One update of a reused 64-byte buffer is hash-wasm's fastest form here (one crossing into its module
  // instead of two); node:crypto is fastest with two updates and no copy.
  const pair = new Uint8Array(64);
  function hashWasmFold(proof: CcfPathInput): Uint8Array {
    return perNodeLoop((left, right) => {
      pair.set(left, 0);
      pair.set(right, 32);
      return hasher.init().update(pair).digest("binary");
    })(proof);
  }
  function nodeCryptoFold(proof: CcfPathInput): Uint8Array {
    return perNodeLoop((left, right) => createHash("sha256").update(left).update(right).digest())(proof);
  }

  const expected = proofs.map((p) => toHex(nodeCryptoFold(p)));
  const batch = foldCcfPaths(proofs);
  proofs.forEach((proof, i) => {
    const roots = [foldCcfPath(proof.leaf, proof.path), batch[i]!, hashWasmFold(proof)].map(toHex);
    if (roots.some((root) => root !== expected[i])) throw new Error(`Merkle bench: the folds disagree on proof ${i}`);
  });

  const names = Object.keys(folds) as (keyof MerkleFigures)[];
  const samples = Object.fromEntries(names.map((name) => [name, [] as number[]])) as Record<
    keyof MerkleFigures,
    number[]
  >;
  for (const name of names) timePerProof(folds[name], PROOFS);
  for (let round = 0; round < ROUNDS; round++) {
    for (const name of names) samples[name].push(timePerProof(folds[name], PROOFS));
  }
  return Object.fromEntries(
    names.map((name) => [name, Number(median(samples[name]).toFixed(3))]),
  ) as unknown as MerkleFigures;
}

/**
 * The lines benchmark 1 prints: each figure, then the two target ratios measured in the same run.
 *
 * @example
 * ```ts
 * import { formatMerkle } from "./merkle_bench.ts";
 * const lines = formatMerkle({ wasmProofUs: 10, batchProofUs: 5, hashWasmPerNodeProofUs: 40, nodeCryptoPerNodeProofUs: 60 });
 * console.assert(lines.some((line) => line.includes("4.00x")));
 * ```
 */
export function formatMerkle(figures: MerkleFigures): string[] {
  const bestLoop = Math.min(figures.hashWasmPerNodeProofUs, figures.nodeCryptoPerNodeProofUs);
  const wasmRatio = bestLoop / figures.wasmProofUs;
  const batchRatio = figures.wasmProofUs / figures.batchProofUs;
  const verdict = (ratio: number, target: number) => ratio >= target ? "met" : "MISSED";
  const us = (value: number) => `${value.toFixed(2)} µs`.padStart(10);
  return [
    `Merkle: one ${LEVELS}-level CCF proof (median of ${ROUNDS} interleaved rounds of ${PROOFS} proofs)`,
    `  (a) WebAssembly, one call per proof   ${us(figures.wasmProofUs)}`,
    `  (b) WebAssembly batch entry           ${us(figures.batchProofUs)}`,
    `  (c) hash-wasm per node, JS loop       ${us(figures.hashWasmPerNodeProofUs)}`,
    `  (d) node:crypto per node, JS loop     ${us(figures.nodeCryptoPerNodeProofUs)}`,
    `  (a) vs best of (c)/(d): ${wasmRatio.toFixed(2)}x faster (target ${MERKLE_TARGETS.wasmOverBestLoop}x: ${
      verdict(wasmRatio, MERKLE_TARGETS.wasmOverBestLoop)
    })`,
    `  (b) vs (a): ${batchRatio.toFixed(2)}x faster (target ${MERKLE_TARGETS.batchOverWasm}x: ${
      verdict(batchRatio, MERKLE_TARGETS.batchOverWasm)
    })`,
  ];
}
