/**
 * Differential tests of the WebAssembly Merkle core (core/merkle.ts) against the plain TypeScript reference in
 * ./_merkle_reference.ts and the runtime's SHA-256, on trees and inputs drawn from fixed seeds.
 */

import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { toHex } from "../bytes.ts";
import { VerificationError } from "../errors.ts";
import {
  ccfLeafHash,
  type CcfPathStep,
  foldCcfPath,
  foldCcfPaths,
  rfc9162ConsistencyRoots,
  rfc9162InclusionRoot,
  rfc9162InclusionRoots,
  rfc9162LeafHash,
  rfc9162NodeHash,
  verifyRfc9162Consistency,
  wasmSha256,
} from "./mod.ts";
import {
  ccfLeafReference,
  foldCcfReference,
  leafHashReference,
  nodeHashReference,
  ReferenceTree,
  SeededRandom,
} from "../../tests/_merkle_reference.ts";

const MAX_SIZE = 2000;
/** Every index is checked up to this size; larger sizes check the edges and a random sample. */
const ALL_INDICES_UP_TO = 300;
const random = new SeededRandom(0x5c177);
const tree = new ReferenceTree(
  Array.from({ length: MAX_SIZE }, () => leafHashReference(random.bytes(random.below(40)))),
);

function indicesOf(size: number, rng: SeededRandom): number[] {
  if (size <= ALL_INDICES_UP_TO) return Array.from({ length: size }, (_, i) => i);
  const picked = new Set([0, 1, size - 2, size - 1]);
  while (picked.size < 20) picked.add(rng.below(size));
  return [...picked];
}

function flipBit(bytes: Uint8Array, bit: number): Uint8Array {
  const copy = bytes.slice();
  copy[bit >> 3]! ^= 1 << (bit & 7);
  return copy;
}

/** The inclusion path length transparency-dev computes: bit length of index ^ (size - 1), plus the border ones. */
function expectedPathLength(index: number, size: number): number {
  const inner = (BigInt(index) ^ BigInt(size - 1)).toString(2).replace(/^0+/, "").length;
  const border = (BigInt(index) >> BigInt(inner)).toString(2).replaceAll("0", "").length;
  return inner + border;
}

function rejects(run: () => unknown, message: string): void {
  assert.throws(run, (error: unknown) => {
    assert.ok(error instanceof VerificationError, `expected a VerificationError, got ${error}`);
    assert.equal(error.code, "RECEIPT_PROOF_INVALID");
    assert.equal(error.message, message);
    return true;
  });
}

const h = (byte: number, length = 32) => new Uint8Array(length).fill(byte);

Deno.test("wasm/merkle.wasm imports nothing and has a fixed-size memory", async () => {
  const module = new WebAssembly.Module(await Deno.readFile(new URL("../../wasm/merkle.wasm", import.meta.url)));
  assert.deepEqual(WebAssembly.Module.imports(module), []);
  const instance = new WebAssembly.Instance(module);
  const memory = instance.exports.memory as WebAssembly.Memory;
  assert.throws(() => memory.grow(1), RangeError);
});

Deno.test("wasmSha256() equals the runtime's SHA-256 for every length from 0 to 1000", () => {
  const rng = new SeededRandom(1);
  for (let length = 0; length <= 1000; length++) {
    const data = rng.bytes(length);
    assert.equal(toHex(wasmSha256(data)), createHash("sha256").update(data).digest("hex"), `length ${length}`);
  }
});

Deno.test("wasmSha256() streams inputs longer than the module's input region", () => {
  const data = new SeededRandom(2).bytes(2.5 * 1024 * 1024 + 13);
  assert.equal(toHex(wasmSha256(data)), createHash("sha256").update(data).digest("hex"));
  assert.equal(toHex(wasmSha256(new TextEncoder().encode("abc"))), createHash("sha256").update("abc").digest("hex"));
});

