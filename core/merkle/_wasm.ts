/**
 * The WebAssembly Merkle module (`wasm/merkle.wasm`, built from `wasm/src/`) and the checks and record layouts
 * every entry of the Merkle core shares; private to `core/merkle/`.
 *
 * @module
 */

import { VerificationError } from "../errors.ts";
import { type CcfPathStep, MERKLE_LIMITS } from "./model.ts";
import * as wasm from "../../wasm/merkle.wasm";

export { wasm };

export const HASH = 32;
// Record layouts shared with wasm/src (see wasm/README.md).
export const CCF_HEADER = 16;
export const RFC9162_HEADER = 24;
export const REQUIRED_FIELD = 20;

export const INPUT = wasm.INPUT_OFFSET;
export const INPUT_END = wasm.INPUT_OFFSET + wasm.INPUT_BYTES;
export const OUTPUT = wasm.OUTPUT_OFFSET;
export const RESULTS = wasm.RESULTS_OFFSET;
export const MAX_BATCH = wasm.RESULTS_BYTES / HASH;
// The module's memory has a fixed size (initial = maximum), so these views never detach.
export const heap = new Uint8Array(wasm.memory.buffer);
export const view = new DataView(wasm.memory.buffer);
export const encoder = new TextEncoder();

export function refuse(context: string, detail: string): never {
  throw new VerificationError("RECEIPT_PROOF_INVALID", `${context}: ${detail}`);
}

export function checkHash(context: string, what: string, value: Uint8Array): void {
  if (!(value instanceof Uint8Array)) refuse(context, `${what} must be a byte array, found ${typeof value}`);
  if (value.length !== HASH) refuse(context, `${what} must be ${HASH} bytes, found ${value.length}`);
}

export function checkInteger(context: string, what: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    refuse(context, `${what} must be an integer from ${min} to 2^53 - 1, found ${String(value)}`);
  }
}

export function checkPathLength(context: string, path: readonly unknown[]): void {
  if (!Array.isArray(path)) refuse(context, "path must be an array");
  if (path.length > MERKLE_LIMITS.maxPathLength) {
    refuse(context, `path has ${path.length} steps, more than the limit of ${MERKLE_LIMITS.maxPathLength}`);
  }
}

export function checkPath(context: string, path: readonly Uint8Array[]): void {
  checkPathLength(context, path);
  path.forEach((hash, i) => checkHash(context, `path hash ${i}`, hash));
}

export function checkCcfPath(context: string, leaf: Uint8Array, path: readonly CcfPathStep[]): void {
  checkHash(context, "leaf hash", leaf);
  checkPathLength(context, path);
  path.forEach((step, i) => {
    if (typeof step?.left !== "boolean") refuse(context, `step ${i} must have a boolean "left"`);
    checkHash(context, `step ${i} hash`, step.hash);
  });
}

export function checkInclusion(
  context: string,
  leafHash: Uint8Array,
  index: number,
  size: number,
  path: readonly Uint8Array[],
) {
  checkHash(context, "leaf hash", leafHash);
  checkInteger(context, "tree size", size, 1);
  checkInteger(context, "leaf index", index, 0);
  if (index >= size) refuse(context, `leaf index ${index} must be less than the tree size ${size}`);
  checkPath(context, path);
}

export function writeU64(at: number, value: number): void {
  view.setUint32(at, value >>> 0, true);
  view.setUint32(at + 4, Math.floor(value / 2 ** 32), true);
}

export function writeHashes(at: number, hashes: readonly Uint8Array[]): void {
  for (let i = 0; i < hashes.length; i++) heap.set(hashes[i]!, at + i * HASH);
}

export function ccfRecordBytes(steps: number): number {
  return CCF_HEADER + HASH + steps * HASH;
}

export function rfc9162RecordBytes(steps: number): number {
  return RFC9162_HEADER + HASH + steps * HASH;
}

export function writeCcfRecord(at: number, leaf: Uint8Array, path: readonly CcfPathStep[]): void {
  let low = 0;
  let high = 0;
  for (let i = 0; i < path.length; i++) {
    const step = path[i]!;
    if (step.left) {
      if (i < 32) low |= 1 << i;
      else high |= 1 << (i - 32);
    }
    heap.set(step.hash, at + CCF_HEADER + HASH + i * HASH);
  }
  view.setUint32(at, low >>> 0, true);
  view.setUint32(at + 4, high >>> 0, true);
  view.setUint32(at + 8, path.length, true);
  heap.set(leaf, at + CCF_HEADER);
}

export function writeRfc9162Record(
  at: number,
  first: number,
  second: number,
  hash: Uint8Array,
  path: readonly Uint8Array[],
) {
  writeU64(at, first);
  writeU64(at + 8, second);
  view.setUint32(at + 16, path.length, true);
  heap.set(hash, at + RFC9162_HEADER);
  writeHashes(at + RFC9162_HEADER + HASH, path);
}

export function output(offset = 0): Uint8Array {
  return heap.slice(OUTPUT + offset, OUTPUT + offset + HASH);
}

/**
 * Runs a batch in as few calls as fit INPUT and RESULTS: writes records `start..end`, folds them, copies their
 * roots out, and lets `check` read each record back (at its offset) before the next chunk overwrites it.
 */
export function inChunks(
  count: number,
  recordBytes: (i: number) => number,
  write: (i: number, at: number) => void,
  fold: (n: number) => void,
  check: (i: number, at: number) => void,
): Uint8Array[] {
  const roots = new Uint8Array(count * HASH);
  const offsets: number[] = [];
  for (let start = 0; start < count;) {
    offsets.length = 0;
    let at = INPUT;
    let end = start;
    while (end < count && end - start < MAX_BATCH && at + recordBytes(end) <= INPUT_END) {
      write(end, at);
      offsets.push(at);
      at += recordBytes(end);
      end++;
    }
    fold(end - start);
    for (let i = start; i < end; i++) check(i, offsets[i - start]!);
    roots.set(heap.subarray(RESULTS, RESULTS + (end - start) * HASH), start * HASH);
    start = end;
  }
  return Array.from({ length: count }, (_, i) => roots.subarray(i * HASH, (i + 1) * HASH));
}

export function streamHash(prefix: number | undefined, bytes: Uint8Array): Uint8Array {
  wasm.sha256Reset();
  if (prefix !== undefined) {
    heap[INPUT] = prefix;
    wasm.sha256Update(1);
  }
  for (let offset = 0; offset < bytes.length; offset += wasm.INPUT_BYTES) {
    const chunk = bytes.subarray(offset, offset + wasm.INPUT_BYTES);
    heap.set(chunk, INPUT);
    wasm.sha256Update(chunk.length);
  }
  wasm.sha256Final();
  return output();
}
