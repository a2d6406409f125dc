// deno-fmt-ignore-file -- AssemblyScript: deno fmt would drop the @inline decorators on functions.
// SHA-256 on four independent messages at once: lane j of every v128 belongs to message j. A state is 8 v128
// at a fixed address (word k of lane j at byte 16k + 4j); the rounds are the scalar ones, lane-wise.

@inline function rotr4(x: v128, n: i32): v128 { return v128.or(i32x4.shr_u(x, n), i32x4.shl(x, 32 - n)); }
@inline function bsig0x4(x: v128): v128 { return v128.xor(v128.xor(rotr4(x, 2), rotr4(x, 13)), rotr4(x, 22)); }
@inline function bsig1x4(x: v128): v128 { return v128.xor(v128.xor(rotr4(x, 6), rotr4(x, 11)), rotr4(x, 25)); }
@inline function ssig0x4(x: v128): v128 { return v128.xor(v128.xor(rotr4(x, 7), rotr4(x, 18)), i32x4.shr_u(x, 3)); }
@inline function ssig1x4(x: v128): v128 { return v128.xor(v128.xor(rotr4(x, 17), rotr4(x, 19)), i32x4.shr_u(x, 10)); }
// Ch picks y where x is set, else z; Maj is x where x and y agree, else z: one bitselect each.
@inline function chx4(x: v128, y: v128, z: v128): v128 { return v128.bitselect(y, z, x); }
@inline function majx4(x: v128, y: v128, z: v128): v128 { return v128.bitselect(z, x, v128.xor(x, y)); }
@inline function add3(x: v128, y: v128, z: v128): v128 { return i32x4.add(i32x4.add(x, y), z); }
@inline function add4(x: v128, y: v128, z: v128, u: v128): v128 { return i32x4.add(i32x4.add(x, y), i32x4.add(z, u)); }
@inline function k4(k: u32): v128 { return i32x4.splat(<i32>k); }

/** Sets all four lanes of a state to the initial hash value H(0). */
export function resetState4(state: usize): void {
  v128.store(state, k4(0x6a09e667), 0); v128.store(state, k4(0xbb67ae85), 16);
  v128.store(state, k4(0x3c6ef372), 32); v128.store(state, k4(0xa54ff53a), 48);
  v128.store(state, k4(0x510e527f), 64); v128.store(state, k4(0x9b05688c), 80);
  v128.store(state, k4(0x1f83d9ab), 96); v128.store(state, k4(0x5be0cd19), 112);
}

