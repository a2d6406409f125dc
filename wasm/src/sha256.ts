// deno-fmt-ignore-file -- AssemblyScript: deno fmt would drop the @inline decorators on functions.
// SHA-256 on one message at a time (FIPS 180-4 §6.2), with all 64 rounds unrolled. A state is 8 words in
// native byte order at a fixed address; message words arrive already converted from big-endian.

import { STREAM_BUFFER, STREAM_STATE } from "./layout";

@inline function bsig0(x: u32): u32 { return rotr<u32>(x, 2) ^ rotr<u32>(x, 13) ^ rotr<u32>(x, 22); }
@inline function bsig1(x: u32): u32 { return rotr<u32>(x, 6) ^ rotr<u32>(x, 11) ^ rotr<u32>(x, 25); }
@inline function ssig0(x: u32): u32 { return rotr<u32>(x, 7) ^ rotr<u32>(x, 18) ^ (x >>> 3); }
@inline function ssig1(x: u32): u32 { return rotr<u32>(x, 17) ^ rotr<u32>(x, 19) ^ (x >>> 10); }
@inline function ch(x: u32, y: u32, z: u32): u32 { return z ^ (x & (y ^ z)); }
@inline function maj(x: u32, y: u32, z: u32): u32 { return (x & y) | (z & (x | y)); }

/** Sets a state to the initial hash value H(0) (FIPS 180-4 §5.3.3). */
export function resetState(state: usize): void {
  store<u32>(state, 0x6a09e667, 0); store<u32>(state, 0xbb67ae85, 4);
  store<u32>(state, 0x3c6ef372, 8); store<u32>(state, 0xa54ff53a, 12);
  store<u32>(state, 0x510e527f, 16); store<u32>(state, 0x9b05688c, 20);
  store<u32>(state, 0x1f83d9ab, 24); store<u32>(state, 0x5be0cd19, 28);
}

/**
 * Compresses one block of 16 words into a state. The schedule W[t] is kept in 16 rolling locals; inlined
 * with constant words (a padding block), the optimizer folds the whole schedule and K[t] + W[t] away.
 */
