/**
 * ECDSA verification of a signature over a digest the caller already computed ("prehashed"), which WebCrypto
 * cannot do: a CCF node signs the ledger's Merkle root itself as the SHA-256 digest (spec: ccf-ledger §4).
 * Verification only, over public inputs, so nothing here needs to run in constant time; every range and
 * curve check of SEC 1 §4.1.4 is made.
 *
 * @module
 */

import type { PublicKey } from "./public_key.ts";

interface CurveParams {
  readonly p: bigint;
  readonly b: bigint;
  readonly n: bigint;
  readonly gx: bigint;
  readonly gy: bigint;
  readonly bytes: number;
}

// SEC 2 §2.4.2 and §2.5.1; a = −3 for both curves.
const CURVES: Readonly<Record<"P-256" | "P-384", CurveParams>> = {
  "P-256": {
    p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn,
    b: 0x5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604bn,
    n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
    gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n,
    gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n,
    bytes: 32,
  },
  "P-384": {
    p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn,
    b: 0xb3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aefn,
    n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
    gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n,
    gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn,
    bytes: 48,
  },
};

type Jacobian = readonly [x: bigint, y: bigint, z: bigint];
const INFINITY: Jacobian = [1n, 1n, 0n];

function toBigint(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function mod(a: bigint, m: bigint): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Inverse modulo a prime by the extended Euclidean algorithm. */
function invert(a: bigint, m: bigint): bigint {
  let [oldR, r] = [mod(a, m), m];
  let [oldS, s] = [1n, 0n];
  while (r !== 0n) {
    const q = oldR / r;
    [oldR, r] = [r, oldR - q * r];
    [oldS, s] = [s, oldS - q * s];
  }
  return mod(oldS, m);
}

function double(c: CurveParams, [x, y, z]: Jacobian): Jacobian {
  if (z === 0n || y === 0n) return INFINITY;
  const { p } = c;
  const yy = (y * y) % p;
  const s = (4n * x * yy) % p;
  const zz = (z * z) % p;
  const m = mod(3n * (x - zz) * (x + zz), p); // a = −3
  const x3 = mod(m * m - 2n * s, p);
  return [x3, mod(m * (s - x3) - 8n * yy * yy, p), (2n * y * z) % p];
}

function add(c: CurveParams, P: Jacobian, Q: Jacobian): Jacobian {
  if (P[2] === 0n) return Q;
  if (Q[2] === 0n) return P;
  const { p } = c;
  const pz2 = (P[2] * P[2]) % p;
  const qz2 = (Q[2] * Q[2]) % p;
  const u1 = (P[0] * qz2) % p;
  const u2 = (Q[0] * pz2) % p;
  const s1 = (P[1] * qz2 * Q[2]) % p;
  const s2 = (Q[1] * pz2 * P[2]) % p;
  if (u1 === u2) return s1 === s2 ? double(c, P) : INFINITY;
  const h = mod(u2 - u1, p);
  const r = mod(s2 - s1, p);
  const h2 = (h * h) % p;
  const h3 = (h2 * h) % p;
  const x3 = mod(r * r - h3 - 2n * u1 * h2, p);
  return [x3, mod(r * (u1 * h2 - x3) - s1 * h3, p), (h * P[2] * Q[2]) % p];
}

/** u1·G + u2·Q by Shamir's trick (one shared doubling chain). */
function twoScalarMultiply(c: CurveParams, u1: bigint, u2: bigint, q: Jacobian): Jacobian {
  const g: Jacobian = [c.gx, c.gy, 1n];
  const gq = add(c, g, q);
  let acc = INFINITY;
  const bits = Math.max(u1.toString(2).length, u2.toString(2).length);
  for (let i = BigInt(bits - 1); i >= 0n; i--) {
    acc = double(c, acc);
    const a = (u1 >> i) & 1n;
    const b = (u2 >> i) & 1n;
    if (a && b) acc = add(c, acc, gq);
    else if (a) acc = add(c, acc, g);
    else if (b) acc = add(c, acc, q);
  }
  return acc;
}

/**
 * Verifies a raw `r ‖ s` ECDSA signature over `digest` (not hashed again) with a P-256 or P-384 key. The digest
 * is truncated to the order's bit length as SEC 1 §4.1.4 step 5 says; r and s must lie in [1, n − 1] and the
 * key must be a point on the curve. Any other key type, or a signature of the wrong length, is `false`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { verifyEcdsaPrehashed } from "./ecdsa_prehashed.ts";
 * import { publicKeyFromSpki } from "./public_key.ts";
 * const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign"]) as CryptoKeyPair;
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const message = new Uint8Array([1, 2, 3]);
 * const signature = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, message));
 * const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", message));
 * assert(verifyEcdsaPrehashed(key, digest, signature));
 * ```
 */
export function verifyEcdsaPrehashed(key: PublicKey, digest: Uint8Array, signature: Uint8Array): boolean {
  if (key.kty !== "EC" || (key.crv !== "P-256" && key.crv !== "P-384")) return false;
  const c = CURVES[key.crv];
  if (signature.length !== 2 * c.bytes) return false;
  const r = toBigint(signature.subarray(0, c.bytes));
  const s = toBigint(signature.subarray(c.bytes));
  if (r < 1n || r >= c.n || s < 1n || s >= c.n) return false;
  const qx = toBigint(key.x);
  const qy = toBigint(key.y);
  if (qx >= c.p || qy >= c.p || mod(qy * qy - (qx * qx * qx - 3n * qx + c.b), c.p) !== 0n) return false;
  const orderBits = c.n.toString(2).length;
  let e = toBigint(digest);
  if (digest.length * 8 > orderBits) e >>= BigInt(digest.length * 8 - orderBits);
  const w = invert(s, c.n);
  const point = twoScalarMultiply(c, mod(e * w, c.n), mod(r * w, c.n), [qx, qy, 1n]);
  if (point[2] === 0n) return false;
  const z2 = (point[2] * point[2]) % c.p;
  const x = mod(point[0] * invert(z2, c.p), c.p);
  return mod(x, c.n) === r;
}
