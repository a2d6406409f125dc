// deno-fmt-ignore-file
// SHA-384 and SHA-512 (FIPS 180-4 §6.4) of short buffers, for MGF1 and the M' hash of EMSA-PSS: one call per
// hash instead of one runtime call each (a runtime hash call costs about 3 µs here, a compression 0.3 µs).

/** Round constants (80 u64), written by shaInit. */
const K: usize = 0x22000;
/** Message schedule (80 u64). */
const SCHEDULE: usize = 0x22400;
/** Running state (8 u64). */
const STATE: usize = 0x22680;
/** One padded block being hashed (128 bytes). */
const BLOCK: usize = 0x22700;
let initialised = false;

function shaInit(): void {
  store<u64>(K, 0x428a2f98d728ae22, 0);
  store<u64>(K, 0x7137449123ef65cd, 8);
  store<u64>(K, 0xb5c0fbcfec4d3b2f, 16);
  store<u64>(K, 0xe9b5dba58189dbbc, 24);
  store<u64>(K, 0x3956c25bf348b538, 32);
  store<u64>(K, 0x59f111f1b605d019, 40);
  store<u64>(K, 0x923f82a4af194f9b, 48);
  store<u64>(K, 0xab1c5ed5da6d8118, 56);
  store<u64>(K, 0xd807aa98a3030242, 64);
  store<u64>(K, 0x12835b0145706fbe, 72);
  store<u64>(K, 0x243185be4ee4b28c, 80);
  store<u64>(K, 0x550c7dc3d5ffb4e2, 88);
  store<u64>(K, 0x72be5d74f27b896f, 96);
  store<u64>(K, 0x80deb1fe3b1696b1, 104);
  store<u64>(K, 0x9bdc06a725c71235, 112);
  store<u64>(K, 0xc19bf174cf692694, 120);
  store<u64>(K, 0xe49b69c19ef14ad2, 128);
  store<u64>(K, 0xefbe4786384f25e3, 136);
  store<u64>(K, 0x0fc19dc68b8cd5b5, 144);
  store<u64>(K, 0x240ca1cc77ac9c65, 152);
  store<u64>(K, 0x2de92c6f592b0275, 160);
  store<u64>(K, 0x4a7484aa6ea6e483, 168);
  store<u64>(K, 0x5cb0a9dcbd41fbd4, 176);
  store<u64>(K, 0x76f988da831153b5, 184);
  store<u64>(K, 0x983e5152ee66dfab, 192);
  store<u64>(K, 0xa831c66d2db43210, 200);
  store<u64>(K, 0xb00327c898fb213f, 208);
  store<u64>(K, 0xbf597fc7beef0ee4, 216);
  store<u64>(K, 0xc6e00bf33da88fc2, 224);
  store<u64>(K, 0xd5a79147930aa725, 232);
  store<u64>(K, 0x06ca6351e003826f, 240);
  store<u64>(K, 0x142929670a0e6e70, 248);
  store<u64>(K, 0x27b70a8546d22ffc, 256);
  store<u64>(K, 0x2e1b21385c26c926, 264);
  store<u64>(K, 0x4d2c6dfc5ac42aed, 272);
  store<u64>(K, 0x53380d139d95b3df, 280);
  store<u64>(K, 0x650a73548baf63de, 288);
  store<u64>(K, 0x766a0abb3c77b2a8, 296);
  store<u64>(K, 0x81c2c92e47edaee6, 304);
  store<u64>(K, 0x92722c851482353b, 312);
  store<u64>(K, 0xa2bfe8a14cf10364, 320);
  store<u64>(K, 0xa81a664bbc423001, 328);
  store<u64>(K, 0xc24b8b70d0f89791, 336);
  store<u64>(K, 0xc76c51a30654be30, 344);
  store<u64>(K, 0xd192e819d6ef5218, 352);
  store<u64>(K, 0xd69906245565a910, 360);
  store<u64>(K, 0xf40e35855771202a, 368);
  store<u64>(K, 0x106aa07032bbd1b8, 376);
  store<u64>(K, 0x19a4c116b8d2d0c8, 384);
  store<u64>(K, 0x1e376c085141ab53, 392);
  store<u64>(K, 0x2748774cdf8eeb99, 400);
  store<u64>(K, 0x34b0bcb5e19b48a8, 408);
  store<u64>(K, 0x391c0cb3c5c95a63, 416);
  store<u64>(K, 0x4ed8aa4ae3418acb, 424);
  store<u64>(K, 0x5b9cca4f7763e373, 432);
  store<u64>(K, 0x682e6ff3d6b2b8a3, 440);
  store<u64>(K, 0x748f82ee5defb2fc, 448);
  store<u64>(K, 0x78a5636f43172f60, 456);
  store<u64>(K, 0x84c87814a1f0ab72, 464);
  store<u64>(K, 0x8cc702081a6439ec, 472);
  store<u64>(K, 0x90befffa23631e28, 480);
  store<u64>(K, 0xa4506cebde82bde9, 488);
  store<u64>(K, 0xbef9a3f7b2c67915, 496);
  store<u64>(K, 0xc67178f2e372532b, 504);
  store<u64>(K, 0xca273eceea26619c, 512);
  store<u64>(K, 0xd186b8c721c0c207, 520);
  store<u64>(K, 0xeada7dd6cde0eb1e, 528);
  store<u64>(K, 0xf57d4f7fee6ed178, 536);
  store<u64>(K, 0x06f067aa72176fba, 544);
  store<u64>(K, 0x0a637dc5a2c898a6, 552);
  store<u64>(K, 0x113f9804bef90dae, 560);
  store<u64>(K, 0x1b710b35131c471b, 568);
  store<u64>(K, 0x28db77f523047d84, 576);
  store<u64>(K, 0x32caab7b40c72493, 584);
  store<u64>(K, 0x3c9ebe0a15c9bebc, 592);
  store<u64>(K, 0x431d67c49c100d4c, 600);
  store<u64>(K, 0x4cc5d4becb3e42b6, 608);
  store<u64>(K, 0x597f299cfc657e2a, 616);
  store<u64>(K, 0x5fcb6fab3ad6faec, 624);
  store<u64>(K, 0x6c44198c4a475817, 632);
  initialised = true;
}