@inline function compressWords(
  state: usize,
  w0: u32, w1: u32, w2: u32, w3: u32, w4: u32, w5: u32, w6: u32, w7: u32,
  w8: u32, w9: u32, w10: u32, w11: u32, w12: u32, w13: u32, w14: u32, w15: u32,
): void {
  let a = load<u32>(state, 0), b = load<u32>(state, 4), c = load<u32>(state, 8), d = load<u32>(state, 12);
  let e = load<u32>(state, 16), f = load<u32>(state, 20), g = load<u32>(state, 24), h = load<u32>(state, 28);
  h += bsig1(e) + ch(e, f, g) + 0x428a2f98 + w0; d += h; h += bsig0(a) + maj(a, b, c);
  g += bsig1(d) + ch(d, e, f) + 0x71374491 + w1; c += g; g += bsig0(h) + maj(h, a, b);
  f += bsig1(c) + ch(c, d, e) + 0xb5c0fbcf + w2; b += f; f += bsig0(g) + maj(g, h, a);
  e += bsig1(b) + ch(b, c, d) + 0xe9b5dba5 + w3; a += e; e += bsig0(f) + maj(f, g, h);
  d += bsig1(a) + ch(a, b, c) + 0x3956c25b + w4; h += d; d += bsig0(e) + maj(e, f, g);
  c += bsig1(h) + ch(h, a, b) + 0x59f111f1 + w5; g += c; c += bsig0(d) + maj(d, e, f);
  b += bsig1(g) + ch(g, h, a) + 0x923f82a4 + w6; f += b; b += bsig0(c) + maj(c, d, e);
  a += bsig1(f) + ch(f, g, h) + 0xab1c5ed5 + w7; e += a; a += bsig0(b) + maj(b, c, d);
  h += bsig1(e) + ch(e, f, g) + 0xd807aa98 + w8; d += h; h += bsig0(a) + maj(a, b, c);
  g += bsig1(d) + ch(d, e, f) + 0x12835b01 + w9; c += g; g += bsig0(h) + maj(h, a, b);
  f += bsig1(c) + ch(c, d, e) + 0x243185be + w10; b += f; f += bsig0(g) + maj(g, h, a);
  e += bsig1(b) + ch(b, c, d) + 0x550c7dc3 + w11; a += e; e += bsig0(f) + maj(f, g, h);
  d += bsig1(a) + ch(a, b, c) + 0x72be5d74 + w12; h += d; d += bsig0(e) + maj(e, f, g);
  c += bsig1(h) + ch(h, a, b) + 0x80deb1fe + w13; g += c; c += bsig0(d) + maj(d, e, f);
  b += bsig1(g) + ch(g, h, a) + 0x9bdc06a7 + w14; f += b; b += bsig0(c) + maj(c, d, e);
  a += bsig1(f) + ch(f, g, h) + 0xc19bf174 + w15; e += a; a += bsig0(b) + maj(b, c, d);
  w0 += ssig1(w14) + w9 + ssig0(w1);
  h += bsig1(e) + ch(e, f, g) + 0xe49b69c1 + w0; d += h; h += bsig0(a) + maj(a, b, c);
  w1 += ssig1(w15) + w10 + ssig0(w2);
  g += bsig1(d) + ch(d, e, f) + 0xefbe4786 + w1; c += g; g += bsig0(h) + maj(h, a, b);
  w2 += ssig1(w0) + w11 + ssig0(w3);
  f += bsig1(c) + ch(c, d, e) + 0x0fc19dc6 + w2; b += f; f += bsig0(g) + maj(g, h, a);
  w3 += ssig1(w1) + w12 + ssig0(w4);
  e += bsig1(b) + ch(b, c, d) + 0x240ca1cc + w3; a += e; e += bsig0(f) + maj(f, g, h);
  w4 += ssig1(w2) + w13 + ssig0(w5);
  d += bsig1(a) + ch(a, b, c) + 0x2de92c6f + w4; h += d; d += bsig0(e) + maj(e, f, g);
  w5 += ssig1(w3) + w14 + ssig0(w6);
  c += bsig1(h) + ch(h, a, b) + 0x4a7484aa + w5; g += c; c += bsig0(d) + maj(d, e, f);
  w6 += ssig1(w4) + w15 + ssig0(w7);
  b += bsig1(g) + ch(g, h, a) + 0x5cb0a9dc + w6; f += b; b += bsig0(c) + maj(c, d, e);
  w7 += ssig1(w5) + w0 + ssig0(w8);
  a += bsig1(f) + ch(f, g, h) + 0x76f988da + w7; e += a; a += bsig0(b) + maj(b, c, d);
  w8 += ssig1(w6) + w1 + ssig0(w9);
  h += bsig1(e) + ch(e, f, g) + 0x983e5152 + w8; d += h; h += bsig0(a) + maj(a, b, c);
  w9 += ssig1(w7) + w2 + ssig0(w10);
  g += bsig1(d) + ch(d, e, f) + 0xa831c66d + w9; c += g; g += bsig0(h) + maj(h, a, b);
  w10 += ssig1(w8) + w3 + ssig0(w11);
  f += bsig1(c) + ch(c, d, e) + 0xb00327c8 + w10; b += f; f += bsig0(g) + maj(g, h, a);
  w11 += ssig1(w9) + w4 + ssig0(w12);
  e += bsig1(b) + ch(b, c, d) + 0xbf597fc7 + w11; a += e; e += bsig0(f) + maj(f, g, h);
  w12 += ssig1(w10) + w5 + ssig0(w13);
  d += bsig1(a) + ch(a, b, c) + 0xc6e00bf3 + w12; h += d; d += bsig0(e) + maj(e, f, g);
  w13 += ssig1(w11) + w6 + ssig0(w14);
  c += bsig1(h) + ch(h, a, b) + 0xd5a79147 + w13; g += c; c += bsig0(d) + maj(d, e, f);
  w14 += ssig1(w12) + w7 + ssig0(w15);
  b += bsig1(g) + ch(g, h, a) + 0x06ca6351 + w14; f += b; b += bsig0(c) + maj(c, d, e);
  w15 += ssig1(w13) + w8 + ssig0(w0);
  a += bsig1(f) + ch(f, g, h) + 0x14292967 + w15; e += a; a += bsig0(b) + maj(b, c, d);
  w0 += ssig1(w14) + w9 + ssig0(w1);
  h += bsig1(e) + ch(e, f, g) + 0x27b70a85 + w0; d += h; h += bsig0(a) + maj(a, b, c);
  w1 += ssig1(w15) + w10 + ssig0(w2);
  g += bsig1(d) + ch(d, e, f) + 0x2e1b2138 + w1; c += g; g += bsig0(h) + maj(h, a, b);
  w2 += ssig1(w0) + w11 + ssig0(w3);
  f += bsig1(c) + ch(c, d, e) + 0x4d2c6dfc + w2; b += f; f += bsig0(g) + maj(g, h, a);
  w3 += ssig1(w1) + w12 + ssig0(w4);
  e += bsig1(b) + ch(b, c, d) + 0x53380d13 + w3; a += e; e += bsig0(f) + maj(f, g, h);
  w4 += ssig1(w2) + w13 + ssig0(w5);
  d += bsig1(a) + ch(a, b, c) + 0x650a7354 + w4; h += d; d += bsig0(e) + maj(e, f, g);
  w5 += ssig1(w3) + w14 + ssig0(w6);
  c += bsig1(h) + ch(h, a, b) + 0x766a0abb + w5; g += c; c += bsig0(d) + maj(d, e, f);
  w6 += ssig1(w4) + w15 + ssig0(w7);
  b += bsig1(g) + ch(g, h, a) + 0x81c2c92e + w6; f += b; b += bsig0(c) + maj(c, d, e);
  w7 += ssig1(w5) + w0 + ssig0(w8);
  a += bsig1(f) + ch(f, g, h) + 0x92722c85 + w7; e += a; a += bsig0(b) + maj(b, c, d);
  w8 += ssig1(w6) + w1 + ssig0(w9);
  h += bsig1(e) + ch(e, f, g) + 0xa2bfe8a1 + w8; d += h; h += bsig0(a) + maj(a, b, c);
  w9 += ssig1(w7) + w2 + ssig0(w10);
  g += bsig1(d) + ch(d, e, f) + 0xa81a664b + w9; c += g; g += bsig0(h) + maj(h, a, b);
  w10 += ssig1(w8) + w3 + ssig0(w11);
  f += bsig1(c) + ch(c, d, e) + 0xc24b8b70 + w10; b += f; f += bsig0(g) + maj(g, h, a);
  w11 += ssig1(w9) + w4 + ssig0(w12);
  e += bsig1(b) + ch(b, c, d) + 0xc76c51a3 + w11; a += e; e += bsig0(f) + maj(f, g, h);
  w12 += ssig1(w10) + w5 + ssig0(w13);
  d += bsig1(a) + ch(a, b, c) + 0xd192e819 + w12; h += d; d += bsig0(e) + maj(e, f, g);
  w13 += ssig1(w11) + w6 + ssig0(w14);
  c += bsig1(h) + ch(h, a, b) + 0xd6990624 + w13; g += c; c += bsig0(d) + maj(d, e, f);
  w14 += ssig1(w12) + w7 + ssig0(w15);
  b += bsig1(g) + ch(g, h, a) + 0xf40e3585 + w14; f += b; b += bsig0(c) + maj(c, d, e);
  w15 += ssig1(w13) + w8 + ssig0(w0);
  a += bsig1(f) + ch(f, g, h) + 0x106aa070 + w15; e += a; a += bsig0(b) + maj(b, c, d);
  w0 += ssig1(w14) + w9 + ssig0(w1);
  h += bsig1(e) + ch(e, f, g) + 0x19a4c116 + w0; d += h; h += bsig0(a) + maj(a, b, c);
  w1 += ssig1(w15) + w10 + ssig0(w2);
  g += bsig1(d) + ch(d, e, f) + 0x1e376c08 + w1; c += g; g += bsig0(h) + maj(h, a, b);
  w2 += ssig1(w0) + w11 + ssig0(w3);
  f += bsig1(c) + ch(c, d, e) + 0x2748774c + w2; b += f; f += bsig0(g) + maj(g, h, a);
  w3 += ssig1(w1) + w12 + ssig0(w4);
  e += bsig1(b) + ch(b, c, d) + 0x34b0bcb5 + w3; a += e; e += bsig0(f) + maj(f, g, h);
  w4 += ssig1(w2) + w13 + ssig0(w5);
  d += bsig1(a) + ch(a, b, c) + 0x391c0cb3 + w4; h += d; d += bsig0(e) + maj(e, f, g);
  w5 += ssig1(w3) + w14 + ssig0(w6);
  c += bsig1(h) + ch(h, a, b) + 0x4ed8aa4a + w5; g += c; c += bsig0(d) + maj(d, e, f);
  w6 += ssig1(w4) + w15 + ssig0(w7);
  b += bsig1(g) + ch(g, h, a) + 0x5b9cca4f + w6; f += b; b += bsig0(c) + maj(c, d, e);
  w7 += ssig1(w5) + w0 + ssig0(w8);
  a += bsig1(f) + ch(f, g, h) + 0x682e6ff3 + w7; e += a; a += bsig0(b) + maj(b, c, d);
  w8 += ssig1(w6) + w1 + ssig0(w9);
  h += bsig1(e) + ch(e, f, g) + 0x748f82ee + w8; d += h; h += bsig0(a) + maj(a, b, c);
  w9 += ssig1(w7) + w2 + ssig0(w10);
  g += bsig1(d) + ch(d, e, f) + 0x78a5636f + w9; c += g; g += bsig0(h) + maj(h, a, b);
  w10 += ssig1(w8) + w3 + ssig0(w11);
  f += bsig1(c) + ch(c, d, e) + 0x84c87814 + w10; b += f; f += bsig0(g) + maj(g, h, a);
  w11 += ssig1(w9) + w4 + ssig0(w12);
  e += bsig1(b) + ch(b, c, d) + 0x8cc70208 + w11; a += e; e += bsig0(f) + maj(f, g, h);
  w12 += ssig1(w10) + w5 + ssig0(w13);
  d += bsig1(a) + ch(a, b, c) + 0x90befffa + w12; h += d; d += bsig0(e) + maj(e, f, g);
  w13 += ssig1(w11) + w6 + ssig0(w14);
  c += bsig1(h) + ch(h, a, b) + 0xa4506ceb + w13; g += c; c += bsig0(d) + maj(d, e, f);
  w14 += ssig1(w12) + w7 + ssig0(w15);
  b += bsig1(g) + ch(g, h, a) + 0xbef9a3f7 + w14; f += b; b += bsig0(c) + maj(c, d, e);
  w15 += ssig1(w13) + w8 + ssig0(w0);
  a += bsig1(f) + ch(f, g, h) + 0xc67178f2 + w15; e += a; a += bsig0(b) + maj(b, c, d);
  store<u32>(state, load<u32>(state, 0) + a, 0); store<u32>(state, load<u32>(state, 4) + b, 4);
  store<u32>(state, load<u32>(state, 8) + c, 8); store<u32>(state, load<u32>(state, 12) + d, 12);
  store<u32>(state, load<u32>(state, 16) + e, 16); store<u32>(state, load<u32>(state, 20) + f, 20);
  store<u32>(state, load<u32>(state, 24) + g, 24); store<u32>(state, load<u32>(state, 28) + h, 28);
}

