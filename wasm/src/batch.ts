// Batches: records laid back to back in INPUT are folded four at a time, one per v128 lane, and their roots
// written to RESULTS in record order. A group runs as many steps as its longest path; a lane whose path is
// done hashes the zero sibling and its result is ignored.

import { BLOCK4, INPUT, LANES, PAIR4, RESULTS, SIB4, STATE4, ZERO } from "./layout";
import { CCF_HEADER, levelsUp, pathLength, RFC9162_HEADER, siblingLeft } from "./merkle";
import { compressPad64x4, compressTail65x4, compressWords4x16, resetState4 } from "./sha256x4";

// Lane bookkeeping, 32 bytes per lane at LANES + 32j.
const LANE_SIBLINGS = 0; // u32: address of the lane's first sibling
const LANE_STEPS = 4; // u32: hashes in the lane's path
const LANE_OUT = 8; // u32: where the lane's root goes, 0 for an idle lane
const LANE_MASK = 12; // i32: -1 when this step's sibling is on the left, else 0 (the four form one v128)
const LANE_F = 16; // u64: CCF flags, or the RFC 9162 node index fn
const LANE_S = 24; // u64: the RFC 9162 last node index sn

/** Writes a digest (32 big-endian bytes) into lane `j` of a transposed four-lane buffer. */
function setLane(buffer: usize, j: usize, bytes: usize): void {
  for (let k: usize = 0; k < 8; k++) store<u32>(buffer + (k << 4) + (j << 2), bswap<u32>(load<u32>(bytes + (k << 2))));
}

/** Reads lane `j` of a transposed four-lane state as a digest (32 big-endian bytes). */
function getLane(buffer: usize, j: usize, bytes: usize): void {
  for (let k: usize = 0; k < 8; k++) store<u32>(bytes + (k << 2), bswap<u32>(load<u32>(buffer + (k << 4) + (j << 2))));
}

/** Starts lane `j` on a leaf: an idle lane (out = 0) starts on the zero hash. A path of no steps is done at once. */
function startLane(j: usize, leaf: usize, steps: u32, out: usize, f: u64, s: u64): void {
  const lane = LANES + (j << 5);
  store<u32>(lane, <u32> (leaf + 32), LANE_SIBLINGS);
  store<u32>(lane, steps, LANE_STEPS);
  store<u32>(lane, <u32> out, LANE_OUT);
  store<u64>(lane, f, LANE_F);
  store<u64>(lane, s, LANE_S);
  setLane(STATE4, j, leaf);
  if (out != 0 && steps == 0) memory.copy(out, leaf, 32);
}

/** Lane `j`'s sibling at step `i`: the zero hash once its path is done. */
function laneSibling(j: usize, i: u32): usize {
  const lane = LANES + (j << 5);
  return i < load<u32>(lane, LANE_STEPS) ? <usize> load<u32>(lane, LANE_SIBLINGS) + (<usize> i << 5) : ZERO;
}

/** Lays out PAIR4 from STATE4 and SIB4: per lane, the sibling goes left where the lane's mask is set. */
function pairLanes(): void {
  // The four masks sit 32 bytes apart; gather them into one vector.
  const m = i32x4(
    load<i32>(LANES + LANE_MASK),
    load<i32>(LANES + 32 + LANE_MASK),
    load<i32>(LANES + 64 + LANE_MASK),
    load<i32>(LANES + 96 + LANE_MASK),
  );
  for (let k: usize = 0; k < 128; k += 16) {
    const mine = v128.load(STATE4 + k);
    const theirs = v128.load(SIB4 + k);
    v128.store(PAIR4 + k, v128.bitselect(theirs, mine, m));
    v128.store(PAIR4 + 128 + k, v128.bitselect(mine, theirs, m));
  }
}

/** Writes the root of every lane whose path ended at step `i`. */
function finishLanes(i: u32): void {
  for (let j: usize = 0; j < 4; j++) {
    const lane = LANES + (j << 5);
    const out = <usize> load<u32>(lane, LANE_OUT);
    if (out != 0 && load<u32>(lane, LANE_STEPS) == i + 1) getLane(STATE4, j, out);
  }
}