Deno.test("rfc9162LeafHash() and rfc9162NodeHash() equal the reference, also for a leaf over the input region", () => {
  const rng = new SeededRandom(3);
  for (const length of [0, 1, 55, 62, 63, 64, 65, 127, 1000, 1024 * 1024 + 7]) {
    const entry = rng.bytes(length);
    assert.deepEqual(rfc9162LeafHash(entry), leafHashReference(entry), `length ${length}`);
  }
  for (let i = 0; i < 200; i++) {
    const [left, right] = [rng.bytes(32), rng.bytes(32)];
    assert.deepEqual(rfc9162NodeHash(left, right), nodeHashReference(left, right));
  }
});

Deno.test("ccfLeafHash() equals the reference for ASCII and non-ASCII evidence", () => {
  const rng = new SeededRandom(4);
  for (const evidence of ["", "ce:458.12440:" + "ab".repeat(32), "ce:1.2:é✓𝄞", "x".repeat(1024)]) {
    const parts = { internalTransactionHash: rng.bytes(32), internalEvidence: evidence, dataHash: rng.bytes(32) };
    assert.deepEqual(
      ccfLeafHash(parts),
      ccfLeafReference(parts.internalTransactionHash, evidence, parts.dataHash),
      `evidence ${evidence.slice(0, 20)}`,
    );
  }
});

Deno.test("rfc9162InclusionRoot() rebuilds the reference root for every size 1..2000 (every index up to 300)", () => {
  const rng = new SeededRandom(5);
  let proofs = 0;
  for (let size = 1; size <= MAX_SIZE; size++) {
    const root = tree.root(size);
    for (const index of indicesOf(size, rng)) {
      const path = tree.inclusionPath(index, size);
      assert.equal(path.length, expectedPathLength(index, size));
      const got = rfc9162InclusionRoot(tree.hash(index, index + 1), index, size, path);
      if (toHex(got) !== toHex(root)) assert.fail(`leaf ${index} of ${size}: ${toHex(got)} != ${toHex(root)}`);
      proofs++;
    }
  }
  assert.ok(proofs > 75_000, `${proofs} proofs`);
});

Deno.test("rfc9162InclusionRoots() rebuilds the reference root for every size 1..2000 (every index up to 300)", () => {
  const rng = new SeededRandom(6);
  for (let size = 1; size <= MAX_SIZE; size++) {
    const batch = indicesOf(size, rng).map((index) => ({
      leafHash: tree.hash(index, index + 1),
      index,
      size,
      path: tree.inclusionPath(index, size),
    }));
    const root = toHex(tree.root(size));
    rfc9162InclusionRoots(batch).forEach((got, i) => {
      if (toHex(got) !== root) assert.fail(`leaf ${batch[i]!.index} of ${size}: ${toHex(got)} != ${root}`);
    });
  }
});

Deno.test("rfc9162InclusionRoots() folds proofs of mixed trees and lengths in one batch, in input order", () => {
  const rng = new SeededRandom(7);
  const batch = Array.from({ length: 4001 }, () => {
    const size = 1 + rng.below(MAX_SIZE);
    const index = rng.below(size);
    return { leafHash: tree.hash(index, index + 1), index, size, path: tree.inclusionPath(index, size) };
  });
  const roots = rfc9162InclusionRoots(batch);
  assert.equal(roots.length, batch.length);
  roots.forEach((got, i) => assert.deepEqual(got, tree.root(batch[i]!.size), `proof ${i}`));
});

Deno.test("rfc9162InclusionRoot() gives another root when any bit of the leaf or the path is flipped", () => {
  const rng = new SeededRandom(8);
  for (const [index, size] of [[0, 1], [5, 8], [2, 3], [1, 5], [1337, 1999]] as const) {
    const root = toHex(tree.root(size));
    const leaf = tree.hash(index, index + 1);
    const path = tree.inclusionPath(index, size);
    assert.notEqual(toHex(rfc9162InclusionRoot(flipBit(leaf, rng.below(256)), index, size, path)), root);
    path.forEach((hash, i) => {
      const mutated = path.map((p, j) => j === i ? flipBit(hash, rng.below(256)) : p);
      assert.notEqual(toHex(rfc9162InclusionRoot(leaf, index, size, mutated)), root);
    });
  }
});