/** Compresses a block of 16 native-order words. */
export function compressWords16(state: usize, words: usize): void {
  compressWords(state,
    load<u32>(words, 0), load<u32>(words, 4), load<u32>(words, 8), load<u32>(words, 12),
    load<u32>(words, 16), load<u32>(words, 20), load<u32>(words, 24), load<u32>(words, 28),
    load<u32>(words, 32), load<u32>(words, 36), load<u32>(words, 40), load<u32>(words, 44),
    load<u32>(words, 48), load<u32>(words, 52), load<u32>(words, 56), load<u32>(words, 60));
}

/** Compresses a block of 64 message bytes (big-endian words). */
export function compressBytes(state: usize, bytes: usize): void {
  compressWords(state,
    bswap<u32>(load<u32>(bytes, 0)), bswap<u32>(load<u32>(bytes, 4)),
    bswap<u32>(load<u32>(bytes, 8)), bswap<u32>(load<u32>(bytes, 12)),
    bswap<u32>(load<u32>(bytes, 16)), bswap<u32>(load<u32>(bytes, 20)),
    bswap<u32>(load<u32>(bytes, 24)), bswap<u32>(load<u32>(bytes, 28)),
    bswap<u32>(load<u32>(bytes, 32)), bswap<u32>(load<u32>(bytes, 36)),
    bswap<u32>(load<u32>(bytes, 40)), bswap<u32>(load<u32>(bytes, 44)),
    bswap<u32>(load<u32>(bytes, 48)), bswap<u32>(load<u32>(bytes, 52)),
    bswap<u32>(load<u32>(bytes, 56)), bswap<u32>(load<u32>(bytes, 60)));
}