function reset(bits384: bool): void {
  if (bits384) {
    store<u64>(STATE, 0xcbbb9d5dc1059ed8, 0);
    store<u64>(STATE, 0x629a292a367cd507, 8);
    store<u64>(STATE, 0x9159015a3070dd17, 16);
    store<u64>(STATE, 0x152fecd8f70e5939, 24);
    store<u64>(STATE, 0x67332667ffc00b31, 32);
    store<u64>(STATE, 0x8eb44a8768581511, 40);
    store<u64>(STATE, 0xdb0c2e0d64f98fa7, 48);
    store<u64>(STATE, 0x47b5481dbefa4fa4, 56);
  } else {
    store<u64>(STATE, 0x6a09e667f3bcc908, 0);
    store<u64>(STATE, 0xbb67ae8584caa73b, 8);
    store<u64>(STATE, 0x3c6ef372fe94f82b, 16);
    store<u64>(STATE, 0xa54ff53a5f1d36f1, 24);
    store<u64>(STATE, 0x510e527fade682d1, 32);
    store<u64>(STATE, 0x9b05688c2b3e6c1f, 40);
    store<u64>(STATE, 0x1f83d9abfb41bd6b, 48);
    store<u64>(STATE, 0x5be0cd19137e2179, 56);
  }
}