Deno.test("rfc9162InclusionRoot() reads sizes and indices up to 2^53 - 1 exactly", () => {
  const rng = new SeededRandom(9);
  const big = Number.MAX_SAFE_INTEGER;
  const cases: [number, number][] = [[0, big], [big - 1, big], [2 ** 32, 2 ** 32 + 1], [2 ** 40 + 5, 2 ** 41]];
  for (let i = 0; i < 50; i++) {
    const size = 1 + rng.below(2 ** 21) * 2 ** 32 + rng.next();
    cases.push([Math.floor(size / (1 + rng.below(7))) % size, size]);
  }
  for (const [index, size] of cases) {
    rejects(
      () => rfc9162InclusionRoot(h(0), index, size, []),
      `Cannot fold RFC 9162 inclusion proof: path has 0 hashes, leaf ${index} of a tree of ${size} needs ${
        expectedPathLength(index, size)
      }`,
    );
  }
});

Deno.test("rfc9162ConsistencyRoots() and verifyRfc9162Consistency() accept the reference proof for pairs of sizes", () => {
  const rng = new SeededRandom(10);
  const pairs: [number, number][] = [];
  for (let size2 = 2; size2 <= 130; size2++) for (let size1 = 1; size1 < size2; size1++) pairs.push([size1, size2]);
  for (let i = 0; i < 3000; i++) {
    const size2 = 2 + rng.below(MAX_SIZE - 1);
    pairs.push([1 + rng.below(size2 - 1), size2]);
  }
  for (const [size1, size2] of pairs) {
    const path = tree.consistencyPath(size1, size2);
    const [root1, root2] = [tree.root(size1), tree.root(size2)];
    const roots = rfc9162ConsistencyRoots(size1, size2, root1, path);
    if (toHex(roots.root1) !== toHex(root1) || toHex(roots.root2) !== toHex(root2)) {
      assert.fail(`${size1} to ${size2}: wrong roots`);
    }
    assert.ok(verifyRfc9162Consistency(size1, size2, root1, root2, path), `${size1} to ${size2}`);
  }
});

Deno.test("verifyRfc9162Consistency() rejects flipped bits, swapped roots and paths of the wrong length", () => {
  const rng = new SeededRandom(11);
  for (const [size1, size2] of [[1, 8], [6, 8], [2, 5], [6, 7], [3, 5], [700, 1999], [1024, 2000]] as const) {
    const path = tree.consistencyPath(size1, size2);
    const [root1, root2] = [tree.root(size1), tree.root(size2)];
    assert.ok(verifyRfc9162Consistency(size1, size2, root1, root2, path));
    assert.equal(verifyRfc9162Consistency(size1, size2, flipBit(root1, rng.below(256)), root2, path), false);
    assert.equal(verifyRfc9162Consistency(size1, size2, root1, flipBit(root2, rng.below(256)), path), false);
    assert.equal(verifyRfc9162Consistency(size1, size2, root2, root1, path), false);
    path.forEach((hash, i) => {
      const mutated = path.map((p, j) => j === i ? flipBit(hash, rng.below(256)) : p);
      assert.equal(verifyRfc9162Consistency(size1, size2, root1, root2, mutated), false, `${size1} to ${size2} @${i}`);
    });
    assert.equal(verifyRfc9162Consistency(size1, size2, root1, root2, path.slice(1)), false);
    assert.equal(verifyRfc9162Consistency(size1, size2, root1, root2, [...path, root2]), false);
    assert.equal(verifyRfc9162Consistency(size1, size2, root1, root2, [root1, ...path]), false);
  }
});

