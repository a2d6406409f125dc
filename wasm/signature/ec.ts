// deno-fmt-ignore-file
// ECDSA verification over the NIST prime curves (a = −3) in Jacobian coordinates. Field elements are Montgomery
// form mod p, always fully reduced (below p), so equality and zero tests are limb comparisons. u1·G + u2·Q is one
// interleaved wNAF ladder: odd multiples of G (window 8) are precomputed once per curve, those of Q (window 5)
// once per key, both in affine form for mixed additions.

import { add, cmp, copy, fromBytes, invMod, isZero, montMul, montR2, negInverse, setSmall, sub } from "./bignum";
import { addP256, addP384, addP521, mulP256, mulP384, mulP521, sqrP256, sqrP384, sqrP521, subP256, subP384, subP521 }
  from "./field";

/** Bytes per field element slot (up to 32 limbs). */
const E: usize = 128;
/** Per-curve constants: CURVES + curve·CURVE_STRIDE. */
const CURVES: usize = 0x4000;
const CURVE_STRIDE: usize = 0x800;
// Offsets of the constants inside a curve's block.
const C_P: usize = 0 * E;
const C_N: usize = 1 * E;
const C_B: usize = 2 * E; // b, Montgomery form
const C_R2P: usize = 3 * E;
const C_R3P: usize = 4 * E;
const C_R2N: usize = 5 * E;
const C_ONE: usize = 6 * E; // R mod p
const C_G: usize = 7 * E; // G affine, Montgomery form (two slots)
const C_RN: usize = 9 * E; // r + n scratch
/** Temporaries (32 slots). */
const TMP: usize = 0x3000;
/** r and the scalars u1, u2 of the verification in progress. */
const R_IN: usize = TMP + 24 * E;
const U1: usize = TMP + 28 * E;
const U2: usize = TMP + 29 * E;
/** The running point of the ladder (Jacobian, three slots). */
const ACC: usize = 0x2400;
/** 2P in affine form while odd multiples are built (two slots). */
const TWICE: usize = 0x2600;
/** The public key being prepared, Montgomery form (two slots). */
const KEY: usize = 0x2700;
/** Odd multiples of Q, affine (16 points of two slots). */
export const Q_TABLE: usize = 0x6000;
/** Jacobian points awaiting conversion to affine (64 points of three slots). */
const JAC: usize = 0x7000;
/** Prefix products for the batch inversion (64 slots). */
const PREFIX: usize = 0xd000;
/** wNAF digits of u1 and u2, one i8 per bit. */
const NAF1: usize = 0xf000;
const NAF2: usize = 0xf400;
/** Odd multiples of G per curve, affine: G_TABLES + curve·G_STRIDE. */
const G_TABLES: usize = 0x10000;
const G_STRIDE: usize = 0x4000;
/** Where the host writes inputs and reads outputs: five 128-byte big-endian slots. */
export const EC_IO: usize = 0x2000;

/** Teeth of the combs: tables of 255 points, d = ⌈orderBits / 8⌉ doublings per verification. */
const COMB_TEETH: u32 = 8;
const COMB_POINTS: u32 = (1 << COMB_TEETH) - 1;
/** The comb of G per curve (255 affine points): COMB_G + curve·COMB_STRIDE. */
const COMB_G: usize = 0x30000;
const COMB_STRIDE: usize = 0x10000;
/** The comb of the key being verified (255 affine points), which the host saves and restores per key. */
export const COMB_Q: usize = 0x60000;
/** Bytes of a comb. */
export const COMB_BYTES: u32 = COMB_POINTS * 256;
/** Jacobian points awaiting conversion while a comb is built (255 points of three slots). */
const JAC_BIG: usize = 0x70000;
/** Prefix products for that conversion (255 slots). */
const PREFIX_BIG: usize = 0x88000;
/** The teeth of a comb being built, affine (8 points). */
const COMB_BASES: usize = 0x90000;

const G_WINDOW: i32 = 8;
const Q_WINDOW: i32 = 5;
const G_POINTS: u32 = 1 << (G_WINDOW - 2);
/** Points in Q_TABLE. */
export const Q_POINTS: u32 = 1 << (Q_WINDOW - 2);