/** Compresses the padding block of every 64-byte message: 0x80, zeros, the bit length 512 (§5.1.1). */
export function compressPad64(state: usize): void {
  compressWords(state, 0x80000000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 512);
}

/** Compresses the last block of a 65-byte message: its last byte, 0x80, zeros, the bit length 520. */
export function compressTail65(state: usize, lastByte: u32): void {
  compressWords(state, (lastByte << 24) | 0x00800000, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 520);
}

/** Reads a digest (32 big-endian bytes) into a state. */
export function loadDigest(state: usize, bytes: usize): void {
  for (let i: usize = 0; i < 32; i += 4) store<u32>(state + i, bswap<u32>(load<u32>(bytes + i)));
}

/** Writes a state as a digest (32 big-endian bytes). */
export function storeDigest(state: usize, bytes: usize): void {
  for (let i: usize = 0; i < 32; i += 4) store<u32>(bytes + i, bswap<u32>(load<u32>(state + i)));
}

/** Bytes absorbed by the streaming hash so far. */
let streamLength: u64 = 0;

/** Starts a streaming hash. */
export function streamReset(): void {
  resetState(STREAM_STATE);
  streamLength = 0;
}

/** Absorbs `length` bytes at `bytes` into the streaming hash. */
export function streamUpdate(bytes: usize, length: usize): void {
  const pending = <usize>(streamLength & 63);
  streamLength += length;
  if (pending > 0) {
    const take = min<usize>(64 - pending, length);
    memory.copy(STREAM_BUFFER + pending, bytes, take);
    bytes += take;
    length -= take;
    if (pending + take < 64) return;
    compressBytes(STREAM_STATE, STREAM_BUFFER);
  }
  for (; length >= 64; bytes += 64, length -= 64) compressBytes(STREAM_STATE, bytes);
  memory.copy(STREAM_BUFFER, bytes, length);
}

/** Pads the message (§5.1.1) and writes the digest of everything absorbed to `out`. */
export function streamFinal(out: usize): void {
  const pending = <usize>(streamLength & 63);
  store<u8>(STREAM_BUFFER + pending, 0x80);
  memory.fill(STREAM_BUFFER + pending + 1, 0, 63 - pending);
  if (pending >= 56) {
    compressBytes(STREAM_STATE, STREAM_BUFFER);
    memory.fill(STREAM_BUFFER, 0, 56);
  }
  store<u64>(STREAM_BUFFER + 56, bswap<u64>(streamLength << 3));
  compressBytes(STREAM_STATE, STREAM_BUFFER);
  storeDigest(STREAM_STATE, out);
}