/** Compresses one block per lane into a four-lane state. */
@inline function compressWords4(
  state: usize,
  w0: v128, w1: v128, w2: v128, w3: v128, w4: v128, w5: v128, w6: v128, w7: v128,
  w8: v128, w9: v128, w10: v128, w11: v128, w12: v128, w13: v128, w14: v128, w15: v128,
): void {
  let a = v128.load(state, 0), b = v128.load(state, 16), c = v128.load(state, 32), d = v128.load(state, 48);
  let e = v128.load(state, 64), f = v128.load(state, 80), g = v128.load(state, 96), h = v128.load(state, 112);
  h = add4(h, bsig1x4(e), chx4(e, f, g), i32x4.add(k4(0x428a2f98), w0)); d = i32x4.add(d, h); h = add3(h, bsig0x4(a), majx4(a, b, c));
  g = add4(g, bsig1x4(d), chx4(d, e, f), i32x4.add(k4(0x71374491), w1)); c = i32x4.add(c, g); g = add3(g, bsig0x4(h), majx4(h, a, b));
  f = add4(f, bsig1x4(c), chx4(c, d, e), i32x4.add(k4(0xb5c0fbcf), w2)); b = i32x4.add(b, f); f = add3(f, bsig0x4(g), majx4(g, h, a));
  e = add4(e, bsig1x4(b), chx4(b, c, d), i32x4.add(k4(0xe9b5dba5), w3)); a = i32x4.add(a, e); e = add3(e, bsig0x4(f), majx4(f, g, h));
  d = add4(d, bsig1x4(a), chx4(a, b, c), i32x4.add(k4(0x3956c25b), w4)); h = i32x4.add(h, d); d = add3(d, bsig0x4(e), majx4(e, f, g));
  c = add4(c, bsig1x4(h), chx4(h, a, b), i32x4.add(k4(0x59f111f1), w5)); g = i32x4.add(g, c); c = add3(c, bsig0x4(d), majx4(d, e, f));
  b = add4(b, bsig1x4(g), chx4(g, h, a), i32x4.add(k4(0x923f82a4), w6)); f = i32x4.add(f, b); b = add3(b, bsig0x4(c), majx4(c, d, e));
  a = add4(a, bsig1x4(f), chx4(f, g, h), i32x4.add(k4(0xab1c5ed5), w7)); e = i32x4.add(e, a); a = add3(a, bsig0x4(b), majx4(b, c, d));
  h = add4(h, bsig1x4(e), chx4(e, f, g), i32x4.add(k4(0xd807aa98), w8)); d = i32x4.add(d, h); h = add3(h, bsig0x4(a), majx4(a, b, c));
  g = add4(g, bsig1x4(d), chx4(d, e, f), i32x4.add(k4(0x12835b01), w9)); c = i32x4.add(c, g); g = add3(g, bsig0x4(h), majx4(h, a, b));
  f = add4(f, bsig1x4(c), chx4(c, d, e), i32x4.add(k4(0x243185be), w10)); b = i32x4.add(b, f); f = add3(f, bsig0x4(g), majx4(g, h, a));
  e = add4(e, bsig1x4(b), chx4(b, c, d), i32x4.add(k4(0x550c7dc3), w11)); a = i32x4.add(a, e); e = add3(e, bsig0x4(f), majx4(f, g, h));
  d = add4(d, bsig1x4(a), chx4(a, b, c), i32x4.add(k4(0x72be5d74), w12)); h = i32x4.add(h, d); d = add3(d, bsig0x4(e), majx4(e, f, g));
  c = add4(c, bsig1x4(h), chx4(h, a, b), i32x4.add(k4(0x80deb1fe), w13)); g = i32x4.add(g, c); c = add3(c, bsig0x4(d), majx4(d, e, f));
  b = add4(b, bsig1x4(g), chx4(g, h, a), i32x4.add(k4(0x9bdc06a7), w14)); f = i32x4.add(f, b); b = add3(b, bsig0x4(c), majx4(c, d, e));
  a = add4(a, bsig1x4(f), chx4(f, g, h), i32x4.add(k4(0xc19bf174), w15)); e = i32x4.add(e, a); a = add3(a, bsig0x4(b), majx4(b, c, d));
  w0 = add4(w0, ssig1x4(w14), w9, ssig0x4(w1));
  h = add4(h, bsig1x4(e), chx4(e, f, g), i32x4.add(k4(0xe49b69c1), w0)); d = i32x4.add(d, h); h = add3(h, bsig0x4(a), majx4(a, b, c));
  w1 = add4(w1, ssig1x4(w15), w10, ssig0x4(w2));
  g = add4(g, bsig1x4(d), chx4(d, e, f), i32x4.add(k4(0xefbe4786), w1)); c = i32x4.add(c, g); g = add3(g, bsig0x4(h), majx4(h, a, b));
  w2 = add4(w2, ssig1x4(w0), w11, ssig0x4(w3));
  f = add4(f, bsig1x4(c), chx4(c, d, e), i32x4.add(k4(0x0fc19dc6), w2)); b = i32x4.add(b, f); f = add3(f, bsig0x4(g), majx4(g, h, a));
  w3 = add4(w3, ssig1x4(w1), w12, ssig0x4(w4));
  e = add4(e, bsig1x4(b), chx4(b, c, d), i32x4.add(k4(0x240ca1cc), w3)); a = i32x4.add(a, e); e = add3(e, bsig0x4(f), majx4(f, g, h));
  w4 = add4(w4, ssig1x4(w2), w13, ssig0x4(w5));
  d = add4(d, bsig1x4(a), chx4(a, b, c), i32x4.add(k4(0x2de92c6f), w4)); h = i32x4.add(h, d); d = add3(d, bsig0x4(e), majx4(e, f, g));
  w5 = add4(w5, ssig1x4(w3), w14, ssig0x4(w6));
  c = add4(c, bsig1x4(h), chx4(h, a, b), i32x4.add(k4(0x4a7484aa), w5)); g = i32x4.add(g, c); c = add3(c, bsig0x4(d), majx4(d, e, f));
  w6 = add4(w6, ssig1x4(w4), w15, ssig0x4(w7));
  b = add4(b, bsig1x4(g), chx4(g, h, a), i32x4.add(k4(0x5cb0a9dc), w6)); f = i32x4.add(f, b); b = add3(b, bsig0x4(c), majx4(c, d, e));
  w7 = add4(w7, ssig1x4(w5), w0, ssig0x4(w8));
  a = add4(a, bsig1x4(f), chx4(f, g, h), i32x4.add(k4(0x76f988da), w7)); e = i32x4.add(e, a); a = add3(a, bsig0x4(b), majx4(b, c, d));
  w8 = add4(w8, ssig1x4(w6), w1, ssig0x4(w9));
  h = add4(h, bsig1x4(e), chx4(e, f, g), i32x4.add(k4(0x983e5152), w8)); d = i32x4.add(d, h); h = add3(h, bsig0x4(a), majx4(a, b, c));
  w9 = add4(w9, ssig1x4(w7), w2, ssig0x4(w10));
  g = add4(g, bsig1x4(d), chx4(d, e, f), i32x4.add(k4(0xa831c66d), w9)); c = i32x4.add(c, g); g = add3(g, bsig0x4(h), majx4(h, a, b));
  w10 = add4(w10, ssig1x4(w8), w3, ssig0x4(w11));
  f = add4(f, bsig1x4(c), chx4(c, d, e), i32x4.add(k4(0xb00327c8), w10)); b = i32x4.add(b, f); f = add3(f, bsig0x4(g), majx4(g, h, a));
  w11 = add4(w11, ssig1x4(w9), w4, ssig0x4(w12));
  e = add4(e, bsig1x4(b), chx4(b, c, d), i32x4.add(k4(0xbf597fc7), w11)); a = i32x4.add(a, e); e = add3(e, bsig0x4(f), majx4(f, g, h));
  w12 = add4(w12, ssig1x4(w10), w5, ssig0x4(w13));
  d = add4(d, bsig1x4(a), chx4(a, b, c), i32x4.add(k4(0xc6e00bf3), w12)); h = i32x4.add(h, d); d = add3(d, bsig0x4(e), majx4(e, f, g));
  w13 = add4(w13, ssig1x4(w11), w6, ssig0x4(w14));
  c = add4(c, bsig1x4(h), chx4(h, a, b), i32x4.add(k4(0xd5a79147), w13)); g = i32x4.add(g, c); c = add3(c, bsig0x4(d), majx4(d, e, f));
  w14 = add4(w14, ssig1x4(w12), w7, ssig0x4(w15));
  b = add4(b, bsig1x4(g), chx4(g, h, a), i32x4.add(k4(0x06ca6351), w14)); f = i32x4.add(f, b); b = add3(b, bsig0x4(c), majx4(c, d, e));
  w15 = add4(w15, ssig1x4(w13), w8, ssig0x4(w0));
  a = add4(a, bsig1x4(f), chx4(f, g, h), i32x4.add(k4(0x14292967), w15)); e = i32x4.add(e, a); a = add3(a, bsig0x4(b), majx4(b, c, d));
  w0 = add4(w0, ssig1x4(w14), w9, ssig0x4(w1));
  h = add4(h, bsig1x4(e), chx4(e, f, g), i32x4.add(k4(0x27b70a85), w0)); d = i32x4.add(d, h); h = add3(h, bsig0x4(a), majx4(a, b, c));
  w1 = add4(w1, ssig1x4(w15), w10, ssig0x4(w2));
  g = add4(g, bsig1x4(d), chx4(d, e, f), i32x4.add(k4(0x2e1b2138), w1)); c = i32x4.add(c, g); g = add3(g, bsig0x4(h), majx4(h, a, b));
  w2 = add4(w2, ssig1x4(w0), w11, ssig0x4(w3));
  f = add4(f, bsig1x4(c), chx4(c, d, e), i32x4.add(k4(0x4d2c6dfc), w2)); b = i32x4.add(b, f); f = add3(f, bsig0x4(g), majx4(g, h, a));
  w3 = add4(w3, ssig1x4(w1), w12, ssig0x4(w4));
  e = add4(e, bsig1x4(b), chx4(b, c, d), i32x4.add(k4(0x53380d13), w3)); a = i32x4.add(a, e); e = add3(e, bsig0x4(f), majx4(f, g, h));
  w4 = add4(w4, ssig1x4(w2), w13, ssig0x4(w5));
  d = add4(d, bsig1x4(a), chx4(a, b, c), i32x4.add(k4(0x650a7354), w4)); h = i32x4.add(h, d); d = add3(d, bsig0x4(e), majx4(e, f, g));
  w5 = add4(w5, ssig1x4(w3), w14, ssig0x4(w6));
  c = add4(c, bsig1x4(h), chx4(h, a, b), i32x4.add(k4(0x766a0abb), w5)); g = i32x4.add(g, c); c = add3(c, bsig0x4(d), majx4(d, e, f));
  w6 = add4(w6, ssig1x4(w4), w15, ssig0x4(w7));
  b = add4(b, bsig1x4(g), chx4(g, h, a), i32x4.add(k4(0x81c2c92e), w6)); f = i32x4.add(f, b); b = add3(b, bsig0x4(c), majx4(c, d, e));
  w7 = add4(w7, ssig1x4(w5), w0, ssig0x4(w8));
  a = add4(a, bsig1x4(f), chx4(f, g, h), i32x4.add(k4(0x92722c85), w7)); e = i32x4.add(e, a); a = add3(a, bsig0x4(b), majx4(b, c, d));
  w8 = add4(w8, ssig1x4(w6), w1, ssig0x4(w9));
  h = add4(h, bsig1x4(e), chx4(e, f, g), i32x4.add(k4(0xa2bfe8a1), w8)); d = i32x4.add(d, h); h = add3(h, bsig0x4(a), majx4(a, b, c));
  w9 = add4(w9, ssig1x4(w7), w2, ssig0x4(w10));
  g = add4(g, bsig1x4(d), chx4(d, e, f), i32x4.add(k4(0xa81a664b), w9)); c = i32x4.add(c, g); g = add3(g, bsig0x4(h), majx4(h, a, b));
  w10 = add4(w10, ssig1x4(w8), w3, ssig0x4(w11));
  f = add4(f, bsig1x4(c), chx4(c, d, e), i32x4.add(k4(0xc24b8b70), w10)); b = i32x4.add(b, f); f = add3(f, bsig0x4(g), majx4(g, h, a));
  w11 = add4(w11, ssig1x4(w9), w4, ssig0x4(w12));
  e = add4(e, bsig1x4(b), chx4(b, c, d), i32x4.add(k4(0xc76c51a3), w11)); a = i32x4.add(a, e); e = add3(e, bsig0x4(f), majx4(f, g, h));
  w12 = add4(w12, ssig1x4(w10), w5, ssig0x4(w13));
  d = add4(d, bsig1x4(a), chx4(a, b, c), i32x4.add(k4(0xd192e819), w12)); h = i32x4.add(h, d); d = add3(d, bsig0x4(e), majx4(e, f, g));
  w13 = add4(w13, ssig1x4(w11), w6, ssig0x4(w14));
  c = add4(c, bsig1x4(h), chx4(h, a, b), i32x4.add(k4(0xd6990624), w13)); g = i32x4.add(g, c); c = add3(c, bsig0x4(d), majx4(d, e, f));
  w14 = add4(w14, ssig1x4(w12), w7, ssig0x4(w15));
  b = add4(b, bsig1x4(g), chx4(g, h, a), i32x4.add(k4(0xf40e3585), w14)); f = i32x4.add(f, b); b = add3(b, bsig0x4(c), majx4(c, d, e));
  w15 = add4(w15, ssig1x4(w13), w8, ssig0x4(w0));
  a = add4(a, bsig1x4(f), chx4(f, g, h), i32x4.add(k4(0x106aa070), w15)); e = i32x4.add(e, a); a = add3(a, bsig0x4(b), majx4(b, c, d));
  w0 = add4(w0, ssig1x4(w14), w9, ssig0x4(w1));
  h = add4(h, bsig1x4(e), chx4(e, f, g), i32x4.add(k4(0x19a4c116), w0)); d = i32x4.add(d, h); h = add3(h, bsig0x4(a), majx4(a, b, c));
  w1 = add4(w1, ssig1x4(w15), w10, ssig0x4(w2));
  g = add4(g, bsig1x4(d), chx4(d, e, f), i32x4.add(k4(0x1e376c08), w1)); c = i32x4.add(c, g); g = add3(g, bsig0x4(h), majx4(h, a, b));
  w2 = add4(w2, ssig1x4(w0), w11, ssig0x4(w3));
  f = add4(f, bsig1x4(c), chx4(c, d, e), i32x4.add(k4(0x2748774c), w2)); b = i32x4.add(b, f); f = add3(f, bsig0x4(g), majx4(g, h, a));
  w3 = add4(w3, ssig1x4(w1), w12, ssig0x4(w4));
  e = add4(e, bsig1x4(b), chx4(b, c, d), i32x4.add(k4(0x34b0bcb5), w3)); a = i32x4.add(a, e); e = add3(e, bsig0x4(f), majx4(f, g, h));
  w4 = add4(w4, ssig1x4(w2), w13, ssig0x4(w5));
  d = add4(d, bsig1x4(a), chx4(a, b, c), i32x4.add(k4(0x391c0cb3), w4)); h = i32x4.add(h, d); d = add3(d, bsig0x4(e), majx4(e, f, g));
  w5 = add4(w5, ssig1x4(w3), w14, ssig0x4(w6));
  c = add4(c, bsig1x4(h), chx4(h, a, b), i32x4.add(k4(0x4ed8aa4a), w5)); g = i32x4.add(g, c); c = add3(c, bsig0x4(d), majx4(d, e, f));
  w6 = add4(w6, ssig1x4(w4), w15, ssig0x4(w7));
  b = add4(b, bsig1x4(g), chx4(g, h, a), i32x4.add(k4(0x5b9cca4f), w6)); f = i32x4.add(f, b); b = add3(b, bsig0x4(c), majx4(c, d, e));
  w7 = add4(w7, ssig1x4(w5), w0, ssig0x4(w8));
  a = add4(a, bsig1x4(f), chx4(f, g, h), i32x4.add(k4(0x682e6ff3), w7)); e = i32x4.add(e, a); a = add3(a, bsig0x4(b), majx4(b, c, d));
  w8 = add4(w8, ssig1x4(w6), w1, ssig0x4(w9));
  h = add4(h, bsig1x4(e), chx4(e, f, g), i32x4.add(k4(0x748f82ee), w8)); d = i32x4.add(d, h); h = add3(h, bsig0x4(a), majx4(a, b, c));
  w9 = add4(w9, ssig1x4(w7), w2, ssig0x4(w10));
  g = add4(g, bsig1x4(d), chx4(d, e, f), i32x4.add(k4(0x78a5636f), w9)); c = i32x4.add(c, g); g = add3(g, bsig0x4(h), majx4(h, a, b));
  w10 = add4(w10, ssig1x4(w8), w3, ssig0x4(w11));
  f = add4(f, bsig1x4(c), chx4(c, d, e), i32x4.add(k4(0x84c87814), w10)); b = i32x4.add(b, f); f = add3(f, bsig0x4(g), majx4(g, h, a));
  w11 = add4(w11, ssig1x4(w9), w4, ssig0x4(w12));
  e = add4(e, bsig1x4(b), chx4(b, c, d), i32x4.add(k4(0x8cc70208), w11)); a = i32x4.add(a, e); e = add3(e, bsig0x4(f), majx4(f, g, h));
  w12 = add4(w12, ssig1x4(w10), w5, ssig0x4(w13));
  d = add4(d, bsig1x4(a), chx4(a, b, c), i32x4.add(k4(0x90befffa), w12)); h = i32x4.add(h, d); d = add3(d, bsig0x4(e), majx4(e, f, g));
  w13 = add4(w13, ssig1x4(w11), w6, ssig0x4(w14));
  c = add4(c, bsig1x4(h), chx4(h, a, b), i32x4.add(k4(0xa4506ceb), w13)); g = i32x4.add(g, c); c = add3(c, bsig0x4(d), majx4(d, e, f));
  w14 = add4(w14, ssig1x4(w12), w7, ssig0x4(w15));
  b = add4(b, bsig1x4(g), chx4(g, h, a), i32x4.add(k4(0xbef9a3f7), w14)); f = i32x4.add(f, b); b = add3(b, bsig0x4(c), majx4(c, d, e));
  w15 = add4(w15, ssig1x4(w13), w8, ssig0x4(w0));
  a = add4(a, bsig1x4(f), chx4(f, g, h), i32x4.add(k4(0xc67178f2), w15)); e = i32x4.add(e, a); a = add3(a, bsig0x4(b), majx4(b, c, d));
  v128.store(state, i32x4.add(v128.load(state, 0), a), 0); v128.store(state, i32x4.add(v128.load(state, 16), b), 16);
  v128.store(state, i32x4.add(v128.load(state, 32), c), 32); v128.store(state, i32x4.add(v128.load(state, 48), d), 48);
  v128.store(state, i32x4.add(v128.load(state, 64), e), 64); v128.store(state, i32x4.add(v128.load(state, 80), f), 80);
  v128.store(state, i32x4.add(v128.load(state, 96), g), 96); v128.store(state, i32x4.add(v128.load(state, 112), h), 112);
}

/** Compresses a lane-transposed block of 16 v128 words. */
export function compressWords4x16(state: usize, words: usize): void {
  compressWords4(state,
    v128.load(words, 0), v128.load(words, 16), v128.load(words, 32), v128.load(words, 48),
    v128.load(words, 64), v128.load(words, 80), v128.load(words, 96), v128.load(words, 112),
    v128.load(words, 128), v128.load(words, 144), v128.load(words, 160), v128.load(words, 176),
    v128.load(words, 192), v128.load(words, 208), v128.load(words, 224), v128.load(words, 240));
}

/** Compresses the padding block of a 64-byte message in every lane. */
export function compressPad64x4(state: usize): void {
  const z = i32x4.splat(0);
  compressWords4(state, k4(0x80000000), z, z, z, z, z, z, z, z, z, z, z, z, z, z, k4(512));
}

/** Compresses the last block of a 65-byte message in every lane; the low byte of each lane at `last` is its last byte. */
export function compressTail65x4(state: usize, last: usize): void {
  const z = i32x4.splat(0);
  const w0 = v128.or(i32x4.shl(v128.load(last), 24), k4(0x00800000));
  compressWords4(state, w0, z, z, z, z, z, z, z, z, z, z, z, z, z, z, k4(520));
}