// The current curve.
let len: u32 = 0;
let fieldBytes: u32 = 0;
let orderBits: u32 = 0;
let base: usize = 0;
let P: usize = 0;
let N: usize = 0;
let p0: u64 = 0;
let n0: u64 = 0;
/** The current curve's number. */
let curveId: u32 = 0;
/** Bit c set: curve c is set up. */
let readyMask: u32 = 0;

@inline function t(i: usize): usize {
  return TMP + i * E;
}

// Field operations on fully reduced Montgomery-form elements, straight-line per curve (field.ts).
function fmul(r: usize, a: usize, b: usize): void {
  if (curveId == 0) mulP256(r, a, b);
  else if (curveId == 1) mulP384(r, a, b);
  else mulP521(r, a, b);
}

function fsqr(r: usize, a: usize): void {
  if (curveId == 0) sqrP256(r, a);
  else if (curveId == 1) sqrP384(r, a);
  else sqrP521(r, a);
}

function fadd(r: usize, a: usize, b: usize): void {
  if (curveId == 0) addP256(r, a, b);
  else if (curveId == 1) addP384(r, a, b);
  else addP521(r, a, b);
}

function fsub(r: usize, a: usize, b: usize): void {
  if (curveId == 0) subP256(r, a, b);
  else if (curveId == 1) subP384(r, a, b);
  else subP521(r, a, b);
}

/** Doubles the Jacobian point at q in place (dbl-2001-b, a = −3); infinity (Z = 0) stays infinity. */
function pointDouble(q: usize): void {
  const X = q, Y = q + E, Z = q + 2 * E;
  const delta = t(0), gamma = t(1), beta = t(2), alpha = t(3), t1 = t(4), t2 = t(5);
  fsqr(delta, Z);
  fsqr(gamma, Y);
  fmul(beta, X, gamma);
  fsub(t1, X, delta);
  fadd(t2, X, delta);
  fmul(alpha, t1, t2);
  fadd(t1, alpha, alpha);
  fadd(alpha, alpha, t1); // alpha = 3(X − δ)(X + δ)
  // Z3 = (Y + Z)² − γ − δ
  fadd(t1, Y, Z);
  fsqr(t1, t1);
  fsub(t1, t1, gamma);
  fsub(Z, t1, delta);
  // X3 = α² − 8β
  fadd(t2, beta, beta);
  fadd(t2, t2, t2); // 4β
  fsqr(X, alpha);
  fsub(X, X, t2);
  fsub(X, X, t2);
  // Y3 = α(4β − X3) − 8γ²
  fsub(t2, t2, X);
  fmul(t2, alpha, t2);
  fsqr(gamma, gamma);
  fadd(gamma, gamma, gamma);
  fadd(gamma, gamma, gamma);
  fadd(gamma, gamma, gamma);
  fsub(Y, t2, gamma);
}

/** Adds the affine point (x2, ±y2) to the Jacobian point at q in place (madd-2007-bl), every case handled. */
function pointAddAffine(q: usize, x2: usize, y2In: usize, negate: bool): void {
  const X = q, Y = q + E, Z = q + 2 * E;
  let y2 = y2In;
  if (negate) {
    y2 = t(6);
    if (isZero(y2In, len)) setSmall(y2, 0, len);
    else sub(y2, P, y2In, len);
  }
  if (isZero(Z, len)) {
    copy(X, x2, len);
    copy(Y, y2, len);
    copy(Z, base + C_ONE, len);
    return;
  }
  const z1z1 = t(7), u2 = t(8), s2 = t(9), h = t(10), rr = t(11), hh = t(12), i4 = t(13), j = t(14), v = t(15);
  fsqr(z1z1, Z);
  fmul(u2, x2, z1z1);
  fmul(s2, y2, Z);
  fmul(s2, s2, z1z1);
  fsub(h, u2, X);
  fsub(rr, s2, Y);
  if (isZero(h, len)) {
    if (isZero(rr, len)) pointDouble(q);
    else setSmall(Z, 0, len);
    return;
  }
  fsqr(hh, h);
  fadd(i4, hh, hh);
  fadd(i4, i4, i4);
  fmul(j, h, i4);
  fadd(rr, rr, rr);
  fmul(v, X, i4);
  // Z3 = 2·Z1·H
  fmul(Z, Z, h);
  fadd(Z, Z, Z);
  // X3 = r² − J − 2V
  fsqr(X, rr);
  fsub(X, X, j);
  fsub(X, X, v);
  fsub(X, X, v);
  // Y3 = r(V − X3) − 2·Y1·J
  fsub(v, v, X);
  fmul(v, rr, v);
  fmul(j, Y, j);
  fadd(j, j, j);
  fsub(Y, v, j);
}

