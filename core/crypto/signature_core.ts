/**
 * The signature core: RSA (RSASSA-PSS and RSASSA-PKCS1-v1_5, RFC 8017) and ECDSA over P-256, P-384 and P-521
 * (FIPS 186-5), verified by the project's own WebAssembly module (`wasm/signature.wasm`, built from
 * `wasm/signature/`). This file is its only door: it checks every length before a byte reaches the module, runs
 * the padding checks of RFC 8017 §8–§9 on the module's `s^e mod n`, and hashes messages with the runtime's
 * `node:crypto` (MGF1 and the M′ hash of PSS with SHA-384 and SHA-512 run in the module).
 * All functions are synchronous. Keys keep their precomputation (Montgomery constants per RSA modulus, the table
 * of odd multiples per EC point) in a bounded cache, so a key reused across calls pays for it once.
 *
 * Strict checks, nothing parsed that can be compared instead:
 * - RSA: the signature has exactly the modulus's length and is below n (RFC 8017 §5.2.2).
 * - PKCS #1 v1.5: the whole recovered encoding must equal `00 01 FF… 00 ‖ DigestInfo ‖ H` (RFC 8017 §9.2).
 * - PSS: EMSA-PSS-VERIFY (RFC 8017 §9.1.2) with the scheme's salt length exactly, MGF1 with the same hash,
 *   trailer 0xbc, the masked top bits zero, the padding zero bytes then 0x01.
 * - ECDSA: raw `r‖s` of exactly twice the field size, r and s in [1, n − 1], the public point's coordinates
 *   below p and the point on the curve (an affine point is never the point at infinity; a key that fails this
 *   verifies nothing), the hash truncated to
 *   the order's bit length (FIPS 186-5 §6.4.2), and x(u1·G + u2·Q) mod n = r with the sum not at infinity.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { coreVerify } from "./signature_core.ts";
 * import { publicKeyFromSpki } from "./public_key.ts";
 * const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]);
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const data = new Uint8Array([1, 2, 3]);
 * const sig = new Uint8Array(await crypto.subtle.sign({ name: "ECDSA", hash: "SHA-256" }, pair.privateKey, data));
 * assert(coreVerify(key, { name: "ECDSA", hash: "SHA-256" }, data, sig) === true);
 * ```
 *
 * @module
 */

import * as wasm from "../../wasm/signature.wasm";
import { AuditError } from "../errors.ts";
import { HASH_LENGTH, type HashName } from "./digest.ts";
import type { EcCurve, PublicKey } from "./public_key.ts";
import type { SignatureScheme } from "./scheme.ts";

const NODE_HASH: Readonly<Record<HashName, string>> = { "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512" };

/** The runtime's synchronous hashing, or `undefined` where there is no `node:crypto` (then the core is off). */
const nativeHash = await import("node:crypto").then(
  ({ createHash }) => (hash: HashName, ...parts: Uint8Array[]): Uint8Array => {
    const h = createHash(NODE_HASH[hash]);
    for (const part of parts) h.update(part);
    return new Uint8Array(h.digest());
  },
  () => undefined,
);

/** Whether the core can run here (it needs the runtime's synchronous hashing). */
export const CORE_AVAILABLE: boolean = nativeHash !== undefined;

/** Sizes the core handles; other RSA moduli go to WebCrypto. */
export const CORE_LIMITS = {
  /** Smallest RSA modulus in bytes (1024 bits). */
  minRsaBytes: 128,
  /** Largest RSA modulus in bytes (4096 bits). */
  maxRsaBytes: 512,
  /** Longest RSA public exponent in bytes. */
  maxExponentBytes: 512,
} as const;

function hash(name: HashName, ...parts: Uint8Array[]): Uint8Array {
  if (!nativeHash) throw new AuditError("KEY_UNSUPPORTED", "Cannot verify signature: no synchronous hashing here");
  return nativeHash(name, ...parts);
}

// The module's memory has a fixed size (initial = maximum), so this view never detaches.
const heap = new Uint8Array(wasm.memory.buffer);
const EC_IO = wasm.EC_IO_OFFSET;
const EC_SLOT = 128;
const EC_TABLE = wasm.EC_TABLE_OFFSET;
const EC_TABLE_BYTES = wasm.EC_TABLE_BYTES;
const EC_COMB = wasm.EC_COMB_OFFSET;
const EC_COMB_BYTES = wasm.EC_COMB_BYTES;
const RSA_IO = wasm.RSA_IO_OFFSET;
const LIMB_BITS = wasm.LIMB_BITS;
const SHA_IO = wasm.SHA_IO_OFFSET;

