// deno-fmt-ignore-file
// Big integers as little-endian arrays of 27-bit limbs, one per u32 word at a fixed address. Products of two
// limbs are below 2^54, so a column of up to 512 products plus a carry fits a u64 without any carry handling
// inside the column: Montgomery multiplication is product scanning (Koç's FIPS order) with one shift per column.

/** Bits per limb. */
export const W: u32 = 27;
/** The low W bits. */
export const MASK: u64 = (<u64>1 << 27) - 1;
/** Scratch for the Montgomery quotient digits (256 limbs). */
export const M_SCRATCH: usize = 0x0400;

@inline function ld(p: usize): u64 {
  return <u64>load<u32>(p);
}

/**
 * r = a·b·R⁻¹ mod n with R = 2^(27·len), for a, b < 2n and 4n ≤ R; the result is below 2n. `n0` is −n⁻¹ mod 2^27.
 * r may be a or b (each output limb is written after the last read of the limbs below it).
 */
export function montMul(r: usize, a: usize, b: usize, n: usize, len: u32, n0: u64): void {
  const m = M_SCRATCH;
  let acc: u64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    let pa = a;
    let pm = m;
    let pb = b + (<usize>i << 2);
    let pn = n + (<usize>i << 2);
    for (let j: u32 = 0; j < i; j++) {
      acc += ld(pa) * ld(pb) + ld(pm) * ld(pn);
      pa += 4;
      pm += 4;
      pb -= 4;
      pn -= 4;
    }
    acc += ld(pa) * ld(b);
    const q = ((acc & MASK) * n0) & MASK;
    store<u32>(m + (<usize>i << 2), <u32>q);
    acc = (acc + q * ld(n)) >> W;
  }
  for (let i: u32 = len; i < 2 * len - 1; i++) {
    const start = i - len + 1;
    let pa = a + (<usize>start << 2);
    let pm = m + (<usize>start << 2);
    let pb = b + (<usize>(len - 1) << 2);
    let pn = n + (<usize>(len - 1) << 2);
    for (let j: u32 = start; j < len; j++) {
      acc += ld(pa) * ld(pb) + ld(pm) * ld(pn);
      pa += 4;
      pm += 4;
      pb -= 4;
      pn -= 4;
    }
    store<u32>(r + (<usize>(i - len) << 2), <u32>(acc & MASK));
    acc >>= W;
  }
  store<u32>(r + (<usize>(len - 1) << 2), <u32>acc);
}

/** r = a²·R⁻¹ mod n, as {@link montMul}(r, a, a) but with each cross product computed once. r may be a. */
export function montSqr(r: usize, a: usize, n: usize, len: u32, n0: u64): void {
  const m = M_SCRATCH;
  let acc: u64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    let cross: u64 = 0;
    let pa = a;
    let pb = a + (<usize>i << 2);
    while (pa < pb) {
      cross += ld(pa) * ld(pb);
      pa += 4;
      pb -= 4;
    }
    acc += cross << 1;
    if (pa == pb) acc += ld(pa) * ld(pa);
    let pm = m;
    let pn = n + (<usize>i << 2);
    for (let j: u32 = 0; j < i; j++) {
      acc += ld(pm) * ld(pn);
      pm += 4;
      pn -= 4;
    }
    const q = ((acc & MASK) * n0) & MASK;
    store<u32>(m + (<usize>i << 2), <u32>q);
    acc = (acc + q * ld(n)) >> W;
  }
  for (let i: u32 = len; i < 2 * len - 1; i++) {
    const start = i - len + 1;
    let cross: u64 = 0;
    let pa = a + (<usize>start << 2);
    let pb = a + (<usize>(len - 1) << 2);
    while (pa < pb) {
      cross += ld(pa) * ld(pb);
      pa += 4;
      pb -= 4;
    }
    acc += cross << 1;
    if (pa == pb) acc += ld(pa) * ld(pa);
    let pm = m + (<usize>start << 2);
    let pn = n + (<usize>(len - 1) << 2);
    for (let j: u32 = start; j < len; j++) {
      acc += ld(pm) * ld(pn);
      pm += 4;
      pn -= 4;
    }
    store<u32>(r + (<usize>(i - len) << 2), <u32>(acc & MASK));
    acc >>= W;
  }
  store<u32>(r + (<usize>(len - 1) << 2), <u32>acc);
}