/** Folds `count` CCF records (see foldCcf) laid back to back in INPUT. */
export function foldCcfBatch(count: u32): void {
  let record = INPUT;
  for (let first: u32 = 0; first < count; first += 4) {
    let steps: u32 = 0;
    for (let j: usize = 0; j < 4; j++) {
      if (first + <u32> j < count) {
        const n = load<u32>(record, 8);
        startLane(j, record + CCF_HEADER, n, RESULTS + ((<usize> first + j) << 5), load<u64>(record, 0), 0);
        record += CCF_HEADER + 32 + (<usize> n << 5);
        steps = max(steps, n);
      } else {
        startLane(j, ZERO, 0, 0, 0, 0);
      }
    }
    for (let i: u32 = 0; i < steps; i++) {
      for (let j: usize = 0; j < 4; j++) {
        const lane = LANES + (j << 5);
        const left = i < 64 && ((load<u64>(lane, LANE_F) >> i) & 1) != 0; // a u64 shift wraps at 64
        store<i32>(lane, left ? -1 : 0, LANE_MASK);
        setLane(SIB4, j, laneSibling(j, i));
      }
      pairLanes();
      ccfNode4();
      finishLanes(i);
    }
  }
}

/**
 * Folds `count` RFC 9162 inclusion records (see foldInclusion) laid back to back in INPUT. Every record gets its
 * required path length written back; a record whose path length differs is not hashed and has no root.
 */
export function foldInclusionBatch(count: u32): void {
  let record = INPUT;
  for (let first: u32 = 0; first < count; first += 4) {
    let steps: u32 = 0;
    for (let j: usize = 0; j < 4; j++) {
      if (first + <u32> j < count) {
        const index = load<u64>(record, 0);
        const size = load<u64>(record, 8);
        const n = load<u32>(record, 16);
        const required = index < size ? pathLength(index, size - 1) : -1;
        store<i32>(record, required, 20);
        const out = required == <i32> n ? RESULTS + ((<usize> first + j) << 5) : 0;
        startLane(j, record + RFC9162_HEADER, out != 0 ? n : 0, out, index, size - 1);
        record += RFC9162_HEADER + 32 + (<usize> n << 5);
        if (out != 0) steps = max(steps, n);
      } else {
        startLane(j, ZERO, 0, 0, 0, 0);
      }
    }
    for (let i: u32 = 0; i < steps; i++) {
      for (let j: usize = 0; j < 4; j++) {
        const lane = LANES + (j << 5);
        let left = false;
        if (i < load<u32>(lane, LANE_STEPS)) {
          const f = load<u64>(lane, LANE_F);
          const s = load<u64>(lane, LANE_S);
          left = siblingLeft(f, s);
          const k = levelsUp(f, s);
          store<u64>(lane, f >> k, LANE_F);
          store<u64>(lane, s >> k, LANE_S);
        }
        store<i32>(lane, left ? -1 : 0, LANE_MASK);
        setLane(SIB4, j, laneSibling(j, i));
      }
      pairLanes();
      rfc9162Node4();
      finishLanes(i);
    }
  }
}

/** Replaces every lane of STATE4 with the CCF node hash of its PAIR4 lane. */
function ccfNode4(): void {
  resetState4(STATE4);
  compressWords4x16(STATE4, PAIR4);
  compressPad64x4(STATE4);
}

/** Replaces every lane of STATE4 with the RFC 9162 node hash of its PAIR4 lane. */
function rfc9162Node4(): void {
  // As in rfc9162Node: the message is PAIR4 shifted right by the prefix byte; the last byte spills over.
  let carry = i32x4.splat(0x01);
  for (let k: usize = 0; k < 256; k += 16) {
    const word = v128.load(PAIR4 + k);
    v128.store(BLOCK4 + k, v128.or(i32x4.shl(carry, 24), i32x4.shr_u(word, 8)));
    carry = word;
  }
  resetState4(STATE4);
  compressWords4x16(STATE4, BLOCK4);
  compressTail65x4(STATE4, PAIR4 + 240);
}
