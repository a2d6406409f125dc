/**
 * A plain TypeScript Merkle reference for the differential tests, written from the definitions rather than from
 * the verification algorithms the WebAssembly core runs: RFC 9162 §2.1.1 (MTH), §2.1.3.1 (PATH) and §2.1.4.1
 * (PROOF, SUBPROOF), and the CCF leaf and path rules (spec: ccf-receipts §2). SHA-256 is `node:crypto`'s.
 *
 * @module
 */

import { createHash } from "node:crypto";

/** SHA-256 of the concatenated parts. */
export function sha256Reference(...parts: Uint8Array[]): Uint8Array {
  const hash = createHash("sha256");
  for (const part of parts) hash.update(part);
  return new Uint8Array(hash.digest());
}

const LEAF_PREFIX = new Uint8Array([0x00]);
const NODE_PREFIX = new Uint8Array([0x01]);

/** RFC 9162 leaf hash H(0x00 ‖ entry). */
export function leafHashReference(entry: Uint8Array): Uint8Array {
  return sha256Reference(LEAF_PREFIX, entry);
}

/** RFC 9162 node hash H(0x01 ‖ left ‖ right). */
export function nodeHashReference(left: Uint8Array, right: Uint8Array): Uint8Array {
  return sha256Reference(NODE_PREFIX, left, right);
}

/** The largest power of two strictly less than `n` (n > 1). */
function split(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** A Merkle tree over fixed leaf hashes that remembers MTH of every range it has computed. */
export class ReferenceTree {
  readonly #leaves: readonly Uint8Array[];
  readonly #memo = new Map<string, Uint8Array>();

  /** Builds a tree over leaf hashes (already H(0x00 ‖ entry)). */
  constructor(leafHashes: readonly Uint8Array[]) {
    this.#leaves = leafHashes;
  }

  /** MTH(D[start:end]); the empty range hashes to SHA-256(""). */
  hash(start: number, end: number): Uint8Array {
    if (end - start === 0) return sha256Reference();
    if (end - start === 1) return this.#leaves[start]!;
    const key = `${start}:${end}`;
    let value = this.#memo.get(key);
    if (value === undefined) {
      const k = split(end - start);
      value = nodeHashReference(this.hash(start, start + k), this.hash(start + k, end));
      this.#memo.set(key, value);
    }
    return value;
  }

  /** The root of the first `size` leaves. */
  root(size: number): Uint8Array {
    return this.hash(0, size);
  }

  /** PATH(index, D[0:size]), leaf upward. */
  inclusionPath(index: number, size: number): Uint8Array[] {
    return this.#path(index, 0, size);
  }

  /** PROOF(size1, D[0:size2]). */
  consistencyPath(size1: number, size2: number): Uint8Array[] {
    return this.#subproof(size1, 0, size2, true);
  }

  #path(m: number, start: number, end: number): Uint8Array[] {
    const n = end - start;
    if (n === 1) return [];
    const k = split(n);
    return m < k
      ? [...this.#path(m, start, start + k), this.hash(start + k, end)]
      : [...this.#path(m - k, start + k, end), this.hash(start, start + k)];
  }

  #subproof(m: number, start: number, end: number, complete: boolean): Uint8Array[] {
    const n = end - start;
    if (m === n) return complete ? [] : [this.hash(start, end)];
    const k = split(n);
    return m <= k
      ? [...this.#subproof(m, start, start + k, complete), this.hash(start + k, end)]
      : [...this.#subproof(m - k, start + k, end, false), this.hash(start, start + k)];
  }
}

/** MTH of raw entries (RFC 9162 §2.1.1). */
export function merkleTreeHash(entries: readonly Uint8Array[]): Uint8Array {
  return new ReferenceTree(entries.map(leafHashReference)).root(entries.length);
}

/** The inclusion path of entry `index` in the tree of `entries` (RFC 9162 §2.1.3.1). */
export function inclusionProof(index: number, entries: readonly Uint8Array[]): Uint8Array[] {
  return new ReferenceTree(entries.map(leafHashReference)).inclusionPath(index, entries.length);
}

/** The consistency proof from the first `size1` entries to all of `entries` (RFC 9162 §2.1.4.1). */
export function consistencyProof(size1: number, entries: readonly Uint8Array[]): Uint8Array[] {
  return new ReferenceTree(entries.map(leafHashReference)).consistencyPath(size1, entries.length);
}

/** CCF leaf hash H(internal_transaction_hash ‖ H(internal_evidence) ‖ data_hash). */
export function ccfLeafReference(transactionHash: Uint8Array, evidence: string, dataHash: Uint8Array): Uint8Array {
  return sha256Reference(transactionHash, sha256Reference(new TextEncoder().encode(evidence)), dataHash);
}

/** Folds a CCF path: H(sibling ‖ acc) for a left sibling, else H(acc ‖ sibling). */
export function foldCcfReference(
  leaf: Uint8Array,
  path: readonly { readonly left: boolean; readonly hash: Uint8Array }[],
): Uint8Array {
  let acc = leaf;
  for (const step of path) acc = step.left ? sha256Reference(step.hash, acc) : sha256Reference(acc, step.hash);
  return acc;
}

/** A small deterministic generator (xorshift32) so every run sees the same trees. */
export class SeededRandom {
  #state: number;

  /** Starts from a non-zero 32-bit seed. */
  constructor(seed: number) {
    this.#state = seed >>> 0 || 1;
  }

  /** The next 32-bit value. */
  next(): number {
    let x = this.#state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.#state = x >>> 0;
    return this.#state;
  }

  /** An integer in [0, bound). */
  below(bound: number): number {
    return this.next() % bound;
  }

  /** `length` random bytes. */
  bytes(length: number): Uint8Array {
    const out = new Uint8Array(length);
    for (let i = 0; i < length; i++) out[i] = this.next() & 0xff;
    return out;
  }
}