/** −n⁻¹ mod 2^27 for odd n (Newton iteration: each step doubles the correct low bits). */
export function negInverse(n: usize): u64 {
  const n0 = ld(n);
  let x: u64 = n0; // correct to 3 bits for odd n
  for (let i = 0; i < 5; i++) x = (x * (2 - n0 * x)) & MASK;
  return (0 - x) & MASK;
}

/** Reads `bytes` big-endian bytes at src into `len` limbs at dst; bits beyond 27·len are dropped. */
export function fromBytes(dst: usize, src: usize, bytes: u32, len: u32): void {
  let acc: u64 = 0;
  let bits: u32 = 0;
  let k: u32 = 0;
  for (let i = bytes; i > 0 && k < len; i--) {
    acc |= <u64>load<u8>(src + i - 1) << bits;
    bits += 8;
    if (bits >= W) {
      store<u32>(dst + (<usize>k << 2), <u32>(acc & MASK));
      k++;
      acc >>= W;
      bits -= W;
    }
  }
  while (k < len) {
    store<u32>(dst + (<usize>k << 2), <u32>(acc & MASK));
    k++;
    acc >>= W;
  }
}

/** Writes the low 8·bytes bits of the `len`-limb number at src to dst as big-endian bytes. */
export function toBytes(dst: usize, src: usize, bytes: u32, len: u32): void {
  let acc: u64 = 0;
  let bits: u32 = 0;
  let k: u32 = 0;
  for (let i = bytes; i > 0; i--) {
    if (bits < 8) {
      if (k < len) acc |= ld(src + (<usize>k << 2)) << bits;
      k++;
      bits += W;
    }
    store<u8>(dst + i - 1, <u8>acc);
    acc >>= 8;
    bits -= 8;
  }
}

/** Compares two `len`-limb numbers: −1, 0 or 1. */
export function cmp(a: usize, b: usize, len: u32): i32 {
  for (let i = <i32>len - 1; i >= 0; i--) {
    const x = load<u32>(a + (<usize>i << 2));
    const y = load<u32>(b + (<usize>i << 2));
    if (x != y) return x < y ? -1 : 1;
  }
  return 0;
}

/** Whether the `len`-limb number at a is zero. */
export function isZero(a: usize, len: u32): bool {
  let any: u32 = 0;
  for (let i: u32 = 0; i < len; i++) any |= load<u32>(a + (<usize>i << 2));
  return any == 0;
}

/** r = a − b over `len` limbs; returns the borrow out (1 when a < b). r may be a or b. */
export function sub(r: usize, a: usize, b: usize, len: u32): u32 {
  let borrow: i64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const o = <usize>i << 2;
    const t = <i64>load<u32>(a + o) - <i64>load<u32>(b + o) - borrow;
    store<u32>(r + o, <u32>(t & <i64>MASK));
    borrow = (t >> 63) & 1;
  }
  return <u32>borrow;
}

/** r = a + b over `len` limbs; returns the carry out. r may be a or b. */
export function add(r: usize, a: usize, b: usize, len: u32): u32 {
  let carry: u64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    const o = <usize>i << 2;
    const t = ld(a + o) + ld(b + o) + carry;
    store<u32>(r + o, <u32>(t & MASK));
    carry = t >> W;
  }
  return <u32>carry;
}

/** Copies `len` limbs. */
export function copy(dst: usize, src: usize, len: u32): void {
  memory.copy(dst, src, <usize>len << 2);
}

/** Sets the `len`-limb number at dst to the small value v (below 2^27). */
export function setSmall(dst: usize, v: u32, len: u32): void {
  memory.fill(dst, 0, <usize>len << 2);
  store<u32>(dst, v);
}