function hexBytes(hex: string): Uint8Array {
  return Uint8Array.from(hex.match(/../g)!, (pair) => parseInt(pair, 16));
}

/** Domain parameters (FIPS 186-5 / SP 800-186 §3.2.1): p, n, b, Gx, Gy, all of the field's byte length. */
const CURVES: Readonly<Record<EcCurve, { id: number; bytes: number; orderBits: number; params: string[] }>> = {
  "P-256": {
    id: 0,
    bytes: 32,
    orderBits: 256,
    params: [
      "ffffffff00000001000000000000000000000000ffffffffffffffffffffffff",
      "ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551",
      "5ac635d8aa3a93e7b3ebbd55769886bc651d06b0cc53b0f63bce3c3e27d2604b",
      "6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296",
      "4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5",
    ],
  },
  "P-384": {
    id: 1,
    bytes: 48,
    orderBits: 384,
    params: [
      "fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffff",
      "ffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973",
      "b3312fa7e23ee7e4988e056be3f82d19181d9c6efe8141120314088f5013875ac656398d8a2ed19d2a85c8edd3ec2aef",
      "aa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7",
      "3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5f",
    ],
  },
  "P-521": {
    id: 2,
    bytes: 66,
    orderBits: 521,
    params: [
      "01ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff",
      "01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409",
      "0051953eb9618e1c9a1f929a21a0b68540eea2da725b99b315f3b8b489918ef109e156193951ec7e937b1652c0bd3bb1bf073573df883d2c34f1ef451fd46b503f00",
      "00c6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66",
      "011839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650",
    ],
  },
};

let curvesReady = 0;

function setUpCurve(curve: EcCurve): void {
  const { id, bytes, params } = CURVES[curve];
  if (curvesReady & (1 << id)) return;
  params.forEach((hex, i) => heap.set(hexBytes(hex).subarray(0, bytes), EC_IO + i * EC_SLOT));
  if (wasm.ecSetup(id) !== 1) throw new Error(`the signature core refused the ${curve} domain parameters`);
  curvesReady |= 1 << id;
}

interface EcEntry {
  readonly curve: EcCurve;
  /** The key's odd multiples as the module left them, or `undefined` for a point that is not on the curve. */
  readonly table: Uint8Array | undefined;
  /** Verifications so far: the second builds the comb. */
  uses: number;
  /** The key's comb (255 affine points), once built; dropped again when too many keys have one. */
  comb: Uint8Array | undefined;
}

interface RsaEntry {
  readonly n: Uint8Array;
  readonly e: Uint8Array;
  readonly limbs: number;
  /** R² mod n, big-endian, n's length. */
  readonly r2: Uint8Array;
  /** (modBits − 1), the bit length of an encoded message (RFC 8017 §9.1). */
  readonly emBits: number;
}

/** Prepared keys by SPKI, as a latin-1 string. Bounded, oldest forgotten first. */
const prepared = new Map<string, EcEntry | RsaEntry>();
/** The same, by key object: a key parsed once and used many times skips the string. */
const preparedByObject = new WeakMap<PublicKey, EcEntry | RsaEntry>();
const MAX_PREPARED = 512;
/** The EC key whose odd multiples, and the RSA key whose limbs, are in the module's memory now. */
let loaded: EcEntry | undefined;
let loadedRsa: RsaEntry | undefined;

function spkiId(spki: Uint8Array): string {
  let out = "";
  for (let i = 0; i < spki.length; i += 0x2000) {
    out += String.fromCharCode(...spki.subarray(i, i + 0x2000));
  }
  return out;
}

function remember<T extends EcEntry | RsaEntry>(key: PublicKey, id: string, entry: T): T {
  if (prepared.size >= MAX_PREPARED) prepared.delete(prepared.keys().next().value!);
  prepared.set(id, entry);
  preparedByObject.set(key, entry);
  return entry;
}