/** Compresses the 128-byte big-endian block at src into STATE. */
function compress(src: usize): void {
  for (let t: usize = 0; t < 16; t++) store<u64>(SCHEDULE + 8 * t, bswap<u64>(load<u64>(src + 8 * t)));
  for (let t: usize = 16; t < 80; t++) {
    const w15 = load<u64>(SCHEDULE + 8 * (t - 15));
    const w2 = load<u64>(SCHEDULE + 8 * (t - 2));
    const s0 = rotr<u64>(w15, 1) ^ rotr<u64>(w15, 8) ^ (w15 >> 7);
    const s1 = rotr<u64>(w2, 19) ^ rotr<u64>(w2, 61) ^ (w2 >> 6);
    store<u64>(SCHEDULE + 8 * t, load<u64>(SCHEDULE + 8 * (t - 16)) + s0 + load<u64>(SCHEDULE + 8 * (t - 7)) + s1);
  }
  let a = load<u64>(STATE, 0);
  let b = load<u64>(STATE, 8);
  let c = load<u64>(STATE, 16);
  let d = load<u64>(STATE, 24);
  let e = load<u64>(STATE, 32);
  let f = load<u64>(STATE, 40);
  let g = load<u64>(STATE, 48);
  let h = load<u64>(STATE, 56);
  for (let t: usize = 0; t < 80; t++) {
    const S1 = rotr<u64>(e, 14) ^ rotr<u64>(e, 18) ^ rotr<u64>(e, 41);
    const ch = (e & f) ^ (~e & g);
    const t1 = h + S1 + ch + load<u64>(K + 8 * t) + load<u64>(SCHEDULE + 8 * t);
    const S0 = rotr<u64>(a, 28) ^ rotr<u64>(a, 34) ^ rotr<u64>(a, 39);
    const maj = (a & b) ^ (a & c) ^ (b & c);
    const t2 = S0 + maj;
    h = g;
    g = f;
    f = e;
    e = d + t1;
    d = c;
    c = b;
    b = a;
    a = t1 + t2;
  }
  store<u64>(STATE, load<u64>(STATE, 0) + a, 0);
  store<u64>(STATE, load<u64>(STATE, 8) + b, 8);
  store<u64>(STATE, load<u64>(STATE, 16) + c, 16);
  store<u64>(STATE, load<u64>(STATE, 24) + d, 24);
  store<u64>(STATE, load<u64>(STATE, 32) + e, 32);
  store<u64>(STATE, load<u64>(STATE, 40) + f, 40);
  store<u64>(STATE, load<u64>(STATE, 48) + g, 48);
  store<u64>(STATE, load<u64>(STATE, 56) + h, 56);
}

/**
 * Hashes `len` bytes at src (any length below 2^32) with SHA-384 (bits384) or SHA-512 and writes the 48 or 64
 * byte digest to dst. src and dst may overlap only if dst ≥ src + len.
 */
export function shaShort(dst: usize, src: usize, len: u32, bits384: bool): void {
  if (!initialised) shaInit();
  reset(bits384);
  let offset: u32 = 0;
  while (len - offset >= 128) {
    compress(src + offset);
    offset += 128;
  }
  const rest = len - offset;
  memory.fill(BLOCK, 0, 128);
  memory.copy(BLOCK, src + offset, rest);
  store<u8>(BLOCK + rest, 0x80);
  if (rest + 17 > 128) {
    compress(BLOCK);
    memory.fill(BLOCK, 0, 128);
  }
  // the length in bits, a 128-bit big-endian integer (below 2^35 here)
  store<u64>(BLOCK + 120, bswap<u64>(<u64>len << 3));
  compress(BLOCK);
  const words: u32 = bits384 ? 6 : 8;
  for (let i: u32 = 0; i < words; i++) store<u64>(dst + 8 * i, bswap<u64>(load<u64>(STATE + 8 * i)));
}

/** Scratch for one MGF1 input H ‖ counter (up to 68 bytes). */
const SEED: usize = 0x22780;
/** One MGF1 output block (up to 64 bytes). */
const MASK: usize = 0x227d0;

/**
 * XORs MGF1(H, len) with SHA-384 (bits384) or SHA-512 into the `len` bytes at dst (RFC 8017 §B.2.1); H is the
 * hLen bytes at seed (48 or 64).
 */
export function mgf1Xor(dst: usize, len: u32, seed: usize, bits384: bool): void {
  const hLen: u32 = bits384 ? 48 : 64;
  memory.copy(SEED, seed, hLen);
  let done: u32 = 0;
  for (let counter: u32 = 0; done < len; counter++) {
    store<u32>(SEED + hLen, bswap<u32>(counter));
    shaShort(MASK, SEED, hLen + 4, bits384);
    const take = len - done < hLen ? len - done : hLen;
    for (let i: u32 = 0; i < take; i++) store<u8>(dst + done + i, load<u8>(dst + done + i) ^ load<u8>(MASK + i));
    done += take;
  }
}