Deno.test("verifyRfc9162Consistency() applies the transparency-dev pre-checks in order", () => {
  const [r1, r2] = [tree.root(1), tree.root(2)];
  assert.equal(verifyRfc9162Consistency(2, 1, r2, r1, [r1]), false, "size2 < size1");
  assert.equal(verifyRfc9162Consistency(0, 0, r1, r1, []), false, "0 to 0");
  assert.equal(verifyRfc9162Consistency(0, 2, r1, r2, []), false, "from the empty tree");
  assert.ok(verifyRfc9162Consistency(1, 1, h(7, 12), h(7, 12), []), "equal sizes: byte equality, no length rule");
  assert.equal(verifyRfc9162Consistency(1, 1, r1, r2, []), false, "equal sizes, different roots");
  assert.equal(verifyRfc9162Consistency(1, 1, r1, r1, [r1]), false, "equal sizes, non-empty path");
  assert.equal(verifyRfc9162Consistency(1, 2, r1, r2, []), false, "empty path");
});

function randomCcfPath(rng: SeededRandom, steps: number): CcfPathStep[] {
  return Array.from({ length: steps }, () => ({ left: rng.below(2) === 1, hash: rng.bytes(32) }));
}

Deno.test("foldCcfPath() equals the reference for random paths of 0 to 64 steps", () => {
  const rng = new SeededRandom(12);
  for (let i = 0; i < 2000; i++) {
    const leaf = rng.bytes(32);
    const path = randomCcfPath(rng, i % 65);
    assert.deepEqual(foldCcfPath(leaf, path), foldCcfReference(leaf, path), `path ${i}`);
  }
});

Deno.test("foldCcfPaths() equals the reference for a batch of mixed lengths, in input order", () => {
  const rng = new SeededRandom(13);
  for (const count of [0, 1, 2, 3, 4, 5, 7, 1001]) {
    const batch = Array.from(
      { length: count },
      () => ({ leaf: rng.bytes(32), path: randomCcfPath(rng, rng.below(65)) }),
    );
    const roots = foldCcfPaths(batch);
    assert.equal(roots.length, count);
    roots.forEach((root, i) =>
      assert.deepEqual(root, foldCcfReference(batch[i]!.leaf, batch[i]!.path), `${i}/${count}`)
    );
  }
});

Deno.test("foldCcfPaths() splits batches that exceed the input or the result region into several calls", () => {
  const rng = new SeededRandom(14);
  // 600 paths of 64 steps are 1.26 MB of records; 2500 short paths are more roots than one call returns.
  for (const [count, steps] of [[600, 64], [2500, 2]] as const) {
    const batch = Array.from({ length: count }, () => ({ leaf: rng.bytes(32), path: randomCcfPath(rng, steps) }));
    const roots = foldCcfPaths(batch);
    roots.forEach((root, i) => assert.deepEqual(root, foldCcfReference(batch[i]!.leaf, batch[i]!.path), `${i}`));
  }
});

Deno.test("foldCcfPath() refuses bad lengths before they reach WebAssembly", () => {
  const step = { left: true, hash: h(1) };
  rejects(
    () => foldCcfPath(h(0), Array(65).fill(step)),
    "Cannot fold CCF path: path has 65 steps, more than the limit of 64",
  );
  rejects(() => foldCcfPath(h(0, 31), [step]), "Cannot fold CCF path: leaf hash must be 32 bytes, found 31");
  rejects(
    () => foldCcfPath(h(0), [step, step, { left: false, hash: h(1, 33) }]),
    "Cannot fold CCF path: step 2 hash must be 32 bytes, found 33",
  );
  rejects(
    () =>
      foldCcfPaths([{ leaf: h(0), path: [step] }, {
        leaf: h(0),
        path: [{ left: 1 as unknown as boolean, hash: h(1) }],
      }]),
    'Cannot fold CCF path 1: step 0 must have a boolean "left"',
  );
  rejects(
    () => ccfLeafHash({ internalTransactionHash: h(0, 0), internalEvidence: "ce:1.2:ab", dataHash: h(0) }),
    "Cannot hash CCF leaf: internal transaction hash must be 32 bytes, found 0",
  );
});