/** Converts a field element to Montgomery form in place (a < p). */
function toMont(a: usize): void {
  montMul(a, a, base + C_R2P, P, len, p0);
  if (cmp(a, P, len) >= 0) sub(a, a, P, len);
}

/** r = a⁻¹ in Montgomery form for a nonzero a in Montgomery form. */
function finv(r: usize, a: usize): void {
  const plain = t(16);
  setSmall(t(17), 1, len);
  montMul(plain, a, t(17), P, len, p0); // a·R⁻¹: the plain value
  if (cmp(plain, P, len) >= 0) sub(plain, plain, P, len);
  invMod(r, plain, P, len, t(18), t(19), t(20));
  fmul(r, r, base + C_R2P); // back to Montgomery form
}

/** Converts `count` Jacobian points at JAC (none at infinity) to affine points at dst with one inversion. */
function batchToAffine(dst: usize, count: u32): void {
  batchToAffineAt(dst, JAC, PREFIX, count);
}

/** Converts `count` Jacobian points at jac (none at infinity) to affine at dst; prefix holds count slots. */
function batchToAffineAt(dst: usize, jac: usize, prefix: usize, count: u32): void {
  copy(prefix, jac + 2 * E, len);
  for (let i: u32 = 1; i < count; i++) {
    fmul(prefix + <usize>i * E, prefix + <usize>(i - 1) * E, jac + <usize>i * 3 * E + 2 * E);
  }
  const inv = t(21), zinv = t(22), z2 = t(23);
  finv(inv, prefix + <usize>(count - 1) * E);
  for (let i = <i32>count - 1; i >= 0; i--) {
    const point = jac + <usize>i * 3 * E;
    if (i > 0) {
      fmul(zinv, inv, prefix + <usize>(i - 1) * E);
      fmul(inv, inv, point + 2 * E);
    } else {
      copy(zinv, inv, len);
    }
    fsqr(z2, zinv);
    fmul(dst + <usize>i * 2 * E, point, z2);
    fmul(z2, z2, zinv);
    fmul(dst + <usize>i * 2 * E + E, point + E, z2);
  }
}

/**
 * Fills `table` with the comb of the affine point P (Lim–Lee, COMB_TEETH teeth): entry j − 1, for j from 1 to
 * 2^teeth − 1, is Σ 2^(i·d)·P over the bits i of j, d = ⌈orderBits / teeth⌉. Every coefficient is below
 * 2^(orderBits − d + 1) < n, so no entry is the point at infinity and the additions never meet equal points.
 */
function buildComb(table: usize, x: usize, y: usize): void {
  const d = (orderBits + COMB_TEETH - 1) / COMB_TEETH;
  const first = JAC_BIG; // T[1] = P
  copy(first, x, len);
  copy(first + E, y, len);
  copy(first + 2 * E, base + C_ONE, len);
  for (let i: u32 = 1; i < COMB_TEETH; i++) {
    const from = JAC_BIG + <usize>((1 << (i - 1)) - 1) * 3 * E;
    const to = JAC_BIG + <usize>((1 << i) - 1) * 3 * E;
    memory.copy(to, from, 3 * E);
    for (let k: u32 = 0; k < d; k++) pointDouble(to);
  }
  // The teeth 2^(i·d)·P in affine form, for the mixed additions.
  for (let i: u32 = 0; i < COMB_TEETH; i++) {
    memory.copy(JAC + <usize>i * 3 * E, JAC_BIG + <usize>((1 << i) - 1) * 3 * E, 3 * E);
  }
  batchToAffineAt(COMB_BASES, JAC, PREFIX, COMB_TEETH);
  for (let j: u32 = 3; j < COMB_POINTS + 1; j++) {
    if ((j & (j - 1)) == 0) continue;
    const h: u32 = 31 - clz<u32>(j);
    const to = JAC_BIG + <usize>(j - 1) * 3 * E;
    memory.copy(to, JAC_BIG + <usize>(j - (1 << h) - 1) * 3 * E, 3 * E);
    const tooth = COMB_BASES + <usize>h * 2 * E;
    pointAddAffine(to, tooth, tooth + E, false);
  }
  batchToAffineAt(table, JAC_BIG, PREFIX_BIG, COMB_POINTS);
}