function lookup(key: PublicKey): { entry: EcEntry | RsaEntry | undefined; id: string } {
  const byObject = preparedByObject.get(key);
  if (byObject) return { entry: byObject, id: "" };
  const id = spkiId(key.spki);
  const entry = prepared.get(id);
  if (entry) preparedByObject.set(key, entry);
  return { entry, id };
}

function ecEntry(key: PublicKey & { kty: "EC" }): EcEntry {
  const found = lookup(key);
  if (found.entry) return found.entry as EcEntry;
  setUpCurve(key.crv);
  const bytes = CURVES[key.crv].bytes;
  if (key.x.length !== bytes || key.y.length !== bytes) {
    return remember(key, found.id, { curve: key.crv, table: undefined, uses: 0, comb: undefined });
  }
  heap.set(key.x, EC_IO);
  heap.set(key.y, EC_IO + EC_SLOT);
  const ok = wasm.ecPrepareKey(CURVES[key.crv].id) === 1;
  const table = ok ? heap.slice(EC_TABLE, EC_TABLE + EC_TABLE_BYTES) : undefined;
  const entry: EcEntry = { curve: key.crv, table, uses: 0, comb: undefined };
  if (ok) loaded = entry;
  return remember(key, found.id, entry);
}

/** Keys with a comb, oldest first; each comb is 64 KiB, so only this many are kept. */
const withComb: EcEntry[] = [];
const MAX_COMBS = 32;
/** The entry whose comb is in the module's memory now. */
let loadedComb: EcEntry | undefined;

/** Builds the key's comb (it is used again: the comb pays for itself after a few verifications). */
function buildComb(key: PublicKey & { kty: "EC" }, entry: EcEntry): void {
  heap.set(key.x, EC_IO);
  heap.set(key.y, EC_IO + EC_SLOT);
  if (wasm.ecPrepareComb(CURVES[entry.curve].id) !== 1) return;
  entry.comb = heap.slice(EC_COMB, EC_COMB + EC_COMB_BYTES);
  loadedComb = entry;
  withComb.push(entry);
  if (withComb.length > MAX_COMBS) withComb.shift()!.comb = undefined;
}

function bitLength(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i) * 8 - Math.clz32(bytes[i]!) + 24;
}

function bigFromBytes(bytes: Uint8Array): bigint {
  let hex = "";
  for (const byte of bytes) hex += byte.toString(16).padStart(2, "0");
  return hex === "" ? 0n : BigInt(`0x${hex}`);
}

function bytesFromBig(value: bigint, length: number): Uint8Array {
  const hex = value.toString(16).padStart(length * 2, "0");
  return hexBytes(hex);
}

function rsaEntry(key: PublicKey & { kty: "RSA" }): RsaEntry | undefined {
  const found = lookup(key);
  if (found.entry) return found.entry as RsaEntry;
  const n = key.n;
  if (n.length < CORE_LIMITS.minRsaBytes || n.length > CORE_LIMITS.maxRsaBytes || n[0] === 0) return undefined;
  // RFC 8017 §3.1: e odd and at least 3; anything else stays with WebCrypto, which decides as before.
  const e = key.e;
  if (e.length === 0 || e.length > CORE_LIMITS.maxExponentBytes || (e[e.length - 1]! & 1) === 0) return undefined;
  if (bitLength(e) < 2 || (n[n.length - 1]! & 1) === 0) return undefined;
  const modBits = bitLength(n);
  const limbs = Math.ceil((n.length * 8 + 2) / LIMB_BITS);
  const r2 = bytesFromBig((1n << BigInt(2 * LIMB_BITS * limbs)) % bigFromBytes(n), n.length);
  return remember(key, found.id, { n, e: key.e, limbs, r2, emBits: modBits - 1 });
}

/** s^e mod n into the module's result buffer; returns its offset, or −1 when s is out of range. */
function rsaPublic(entry: RsaEntry, signature: Uint8Array): number {
  const k = entry.n.length;
  if (loadedRsa !== entry) {
    heap.set(entry.n, RSA_IO);
    heap.set(entry.r2, RSA_IO + 1024);
    if (wasm.rsaLoadKey(k, entry.limbs) !== 1) throw new Error("the signature core refused an RSA modulus");
    loadedRsa = entry;
  }
  heap.set(signature, RSA_IO + 2048);
  heap.set(entry.e, RSA_IO + 3072);
  return wasm.rsaPublic(entry.e.length) === 1 ? RSA_IO + 4096 : -1;
}