/** Reduces a < 2n to a mod n in place. */
export function reduceOnce(a: usize, n: usize, len: u32): void {
  if (cmp(a, n, len) >= 0) sub(a, a, n, len);
}

/** r = 2^(2·27·len) mod n (R² for Montgomery form) by doubling, for odd n with 2n < 2^(27·len). */
export function montR2(r: usize, n: usize, len: u32): void {
  setSmall(r, 1, len);
  const total: u32 = 2 * W * len;
  for (let i: u32 = 0; i < total; i++) {
    add(r, r, r, len);
    if (cmp(r, n, len) >= 0) sub(r, r, n, len);
  }
}

@inline function shiftRight1(a: usize, len: u32): void {
  for (let i: u32 = 0; i < len - 1; i++) {
    const o = <usize>i << 2;
    store<u32>(a + o, (load<u32>(a + o) >> 1) | ((load<u32>(a + o + 4) & 1) << (W - 1)));
  }
  const o = <usize>(len - 1) << 2;
  store<u32>(a + o, load<u32>(a + o) >> 1);
}

/** Halves x modulo the odd n in place (x < n). */
function halveMod(x: usize, n: usize, len: u32): void {
  if ((load<u32>(x) & 1) != 0) add(x, x, n, len);
  shiftRight1(x, len);
}

/**
 * r = a⁻¹ mod n for odd n and 0 < a < n (binary extended Euclid, variable time: nothing here is secret).
 * Returns false when a is zero or not invertible. u, v, x2 are scratch.
 */
export function invMod(r: usize, a: usize, n: usize, len: u32, u: usize, v: usize, x2: usize): bool {
  if (isZero(a, len)) return false;
  copy(u, a, len);
  copy(v, n, len);
  setSmall(r, 1, len);
  setSmall(x2, 0, len);
  const x1 = r;
  while (true) {
    if (isOne(u, len)) return true;
    if (isOne(v, len)) {
      copy(r, x2, len);
      return true;
    }
    if (isZero(u, len) || isZero(v, len)) return false;
    while ((load<u32>(u) & 1) == 0) {
      shiftRight1(u, len);
      halveMod(x1, n, len);
    }
    while ((load<u32>(v) & 1) == 0) {
      shiftRight1(v, len);
      halveMod(x2, n, len);
    }
    if (cmp(u, v, len) >= 0) {
      sub(u, u, v, len);
      if (sub(x1, x1, x2, len) != 0) add(x1, x1, n, len);
    } else {
      sub(v, v, u, len);
      if (sub(x2, x2, x1, len) != 0) add(x2, x2, n, len);
    }
  }
}

function isOne(a: usize, len: u32): bool {
  if (load<u32>(a) != 1) return false;
  for (let i: u32 = 1; i < len; i++) if (load<u32>(a + (<usize>i << 2)) != 0) return false;
  return true;
}

/** Σ x[t]·y[t] for t < count over consecutive limbs, four products per step in two u64x2 lanes. */
@inline function dot(x: usize, y: usize, count: u32): u64 {
  let lanes = i64x2.splat(0);
  let lanes2 = i64x2.splat(0);
  let t: u32 = 0;
  while (t + 8 <= count) {
    const vx = v128.load(x);
    const vy = v128.load(y);
    const wx = v128.load(x, 16);
    const wy = v128.load(y, 16);
    lanes = i64x2.add(lanes, i64x2.extmul_low_i32x4_u(vx, vy));
    lanes2 = i64x2.add(lanes2, i64x2.extmul_high_i32x4_u(vx, vy));
    lanes = i64x2.add(lanes, i64x2.extmul_low_i32x4_u(wx, wy));
    lanes2 = i64x2.add(lanes2, i64x2.extmul_high_i32x4_u(wx, wy));
    x += 32;
    y += 32;
    t += 8;
  }
  lanes = i64x2.add(lanes, lanes2);
  while (t + 4 <= count) {
    const vx = v128.load(x);
    const vy = v128.load(y);
    lanes = i64x2.add(lanes, i64x2.extmul_low_i32x4_u(vx, vy));
    lanes = i64x2.add(lanes, i64x2.extmul_high_i32x4_u(vx, vy));
    x += 16;
    y += 16;
    t += 4;
  }
  let sum: u64 = <u64>i64x2.extract_lane(lanes, 0) + <u64>i64x2.extract_lane(lanes, 1);
  while (t < count) {
    sum += ld(x) * ld(y);
    x += 4;
    y += 4;
    t++;
  }
  return sum;
}