/** Fills `table` with the affine odd multiples 1, 3, …, 2·count − 1 of the affine point (x, y). */
function oddMultiples(table: usize, x: usize, y: usize, count: u32): void {
  // 2P, made affine so the rest are mixed additions.
  copy(ACC, x, len);
  copy(ACC + E, y, len);
  copy(ACC + 2 * E, base + C_ONE, len);
  pointDouble(ACC);
  const tx = TWICE;
  const ty = TWICE + E;
  const zi = t(21), z2 = t(22);
  finv(zi, ACC + 2 * E);
  fsqr(z2, zi);
  fmul(tx, ACC, z2);
  fmul(z2, z2, zi);
  fmul(ty, ACC + E, z2);
  copy(JAC, x, len);
  copy(JAC + E, y, len);
  copy(JAC + 2 * E, base + C_ONE, len);
  for (let i: u32 = 1; i < count; i++) {
    const point = JAC + <usize>i * 3 * E;
    memory.copy(point, point - 3 * E, 3 * E);
    pointAddAffine(point, tx, ty, false);
  }
  batchToAffine(table, count);
}

/** Selects the curve: 0 P-256, 1 P-384, 2 P-521. */
function select(curve: u32): void {
  curveId = curve;
  base = CURVES + <usize>curve * CURVE_STRIDE;
  P = base + C_P;
  N = base + C_N;
  len = curve == 0 ? 10 : curve == 1 ? 15 : 20;
  fieldBytes = curve == 0 ? 32 : curve == 1 ? 48 : 66;
  orderBits = curve == 0 ? 256 : curve == 1 ? 384 : 521;
  p0 = negInverse(P);
  n0 = negInverse(N);
}

/**
 * Sets up a curve from the big-endian p, n, b, Gx, Gy the host wrote to EC_IO slots 0–4 and precomputes the odd
 * multiples of G. Returns 0 when G is not on the curve described (a wrong constant).
 */
export function ecSetup(curve: u32): u32 {
  select(curve);
  const io = EC_IO;
  fromBytes(P, io, fieldBytes, len);
  fromBytes(N, io + E, fieldBytes, len);
  p0 = negInverse(P);
  n0 = negInverse(N);
  montR2(base + C_R2P, P, len);
  montR2(base + C_R2N, N, len);
  fmul(base + C_R3P, base + C_R2P, base + C_R2P);
  setSmall(base + C_ONE, 1, len);
  toMont(base + C_ONE);
  fromBytes(base + C_B, io + 2 * E, fieldBytes, len);
  toMont(base + C_B);
  fromBytes(base + C_G, io + 3 * E, fieldBytes, len);
  fromBytes(base + C_G + E, io + 4 * E, fieldBytes, len);
  toMont(base + C_G);
  toMont(base + C_G + E);
  if (!onCurve(base + C_G, base + C_G + E)) return 0;
  oddMultiples(G_TABLES + <usize>curve * G_STRIDE, base + C_G, base + C_G + E, G_POINTS);
  buildComb(COMB_G + <usize>curve * COMB_STRIDE, base + C_G, base + C_G + E);
  readyMask |= 1 << curve;
  return 1;
}

/** Whether y² = x³ − 3x + b for Montgomery-form x, y. */
function onCurve(x: usize, y: usize): bool {
  const l = t(0), r = t(1), x3 = t(2);
  fsqr(l, y);
  fsqr(x3, x);
  fmul(x3, x3, x);
  fsub(r, x3, x);
  fsub(r, r, x);
  fsub(r, r, x);
  fadd(r, r, base + C_B);
  return cmp(l, r, len) == 0;
}

/**
 * Checks the public key (x, y) in EC_IO slots 0 and 1: both below p and the point on the curve. On success
 * builds its table of odd multiples in Q_TABLE (the host may save and restore it) and returns 1.
 */
export function ecPrepareKey(curve: u32): u32 {
  if ((readyMask & (1 << curve)) == 0) return 0;
  select(curve);
  if (!loadKey()) return 0;
  oddMultiples(Q_TABLE, KEY, KEY + E, Q_POINTS);
  return 1;
}