/**
 * The RSA primitive alone, RSAVP1 (RFC 8017 §5.2.2): `signature^e mod n` as n's length of big-endian bytes, or
 * `undefined` when the signature is not below n or has the wrong length. For tests of the exponentiation.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { coreRsaPublic } from "./signature_core.ts";
 * import { rsaPublicKey } from "./public_key.ts";
 * const n = new Uint8Array(128).fill(0xff); // odd, 1024 bits
 * const key = rsaPublicKey(n, new Uint8Array([3]));
 * const s = new Uint8Array(128);
 * s[127] = 2;
 * assert(coreRsaPublic(key, s)?.[127] === 8);
 * ```
 */
export function coreRsaPublic(key: PublicKey, signature: Uint8Array): Uint8Array | undefined {
  if (key.kty !== "RSA") return undefined;
  const entry = rsaEntry(key);
  if (!entry) unsupported({ name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, "the key is outside the core's sizes");
  if (signature.length !== entry.n.length) return undefined;
  const em = rsaPublic(entry, signature);
  return em < 0 ? undefined : heap.slice(em, em + entry.n.length);
}

/** DER DigestInfo prefixes (RFC 8017 §9.2 note 1). */
const DIGEST_INFO: Readonly<Record<HashName, Uint8Array>> = {
  "SHA-256": hexBytes("3031300d060960864801650304020105000420"),
  "SHA-384": hexBytes("3041300d060960864801650304020205000430"),
  "SHA-512": hexBytes("3051300d060960864801650304020305000440"),
};

function pkcs1Valid(entry: RsaEntry, em: number, hashName: HashName, data: Uint8Array): boolean {
  const k = entry.n.length;
  const prefix = DIGEST_INFO[hashName];
  const h = hash(hashName, data);
  const tLen = prefix.length + h.length;
  if (k < tLen + 11) return false;
  // The whole expected encoding EM = 0x00 ‖ 0x01 ‖ PS (0xff…) ‖ 0x00 ‖ T, compared byte for byte.
  let diff = heap[em]! | (heap[em + 1]! ^ 0x01);
  const psEnd = k - tLen - 1;
  for (let i = 2; i < psEnd; i++) diff |= heap[em + i]! ^ 0xff;
  diff |= heap[em + psEnd]!;
  for (let i = 0; i < prefix.length; i++) diff |= heap[em + psEnd + 1 + i]! ^ prefix[i]!;
  const hStart = em + psEnd + 1 + prefix.length;
  for (let i = 0; i < h.length; i++) diff |= heap[hStart + i]! ^ h[i]!;
  return diff === 0;
}

const counter = new Uint8Array(4);

function pssValid(entry: RsaEntry, em: number, hashName: HashName, saltLength: number, data: Uint8Array): boolean {
  const k = entry.n.length;
  const hLen = HASH_LENGTH[hashName];
  const emBits = entry.emBits;
  const emLen = Math.ceil(emBits / 8);
  // I2OSP(m, emLen): when emLen < k the leading byte of the k-byte result must be zero.
  const start = em + (k - emLen);
  for (let i = em; i < start; i++) if (heap[i] !== 0) return false;
  if (!Number.isSafeInteger(saltLength) || saltLength < 0 || emLen < hLen + saltLength + 2) return false;
  if (heap[start + emLen - 1] !== 0xbc) return false;
  const dbLen = emLen - hLen - 1;
  const topBits = 8 * emLen - emBits;
  const topMask = (0xff >> topBits) & 0xff;
  if ((heap[start]! & ~topMask & 0xff) !== 0) return false;
  const hOffset = start + dbLen;
  const H = heap.subarray(hOffset, hOffset + hLen);
  const psLen = emLen - hLen - saltLength - 2;
  const mHash = hash(hashName, data);
  if (hashName !== "SHA-256") {
    // SHA-384 and SHA-512: MGF1 and H' in the module, DB unmasked in place (one runtime hash call in all).
    const bits384 = hashName === "SHA-384" ? 1 : 0;
    wasm.pssUnmask(start - em, dbLen, bits384);
    heap[start]! &= topMask;
    for (let i = 0; i < psLen; i++) if (heap[start + i] !== 0) return false;
    if (heap[start + psLen] !== 0x01) return false;
    // M' = 0x00 × 8 ‖ mHash ‖ salt (at most 136 bytes)
    heap.fill(0, SHA_IO, SHA_IO + 8);
    heap.set(mHash, SHA_IO + 8);
    heap.copyWithin(SHA_IO + 8 + hLen, start + dbLen - saltLength, start + dbLen);
    wasm.shaIo(8 + hLen + saltLength, bits384);
    let diff = 0;
    for (let i = 0; i < hLen; i++) diff |= H[i]! ^ heap[SHA_IO + 256 + i]!;
    return diff === 0;
  }
  // DB = maskedDB ⊕ MGF1(H, dbLen), one hash block at a time.
  const db = new Uint8Array(dbLen);
  for (let c = 0, done = 0; done < dbLen; c++) {
    counter[0] = c >>> 24;
    counter[1] = (c >>> 16) & 0xff;
    counter[2] = (c >>> 8) & 0xff;
    counter[3] = c & 0xff;
    const block = hash(hashName, H, counter);
    const take = Math.min(hLen, dbLen - done);
    for (let i = 0; i < take; i++) db[done + i] = heap[start + done + i]! ^ block[i]!;
    done += take;
  }
  db[0]! &= topMask;
  for (let i = 0; i < psLen; i++) if (db[i] !== 0) return false;
  if (db[psLen] !== 0x01) return false;
  const salt = db.subarray(dbLen - saltLength);
  const expected = hash(hashName, new Uint8Array(8), mHash, salt);
  let diff = 0;
  for (let i = 0; i < hLen; i++) diff |= H[i]! ^ expected[i]!;
  return diff === 0;
}

/**
 * SHA-384 or SHA-512 of at most 256 bytes computed by the module (the hash its PSS checks use); for tests
 * against the runtime's.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { coreSha } from "./signature_core.ts";
 * assert(coreSha("SHA-384", new Uint8Array()).length === 48);
 * ```
 */
export function coreSha(name: "SHA-384" | "SHA-512", data: Uint8Array): Uint8Array {
  if (data.length > 256) throw new RangeError(`coreSha takes at most 256 bytes, found ${data.length}`);
  heap.set(data, SHA_IO);
  wasm.shaIo(data.length, name === "SHA-384" ? 1 : 0);
  return heap.slice(SHA_IO + 256, SHA_IO + 256 + HASH_LENGTH[name]);
}

/**
 * Whether the core verifies this key with this scheme (ECDSA on P-256, P-384, P-521; RSA PSS and PKCS #1 v1.5
 * with 1024- to 4096-bit moduli). Ed25519, other sizes, or a runtime without `node:crypto`: `false`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { coreSupports } from "./signature_core.ts";
 * import { ecPublicKey } from "./public_key.ts";
 * const key = ecPublicKey("P-256", new Uint8Array(32), new Uint8Array(32));
 * assert(coreSupports(key, { name: "ECDSA", hash: "SHA-256" }) === true);
 * ```
 */
export function coreSupports(key: PublicKey, scheme: SignatureScheme): boolean {
  if (!CORE_AVAILABLE) return false;
  if (scheme.name === "ECDSA") return key.kty === "EC" && key.crv in CURVES;
  if (scheme.name === "RSA-PSS" || scheme.name === "RSASSA-PKCS1-v1_5") {
    return key.kty === "RSA" && rsaEntry(key) !== undefined;
  }
  return false;
}

/** ECDSA's integer from the hash: the leftmost orderBits bits (FIPS 186-5 §6.4.2), as `bytes` big-endian bytes. */
function truncatedHash(digest: Uint8Array, orderBits: number, bytes: number): Uint8Array {
  const out = new Uint8Array(bytes);
  if (digest.length * 8 <= orderBits) {
    out.set(digest, bytes - digest.length);
    return out;
  }
  const keep = Math.ceil(orderBits / 8);
  const shift = keep * 8 - orderBits;
  let carry = 0;
  for (let i = 0; i < keep; i++) {
    const byte = digest[i]!;
    out[bytes - keep + i] = ((carry << (8 - shift)) | (byte >> shift)) & 0xff;
    carry = byte & ((1 << shift) - 1);
  }
  return out;
}

/**
 * Verifies a signature on the core, synchronously: `false` for a wrong signature of any shape, and for any
 * signature under an EC point that is not on its curve. Throws `KEY_UNSUPPORTED` when the key cannot be used
 * with the scheme or the core does not cover it (see {@linkcode coreSupports}).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { coreVerify } from "./signature_core.ts";
 * import { ecPublicKey } from "./public_key.ts";
 * const key = ecPublicKey("P-256", new Uint8Array(32), new Uint8Array(32));
 * // (0, 0) is not on P-256: nothing verifies under it
 * assert(coreVerify(key, { name: "ECDSA", hash: "SHA-256" }, new Uint8Array(), new Uint8Array(64)) === false);
 * ```
 */
export function coreVerify(key: PublicKey, scheme: SignatureScheme, data: Uint8Array, signature: Uint8Array): boolean {
  if (!CORE_AVAILABLE) unsupported(scheme, "the core needs node:crypto");
  if (scheme.name === "ECDSA") {
    if (key.kty !== "EC" || !(key.crv in CURVES)) unsupported(scheme, `a ${key.kty} key cannot verify ECDSA`);
    return coreVerifyEcdsaDigest(key, hash(scheme.hash, data), signature);
  }
  if (scheme.name === "RSA-PSS" || scheme.name === "RSASSA-PKCS1-v1_5") {
    if (key.kty !== "RSA") unsupported(scheme, `a ${key.kty} key cannot verify ${scheme.name}`);
    const entry = rsaEntry(key);
    if (!entry) unsupported(scheme, `the core takes ${CORE_LIMITS.minRsaBytes * 8}- to 4096-bit odd moduli`);
    if (signature.length !== entry.n.length) return false;
    const em = rsaPublic(entry, signature);
    if (em < 0) return false;
    return scheme.name === "RSA-PSS"
      ? pssValid(entry, em, scheme.hash, scheme.saltLength, data)
      : pkcs1Valid(entry, em, scheme.hash, data);
  }
  unsupported(scheme, "the core does not implement it");
}

/**
 * ECDSA over a digest already computed (the core's ECDSA without its hashing): the digest is truncated to the
 * order's bit length, r and s must lie in [1, n − 1], the key must be on its curve. Any key the core does not
 * cover, and any signature of the wrong length, is `false`. Needs no runtime hashing.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { coreVerifyEcdsaDigest } from "./signature_core.ts";
 * import { ecPublicKey } from "./public_key.ts";
 * assert(!coreVerifyEcdsaDigest(ecPublicKey("P-256", new Uint8Array(32), new Uint8Array(32)), new Uint8Array(32), new Uint8Array(64)));
 * ```
 */
export function coreVerifyEcdsaDigest(key: PublicKey, digest: Uint8Array, signature: Uint8Array): boolean {
  if (key.kty !== "EC" || !(key.crv in CURVES)) return false;
  const entry = ecEntry(key);
  // A point that is not on the curve verifies nothing (WebCrypto here imports such a point and answers false).
  if (!entry.table) return false;
  const { id, bytes, orderBits } = CURVES[entry.curve];
  if (signature.length !== 2 * bytes) return false;
  if (++entry.uses === 2) buildComb(key, entry);
  const useComb = entry.comb !== undefined;
  if (useComb && loadedComb !== entry) {
    heap.set(entry.comb!, EC_COMB);
    loadedComb = entry;
  } else if (!useComb && loaded !== entry) {
    heap.set(entry.table, EC_TABLE);
    loaded = entry;
  }
  heap.set(signature.subarray(0, bytes), EC_IO + 2 * EC_SLOT);
  heap.set(signature.subarray(bytes), EC_IO + 3 * EC_SLOT);
  heap.set(truncatedHash(digest, orderBits, bytes), EC_IO + 4 * EC_SLOT);
  return (useComb ? wasm.ecVerifyComb(id) : wasm.ecVerify(id)) === 1;
}

function unsupported(scheme: SignatureScheme, detail: string): never {
  throw new AuditError("KEY_UNSUPPORTED", `Cannot verify ${scheme.name} on the signature core: ${detail}`);
}