Deno.test("rfc9162InclusionRoot() refuses bad sizes, indices, lengths and path lengths", () => {
  const context = "Cannot fold RFC 9162 inclusion proof";
  rejects(() => rfc9162InclusionRoot(h(0), 5, 5, []), `${context}: leaf index 5 must be less than the tree size 5`);
  rejects(
    () => rfc9162InclusionRoot(h(0), 0, 0, []),
    `${context}: tree size must be an integer from 1 to 2^53 - 1, found 0`,
  );
  rejects(
    () => rfc9162InclusionRoot(h(0), 0, 2 ** 53, []),
    `${context}: tree size must be an integer from 1 to 2^53 - 1, found 9007199254740992`,
  );
  rejects(
    () => rfc9162InclusionRoot(h(0), 1.5, 4, []),
    `${context}: leaf index must be an integer from 0 to 2^53 - 1, found 1.5`,
  );
  rejects(() => rfc9162InclusionRoot(new Uint8Array(), 0, 1, []), `${context}: leaf hash must be 32 bytes, found 0`);
  rejects(
    () => rfc9162InclusionRoot(h(0), 3, 5, [h(1), h(2)]),
    `${context}: path has 2 hashes, leaf 3 of a tree of 5 needs 3`,
  );
  rejects(
    () => rfc9162InclusionRoot(h(0), 3, 5, [h(1), h(2), h(3), h(4)]),
    `${context}: path has 4 hashes, leaf 3 of a tree of 5 needs 3`,
  );
  rejects(
    () => rfc9162InclusionRoot(h(0), 3, 5, [h(1), h(2, 0), h(3)]),
    `${context}: path hash 1 must be 32 bytes, found 0`,
  );
  rejects(
    () => rfc9162InclusionRoot(h(0), 0, 2 ** 40, Array(65).fill(h(1))),
    `${context}: path has 65 steps, more than the limit of 64`,
  );
  rejects(
    () =>
      rfc9162InclusionRoots([{ leafHash: h(0), index: 0, size: 2, path: [h(1)] }, {
        leafHash: h(0),
        index: 0,
        size: 2,
        path: [],
      }]),
    "Cannot fold RFC 9162 inclusion proof 1: path has 0 hashes, leaf 0 of a tree of 2 needs 1",
  );
});

Deno.test("rfc9162ConsistencyRoots() and verifyRfc9162Consistency() refuse bad sizes, lengths and path lengths", () => {
  const context = "Cannot fold RFC 9162 consistency proof";
  rejects(() => rfc9162ConsistencyRoots(3, 3, h(0), [h(1)]), `${context}: size1 3 must be less than size2 3`);
  rejects(
    () => rfc9162ConsistencyRoots(0, 3, h(0), [h(1)]),
    `${context}: size1 must be an integer from 1 to 2^53 - 1, found 0`,
  );
  rejects(() => rfc9162ConsistencyRoots(3, 5, h(0, 12), [h(1)]), `${context}: root1 must be 32 bytes, found 12`);
  rejects(
    () => rfc9162ConsistencyRoots(3, 5, h(0), [h(1)]),
    `${context}: path has 1 hashes, a proof from size 3 to 5 needs 4`,
  );
  rejects(
    () => verifyRfc9162Consistency(3, 5, h(0), h(1, 31), [h(2)]),
    "Cannot verify RFC 9162 consistency proof: root2 must be 32 bytes, found 31",
  );
  rejects(
    () => verifyRfc9162Consistency(-1, 5, h(0), h(1), [h(2)]),
    "Cannot verify RFC 9162 consistency proof: size1 must be an integer from 0 to 2^53 - 1, found -1",
  );
});
