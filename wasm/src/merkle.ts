// Merkle folds over one proof at a time: CCF paths and RFC 9162 inclusion and consistency proofs. Running
// digests are 8 native-order words at a fixed address; siblings are read as 32 big-endian bytes in place.

import { ACC_A, ACC_B, BLOCK, PAIR } from "./layout";
import { compressPad64, compressTail65, compressWords16, loadDigest, resetState, storeDigest } from "./sha256";

/** Bytes before the leaf in a CCF record: flags u64 (bit i set: sibling i is on the left), steps u32, reserved. */
export const CCF_HEADER: usize = 16;
/** Bytes before the first hash in an RFC 9162 record: two u64, steps u32, required steps i32 (written back). */
export const RFC9162_HEADER: usize = 24;

/** Places a running digest and a sibling into PAIR, the sibling first when it is on the left. */
export function pairWith(acc: usize, sibling: usize, siblingLeft: bool): void {
  const mine = siblingLeft ? PAIR + 32 : PAIR;
  const theirs = siblingLeft ? PAIR : PAIR + 32;
  for (let i: usize = 0; i < 32; i += 4) {
    store<u32>(mine + i, load<u32>(acc + i));
    store<u32>(theirs + i, bswap<u32>(load<u32>(sibling + i)));
  }
}

/** Replaces `acc` with the CCF node SHA-256(left ‖ right) of PAIR: no prefix byte. */
export function ccfNode(acc: usize): void {
  resetState(acc);
  compressWords16(acc, PAIR);
  compressPad64(acc);
}

/** Replaces `acc` with the RFC 9162 node SHA-256(0x01 ‖ left ‖ right) of PAIR (RFC 9162 §2.1.1). */
export function rfc9162Node(acc: usize): void {
  // The 65-byte message is PAIR shifted right by the prefix byte; its last byte spills into a second block.
  let carry: u32 = 0x01;
  for (let i: usize = 0; i < 64; i += 4) {
    const word = load<u32>(PAIR + i);
    store<u32>(BLOCK + i, (carry << 24) | (word >>> 8));
    carry = word;
  }
  resetState(acc);
  compressWords16(acc, BLOCK);
  compressTail65(acc, carry & 0xff);
}

/** Whether the sibling of node `f` (last node `s`) is on its left: LSB(fn) set or fn = sn (RFC 9162 §2.1.3.2). */
export function siblingLeft(f: u64, s: u64): bool {
  return (f & 1) != 0 || f == s;
}

/** Levels to climb after hashing at node `f`: one, plus the levels without a sibling on an even right edge. */
export function levelsUp(f: u64, s: u64): u64 {
  return (f & 1) == 0 && f == s ? ctz<u64>(f) + 1 : 1;
}

/** How many hashes a path from node `f` needs in a tree level whose last node is `s` (s = 0: none). */
export function pathLength(f: u64, s: u64): i32 {
  let n = 0;
  while (s != 0) {
    const k = levelsUp(f, s);
    f >>= k;
    s >>= k;
    n++;
  }
  return n;
}

/** Folds the CCF record at `record` and writes its root to `out`; returns the address after the record. */
export function foldCcf(record: usize, out: usize): usize {
  const flags = load<u64>(record, 0);
  const steps = load<u32>(record, 8);
  loadDigest(ACC_A, record + CCF_HEADER);
  let sibling = record + CCF_HEADER + 32;
  for (let i: u32 = 0; i < steps; i++, sibling += 32) {
    pairWith(ACC_A, sibling, ((flags >> i) & 1) != 0);
    ccfNode(ACC_A);
  }
  storeDigest(ACC_A, out);
  return sibling;
}

/**
 * Folds the RFC 9162 inclusion record at `record` (index, size, steps, leaf hash, path) into the root at `out`
 * (RFC 9162 §2.1.3.2). Returns the number of hashes the tree requires and writes it into the record; -1 when
 * index >= size. Nothing is hashed when it differs from the path length.
 */
export function foldInclusion(record: usize, out: usize): i32 {
  const index = load<u64>(record, 0);
  const size = load<u64>(record, 8);
  const required = index < size ? pathLength(index, size - 1) : -1;
  store<i32>(record, required, 20);
  if (required != load<i32>(record, 16)) return required;
  loadDigest(ACC_A, record + RFC9162_HEADER);
  let f = index;
  let s = size - 1;
  for (let sibling = record + RFC9162_HEADER + 32; s != 0; sibling += 32) {
    pairWith(ACC_A, sibling, siblingLeft(f, s));
    rfc9162Node(ACC_A);
    const k = levelsUp(f, s);
    f >>= k;
    s >>= k;
  }
  storeDigest(ACC_A, out);
  return required;
}

/**
 * Folds the RFC 9162 consistency record at `record` (size1, size2, steps, root1, path) into the old and the new
 * root at `out` and `out + 32` (RFC 9162 §2.1.4.2). Returns the number of path hashes required and writes it
 * into the record; -1 unless 0 < size1 < size2. Nothing is hashed when it differs from the path length.
 */
export function foldConsistency(record: usize, out: usize): i32 {
  const size1 = load<u64>(record, 0);
  const size2 = load<u64>(record, 8);
  // Step 2: when size1 is a power of two, root1 is itself a node of the new tree and starts the sequence.
  const startsWithRoot1 = (size1 & (size1 - 1)) == 0;
  let f = size1 - 1;
  let s = size2 - 1;
  let required = -1;
  if (size1 > 0 && size1 < size2) {
    // Step 3: climb while fn is a right child.
    const k = ctz<u64>(~f);
    f >>= k;
    s >>= k;
    required = 1 + pathLength(f, s) - (startsWithRoot1 ? 1 : 0);
  }
  store<i32>(record, required, 20);
  if (required != load<i32>(record, 16)) return required;
  const first = startsWithRoot1 ? record + RFC9162_HEADER : record + RFC9162_HEADER + 32;
  loadDigest(ACC_A, first);
  loadDigest(ACC_B, first);
  for (let c = first + 32; s != 0; c += 32) {
    if (siblingLeft(f, s)) {
      pairWith(ACC_A, c, true);
      rfc9162Node(ACC_A);
      pairWith(ACC_B, c, true);
      rfc9162Node(ACC_B);
    } else {
      pairWith(ACC_B, c, false);
      rfc9162Node(ACC_B);
    }
    const k = levelsUp(f, s);
    f >>= k;
    s >>= k;
  }
  storeDigest(ACC_A, out);
  storeDigest(ACC_B, out + 32);
  return required;
}