/** Reads the key of EC_IO slots 0 and 1 into KEY (Montgomery form); false unless below p and on the curve. */
function loadKey(): bool {
  // fieldBytes·8 ≤ 27·len for every curve, so no input bit is dropped.
  const x = KEY, y = KEY + E;
  fromBytes(x, EC_IO, fieldBytes, len);
  fromBytes(y, EC_IO + E, fieldBytes, len);
  if (cmp(x, P, len) >= 0 || cmp(y, P, len) >= 0) return false;
  toMont(x);
  toMont(y);
  return onCurve(x, y);
}

/**
 * Checks the public key in EC_IO slots 0 and 1 as {@link ecPrepareKey} does and builds its comb in COMB_Q, for
 * {@link ecVerifyComb}: worth it for a key that verifies many signatures. Returns 1 on success.
 */
export function ecPrepareComb(curve: u32): u32 {
  if ((readyMask & (1 << curve)) == 0) return 0;
  select(curve);
  if (!loadKey()) return 0;
  buildComb(COMB_Q, KEY, KEY + E);
  return 1;
}

/** wNAF digits of the scalar at k (destroyed, len limbs plus one spare) into naf; returns the digit count. */
function wnaf(naf: usize, k: usize, w: i32): u32 {
  const limbs = len + 1;
  const full: i32 = 1 << w;
  const half: i32 = 1 << (w - 1);
  let count: u32 = 0;
  const digits = orderBits + 1;
  for (let i: u32 = 0; i < digits; i++) {
    let d: i32 = 0;
    const low = <i32>load<u32>(k);
    if ((low & 1) != 0) {
      d = low & (full - 1);
      if (d >= half) d -= full;
      // k −= d, with carries through the limbs
      if (d > 0) {
        let borrow: i64 = <i64>d;
        for (let j: u32 = 0; j < limbs && borrow != 0; j++) {
          const o = k + (<usize>j << 2);
          let v = <i64>load<u32>(o) - borrow;
          borrow = 0;
          if (v < 0) {
            v += <i64>1 << 27;
            borrow = 1;
          }
          store<u32>(o, <u32>v);
        }
      } else {
        let carry: u64 = <u64>(-d);
        for (let j: u32 = 0; j < limbs && carry != 0; j++) {
          const o = k + (<usize>j << 2);
          const v = <u64>load<u32>(o) + carry;
          store<u32>(o, <u32>(v & ((<u64>1 << 27) - 1)));
          carry = v >> 27;
        }
      }
    }
    store<i8>(naf + i, <i8>d);
    if (d != 0) count = i + 1;
    // k >>= 1
    for (let j: u32 = 0; j < limbs - 1; j++) {
      const o = k + (<usize>j << 2);
      store<u32>(o, (load<u32>(o) >> 1) | ((load<u32>(o + 4) & 1) << 26));
    }
    const top = k + (<usize>(limbs - 1) << 2);
    store<u32>(top, load<u32>(top) >> 1);
  }
  return count;
}

/**
 * Reads r, s and e from EC_IO slots 2–4 and leaves u1 = e·s⁻¹ and u2 = r·s⁻¹ mod n (plain form, one spare zero
 * limb) in U1 and U2, r in R_IN. False when r or s is outside [1, n − 1].
 */
function scalars(): bool {
  const r = R_IN, s = t(25), e = t(26), w = t(27), u1 = U1, u2 = U2;
  fromBytes(r, EC_IO + 2 * E, fieldBytes, len);
  fromBytes(s, EC_IO + 3 * E, fieldBytes, len);
  fromBytes(e, EC_IO + 4 * E, fieldBytes, len);
  if (isZero(r, len) || isZero(s, len) || cmp(r, N, len) >= 0 || cmp(s, N, len) >= 0) return false;
  if (cmp(e, N, len) >= 0) sub(e, e, N, len);
  // w = s⁻¹ mod n; u1 = e·w, u2 = r·w (plain form: montMul by R² undoes the R⁻¹ of the first product)
  if (!invMod(w, s, N, len, t(0), t(1), t(2))) return false;
  montMul(u1, e, w, N, len, n0);
  montMul(u1, u1, base + C_R2N, N, len, n0);
  if (cmp(u1, N, len) >= 0) sub(u1, u1, N, len);
  montMul(u2, r, w, N, len, n0);
  montMul(u2, u2, base + C_R2N, N, len, n0);
  if (cmp(u2, N, len) >= 0) sub(u2, u2, N, len);
  store<u32>(u1 + (<usize>len << 2), 0);
  store<u32>(u2 + (<usize>len << 2), 0);
  return true;
}