/** Writes the `len` limbs at src to dst in reverse order (dst must not overlap src). */
export function reverse(dst: usize, src: usize, len: u32): void {
  for (let i: u32 = 0; i < len; i++) store<u32>(dst + (<usize>(len - 1 - i) << 2), load<u32>(src + (<usize>i << 2)));
}

/** Where montMulV keeps b reversed (256 limbs). */
export const B_REVERSED: usize = 0x21400;

/**
 * {@link montMul} with SIMD dot products: b and n are read reversed (nRev is n reversed, kept per modulus), so
 * each column is two dot products of consecutive limbs. Same contract: a, b < 2n, 4n ≤ R, result below 2n, r
 * may be a or b.
 */
export function montMulV(r: usize, a: usize, b: usize, n: usize, nRev: usize, len: u32, n0: u64): void {
  const m = M_SCRATCH;
  const bRev = B_REVERSED;
  reverse(bRev, b, len);
  const top = len - 1;
  let acc: u64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    // a[j]·b[i−j] = a[j]·bRev[top−i+j], j = 0..i; m[j]·n[i−j] = m[j]·nRev[top−i+j], j = 0..i−1
    const off = <usize>(top - i) << 2;
    acc += dot(a, bRev + off, i + 1) + dot(m, nRev + off, i);
    const q = ((acc & MASK) * n0) & MASK;
    store<u32>(m + (<usize>i << 2), <u32>q);
    acc = (acc + q * ld(n)) >> W;
  }
  for (let i: u32 = len; i < 2 * len - 1; i++) {
    const start = i - top;
    const o = <usize>start << 2;
    acc += dot(a + o, bRev, len - start) + dot(m + o, nRev, len - start);
    store<u32>(r + (<usize>(i - len) << 2), <u32>(acc & MASK));
    acc >>= W;
  }
  store<u32>(r + (<usize>top << 2), <u32>acc);
}

/** {@link montSqr} with SIMD dot products (a is reversed into B_REVERSED first). r may be a. */
export function montSqrV(r: usize, a: usize, n: usize, nRev: usize, len: u32, n0: u64): void {
  const m = M_SCRATCH;
  const aRev = B_REVERSED;
  reverse(aRev, a, len);
  const top = len - 1;
  let acc: u64 = 0;
  for (let i: u32 = 0; i < len; i++) {
    // cross products a[j]·a[i−j] for j < i − j, i.e. j < (i + 1) / 2
    const off = <usize>(top - i) << 2;
    const half = (i + 1) >> 1;
    acc += (dot(a, aRev + off, half) << 1) + dot(m, nRev + off, i);
    if ((i & 1) == 0) acc += ld(a + (<usize>(i >> 1) << 2)) * ld(a + (<usize>(i >> 1) << 2));
    const q = ((acc & MASK) * n0) & MASK;
    store<u32>(m + (<usize>i << 2), <u32>q);
    acc = (acc + q * ld(n)) >> W;
  }
  for (let i: u32 = len; i < 2 * len - 1; i++) {
    const start = i - top;
    const o = <usize>start << 2;
    // j from start while j < i − j
    const half = ((i + 1) >> 1) - start;
    acc += (dot(a + o, aRev, half) << 1) + dot(m + o, nRev, len - start);
    if ((i & 1) == 0) acc += ld(a + (<usize>(i >> 1) << 2)) * ld(a + (<usize>(i >> 1) << 2));
    store<u32>(r + (<usize>(i - len) << 2), <u32>(acc & MASK));
    acc >>= W;
  }
  store<u32>(r + (<usize>top << 2), <u32>acc);
}
