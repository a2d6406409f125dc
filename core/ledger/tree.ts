/**
 * The CCF Merkle tree of a ledger (spec: ccf-ledger §3), kept as its frontier: the roots of the perfect subtrees
 * along the right edge, so memory stays O(log n) however long the ledger. Inner nodes are SHA-256(left ‖ right)
 * with no prefix and an odd node is promoted unchanged, which gives the same shape as RFC 9162's split at the
 * largest power of two; leaf 0 is 32 zero bytes and transaction `s` is leaf `s`.
 *
 * @module
 */

import { fromHex, toHex } from "../bytes.ts";
import { ccfNodeHash } from "../merkle/mod.ts";
import { LedgerFormatError } from "./transaction.ts";

interface Node {
  readonly level: number;
  readonly hash: Uint8Array;
}

/** The serialised form kept in a state file. */
export interface TreeState {
  /** Leaves in the tree. */
  readonly size: number;
  /** Hex hashes of the frontier, largest subtree first. */
  readonly frontier: readonly string[];
}

/**
 * An append-only CCF Merkle tree.
 *
 * @example
 * ```ts
 * import { CcfTree } from "./tree.ts";
 * import { ccfNodeHash } from "../merkle/mod.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * const [a, b, c] = [1, 2, 3].map((i) => new Uint8Array(32).fill(i)) as [Uint8Array, Uint8Array, Uint8Array];
 * const tree = new CcfTree();
 * tree.append(a);
 * tree.append(b);
 * tree.append(c);
 * deepStrictEqual(tree.root(), ccfNodeHash(ccfNodeHash(a, b), c));
 * ```
 */
export class CcfTree {
  #frontier: Node[] = [];
  #size = 0;

  /** The tree CCF starts from: one leaf of 32 zero bytes. */
  static genesis(): CcfTree {
    const tree = new CcfTree();
    tree.append(new Uint8Array(32));
    return tree;
  }

  /** Leaves in the tree. */
  get size(): number {
    return this.#size;
  }

  /** Appends a 32-byte leaf. */
  append(leaf: Uint8Array): void {
    let node: Node = { level: 0, hash: leaf };
    let top = this.#frontier[this.#frontier.length - 1];
    while (top !== undefined && top.level === node.level) {
      this.#frontier.pop();
      node = { level: node.level + 1, hash: ccfNodeHash(top.hash, node.hash) };
      top = this.#frontier[this.#frontier.length - 1];
    }
    this.#frontier.push(node);
    this.#size++;
  }

  /** The root over every leaf so far. */
  root(): Uint8Array {
    const last = this.#frontier[this.#frontier.length - 1];
    if (last === undefined) throw new RangeError("Cannot compute the root of an empty tree");
    let acc = last.hash;
    for (let i = this.#frontier.length - 2; i >= 0; i--) acc = ccfNodeHash(this.#frontier[i]!.hash, acc);
    return acc;
  }

  /** The tree as a state file keeps it. */
  toState(): TreeState {
    return { size: this.#size, frontier: this.#frontier.map((n) => toHex(n.hash)) };
  }

  /** Rebuilds a tree saved by {@linkcode CcfTree.toState}; a frontier that does not fit the size is refused. */
  static fromState(state: TreeState): CcfTree {
    const levels: number[] = [];
    for (let bit = 52; bit >= 0; bit--) if (Math.floor(state.size / 2 ** bit) % 2 === 1) levels.push(bit);
    if (!Number.isSafeInteger(state.size) || state.size < 1 || levels.length !== state.frontier.length) {
      throw new RangeError(`Cannot restore a tree of ${state.size} leaves from ${state.frontier.length} hashes`);
    }
    const tree = new CcfTree();
    tree.#frontier = levels.map((level, i) => {
      const hash = fromHex(state.frontier[i]!);
      if (hash.length !== 32) throw new RangeError("Cannot restore a tree: a frontier hash is not 32 bytes");
      return { level, hash };
    });
    tree.#size = state.size;
    return tree;
  }

  /**
   * Reads the compact tree CCF stores at each signature in `public:ccf.internal.tree` (big-endian leaf count and
   * flushed count, the retained leaves, then one root per set bit of the flushed count, lowest bit first).
   */
  static deserialise(bytes: Uint8Array): CcfTree {
    const fail = (detail: string): never => {
      throw new LedgerFormatError("LEDGER_SIGNATURE_MALFORMED", `Cannot read the signed Merkle tree: ${detail}`);
    };
    if (bytes.length < 16) fail(`${bytes.length} bytes is shorter than its 16-byte header`);
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const u64 = (at: number) => {
      const high = view.getUint32(at, false);
      if (high > 0x1fffff) fail("a count is larger than 2^53");
      return high * 0x1_0000_0000 + view.getUint32(at + 4, false);
    };
    const retained = u64(0);
    const flushed = u64(8);
    if (retained === 0) fail("no retained leaves");
    const flushedLevels: number[] = [];
    for (let bit = 0; bit <= 52; bit++) if (Math.floor(flushed / 2 ** bit) % 2 === 1) flushedLevels.push(bit);
    if (bytes.length !== 16 + 32 * (retained + flushedLevels.length)) {
      fail(`${bytes.length} bytes do not hold ${retained} leaves and ${flushedLevels.length} flushed roots`);
    }
    const hashAt = (i: number) => bytes.subarray(16 + 32 * i, 16 + 32 * (i + 1));
    const tree = new CcfTree();
    const flushedNodes = flushedLevels.map((level, i) => ({ level, hash: hashAt(retained + i) }));
    tree.#frontier = flushedNodes.reverse();
    tree.#size = flushed;
    for (let i = 0; i < retained; i++) tree.append(hashAt(i).slice());
    return tree;
  }
}
