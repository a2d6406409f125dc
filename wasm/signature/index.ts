// The signature core's exports: RSA public-key operations (s^e mod n) and ECDSA verification over P-256, P-384
// and P-521. The host writes big-endian inputs at the exported offsets and calls; nothing is allocated and the
// module imports nothing. Padding checks (PSS, PKCS #1 v1.5) and hashing are the host's: see
// core/crypto/signature_core.ts.

import {
  cmp,
  copy,
  fromBytes,
  montMulV,
  montSqrV,
  negInverse,
  reduceOnce,
  reverse,
  setSmall,
  toBytes,
  W,
} from "./bignum";

import { mgf1Xor, shaShort } from "./sha512";

export { ecPrepareComb, ecPrepareKey, ecSetup, ecVerify, ecVerifyComb } from "./ec";
import { COMB_BYTES as COMB_SIZE, COMB_Q, EC_IO, Q_POINTS, Q_TABLE } from "./ec";

/** Where the host writes EC inputs: five 128-byte slots (see ec.ts). */
export const EC_IO_OFFSET: u32 = <u32> EC_IO;
/** The prepared key's table of odd multiples, which the host may save and restore per key. */
export const EC_TABLE_OFFSET: u32 = <u32> Q_TABLE;
/** Bytes of that table. */
export const EC_TABLE_BYTES: u32 = Q_POINTS * 256;
/** The prepared key's comb (ecPrepareComb), which the host may save and restore per key. */
export const EC_COMB_OFFSET: u32 = <u32> COMB_Q;
/** Bytes of a comb. */
export const EC_COMB_BYTES: u32 = COMB_SIZE;

// RSA: limbs of n, R² mod n, s, the running value and a scratch value, 1 KiB each (up to 256 limbs).
const RSA_N: usize = 0x0800;
const RSA_R2: usize = 0x0c00;
const RSA_S: usize = 0x1000;
const RSA_X: usize = 0x1400;
const RSA_T: usize = 0x1800;
/** Big-endian byte buffers of the RSA calls, 1 KiB each: n, R² mod n, s, e, and the result. */
const RSA_IO: usize = 0x20000;
/** n's limbs in reverse order, for the SIMD dot products (bignum.ts keeps its reversed operand at 0x21400). */
const RSA_NREV: usize = 0x21800;

/** Where the host writes n (then R² mod n, s, e) and reads the result: 1 KiB apart. */
export const RSA_IO_OFFSET: u32 = <u32> RSA_IO;
/** Most limbs of a modulus. */
export const RSA_MAX_LIMBS: u32 = 256;
/** Bits per limb. */
export const LIMB_BITS: u32 = W;

let rsaLen: u32 = 0;
let rsaBytes: u32 = 0;
let rsaN0: u64 = 0;

/**
 * Loads an odd modulus of `nBytes` bytes (RSA_IO) with `limbs` limbs, 27·limbs ≥ bits + 2, and R² mod n for
 * R = 2^(27·limbs) (RSA_IO + 1024, nBytes long). Returns 0 when the sizes are out of range or n is even.
 */
export function rsaLoadKey(nBytes: u32, limbs: u32): u32 {
  if (limbs == 0 || limbs > RSA_MAX_LIMBS || nBytes == 0 || nBytes > 1024 || nBytes * 8 + 2 > limbs * W) return 0;
  if ((load<u8>(RSA_IO + nBytes - 1) & 1) == 0) return 0;
  rsaLen = limbs;
  rsaBytes = nBytes;
  fromBytes(RSA_N, RSA_IO, nBytes, limbs);
  fromBytes(RSA_R2, RSA_IO + 1024, nBytes, limbs);
  rsaN0 = negInverse(RSA_N);
  reverse(RSA_NREV, RSA_N, limbs);
  return 1;
}

/**
 * Computes s^e mod n for the loaded key, with s (nBytes) at RSA_IO + 2048 and e (eBytes, at most 1024) at
 * RSA_IO + 3072; writes the result (nBytes, big-endian) to RSA_IO + 4096. Returns 0 when s ≥ n (RFC 8017
 * §5.2.2: "signature representative out of range") or e is zero, 1 otherwise.
 */
export function rsaPublic(eBytes: u32): u32 {
  const len = rsaLen;
  if (len == 0 || eBytes == 0 || eBytes > 1024) return 0;
  fromBytes(RSA_S, RSA_IO + 2048, rsaBytes, len);
  if (cmp(RSA_S, RSA_N, len) >= 0) return 0;
  const e = RSA_IO + 3072;
  // the exponent's highest set bit
  let first: u32 = 0;
  while (first < eBytes && load<u8>(e + first) == 0) first++;
  if (first == eBytes) return 0;
  const n = RSA_N;
  const n0 = rsaN0;
  // x = s·R mod n (below 2n)
  montMulV(RSA_X, RSA_S, RSA_R2, n, RSA_NREV, len, n0);
  if (eBytes - first == 3 && load<u8>(e + first) == 1 && load<u8>(e + first + 1) == 0 && load<u8>(e + first + 2) == 1) {
    // e = 65537: sixteen squarings give s^65536·R; one product with the plain s leaves Montgomery form.
    for (let i = 0; i < 16; i++) montSqrV(RSA_X, RSA_X, n, RSA_NREV, len, n0);
    montMulV(RSA_X, RSA_X, RSA_S, n, RSA_NREV, len, n0);
  } else {
    copy(RSA_T, RSA_X, len); // s·R
    const top = load<u8>(e + first);
    let bit = 7;
    while (((top >> <u8> bit) & 1) == 0) bit--;
    // left to right over the bits after the leading one
    for (let i = first; i < eBytes; i++) {
      const byte = load<u8>(e + i);
      for (let b = i == first ? bit - 1 : 7; b >= 0; b--) {
        montSqrV(RSA_X, RSA_X, n, RSA_NREV, len, n0);
        if (((byte >> <u8> b) & 1) != 0) montMulV(RSA_X, RSA_X, RSA_T, n, RSA_NREV, len, n0);
      }
    }
    setSmall(RSA_T, 1, len);
    montMulV(RSA_X, RSA_X, RSA_T, n, RSA_NREV, len, n0);
  }
  reduceOnce(RSA_X, n, len);
  toBytes(RSA_IO + 4096, RSA_X, rsaBytes, len);
  return 1;
}

/** Where the host writes a message for shaIo (256 bytes); the digest comes back 256 bytes after it. */
const SHA_IO: usize = 0x22800;
/** The offset of shaIo's input; its digest is at SHA_IO_OFFSET + 256. */
export const SHA_IO_OFFSET: u32 = <u32> SHA_IO;

/**
 * EMSA-PSS-VERIFY step 8 (RFC 8017 §9.1.2) on the result of rsaPublic: XORs MGF1(H, dbLen) with SHA-384 (bits384
 * = 1) or SHA-512 into the dbLen bytes at `start` of the result, H being the hash that follows them.
 */
export function pssUnmask(start: u32, dbLen: u32, bits384: u32): void {
  const hLen: u32 = bits384 != 0 ? 48 : 64;
  if (start + dbLen + hLen > rsaBytes) return;
  const em = RSA_IO + 4096 + <usize> start;
  mgf1Xor(em, dbLen, em + dbLen, bits384 != 0);
}

/** SHA-384 (bits384 = 1) or SHA-512 of the first `len` bytes (at most 256) at SHA_IO; the digest goes to SHA_IO + 256. */
export function shaIo(len: u32, bits384: u32): void {
  if (len > 256) return;
  shaShort(SHA_IO + 256, SHA_IO, len, bits384 != 0);
}