/** Whether ACC is not at infinity and x(ACC) mod n = r (R_IN). */
function matches(): u32 {
  const r = R_IN;
  const Z = ACC + 2 * E;
  if (isZero(Z, len)) return 0;
  // x(R) = X/Z²; accept when x(R) mod n = r, i.e. X = r·Z² or (r + n < p) X = (r + n)·Z².
  const z2 = t(0), cand = t(1);
  fsqr(z2, Z);
  copy(cand, r, len);
  toMont(cand);
  fmul(cand, cand, z2);
  if (cmp(cand, ACC, len) == 0) return 1;
  const rn = base + C_RN;
  add(rn, r, N, len);
  if (cmp(rn, P, len) >= 0) return 0;
  toMont(rn);
  fmul(rn, rn, z2);
  return cmp(rn, ACC, len) == 0 ? 1 : 0;
}

/**
 * Verifies an ECDSA signature with the key whose table is in Q_TABLE (from {@link ecPrepareKey} or restored by
 * the host): r, s and the truncated hash e in EC_IO slots 2, 3 and 4 (fieldBytes each, big-endian). Returns 1
 * when valid, 0 otherwise (r or s out of [1, n − 1] included).
 */
export function ecVerify(curve: u32): u32 {
  if ((readyMask & (1 << curve)) == 0) return 0;
  select(curve);
  if (!scalars()) return 0;
  const c1 = wnaf(NAF1, U1, G_WINDOW);
  const c2 = wnaf(NAF2, U2, Q_WINDOW);
  const gTable = G_TABLES + <usize>curve * G_STRIDE;
  setSmall(ACC + 2 * E, 0, len);
  let started = false;
  for (let i = <i32>(c1 > c2 ? c1 : c2) - 1; i >= 0; i--) {
    if (started) pointDouble(ACC);
    const d1 = <i32>load<i8>(NAF1 + i);
    if (d1 != 0) {
      const point = gTable + <usize>((d1 < 0 ? -d1 : d1) >> 1) * 2 * E;
      pointAddAffine(ACC, point, point + E, d1 < 0);
      started = true;
    }
    const d2 = <i32>load<i8>(NAF2 + i);
    if (d2 != 0) {
      const point = Q_TABLE + <usize>((d2 < 0 ? -d2 : d2) >> 1) * 2 * E;
      pointAddAffine(ACC, point, point + E, d2 < 0);
      started = true;
    }
  }
  return matches();
}

/** The comb index of column `col`: bit i is bit i·d + col of the scalar k. */
@inline function combIndex(k: usize, d: u32, col: u32): u32 {
  let index: u32 = 0;
  for (let i: u32 = 0; i < COMB_TEETH; i++) {
    const bit = i * d + col;
    index |= ((load<u32>(k + (<usize>(bit / 27) << 2)) >> (bit % 27)) & 1) << i;
  }
  return index;
}

/**
 * {@link ecVerify} with the key's comb in COMB_Q (from {@link ecPrepareComb} or restored by the host): d
 * doublings and at most 2d mixed additions instead of orderBits doublings.
 */
export function ecVerifyComb(curve: u32): u32 {
  if ((readyMask & (1 << curve)) == 0) return 0;
  select(curve);
  if (!scalars()) return 0;
  const d = (orderBits + COMB_TEETH - 1) / COMB_TEETH;
  const gComb = COMB_G + <usize>curve * COMB_STRIDE;
  setSmall(ACC + 2 * E, 0, len);
  let started = false;
  for (let col = <i32>d - 1; col >= 0; col--) {
    if (started) pointDouble(ACC);
    const i1 = combIndex(U1, d, <u32>col);
    if (i1 != 0) {
      const point = gComb + <usize>(i1 - 1) * 2 * E;
      pointAddAffine(ACC, point, point + E, false);
      started = true;
    }
    const i2 = combIndex(U2, d, <u32>col);
    if (i2 != 0) {
      const point = COMB_Q + <usize>(i2 - 1) * 2 * E;
      pointAddAffine(ACC, point, point + E, false);
      started = true;
    }
  }
  return matches();
}
