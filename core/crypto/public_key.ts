/**
 * Public keys: one normalised shape for EC, RSA and Ed25519 keys, imported from SPKI DER or JWK.
 *
 * @module
 */

import { concat, fromBase64, toBase64Url } from "../bytes.ts";
import { DER, derBitString, derChildren, derOid, derUnsigned, expectTag, readDer } from "../der.ts";
import { AuditError, shownValue } from "../errors.ts";
import { encodeTlv as tlv, encodeUnsigned as unsignedInteger } from "../der_encode.ts";

/** A named elliptic curve for ECDSA. */
export type EcCurve = "P-256" | "P-384" | "P-521";

/** A public key with the DER SubjectPublicKeyInfo it was (or would be) encoded as. */
export type PublicKey =
  | {
    readonly kty: "EC";
    readonly crv: EcCurve;
    readonly x: Uint8Array;
    readonly y: Uint8Array;
    readonly spki: Uint8Array;
  }
  | { readonly kty: "RSA"; readonly n: Uint8Array; readonly e: Uint8Array; readonly spki: Uint8Array }
  | { readonly kty: "OKP"; readonly crv: "Ed25519"; readonly x: Uint8Array; readonly spki: Uint8Array };

/** Field size in bytes of each curve (the length of x, y, r and s). */
export const CURVE_BYTES: Readonly<Record<EcCurve, number>> = { "P-256": 32, "P-384": 48, "P-521": 66 };

const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const OID_RSA = "1.2.840.113549.1.1.1";
const OID_RSA_PSS = "1.2.840.113549.1.1.10";
const OID_ED25519 = "1.3.101.112";
const CURVE_OIDS: Readonly<Record<string, EcCurve>> = {
  "1.2.840.10045.3.1.7": "P-256",
  "1.3.132.0.34": "P-384",
  "1.3.132.0.35": "P-521",
};
const CURVE_OID_BYTES: Readonly<Record<EcCurve, number[]>> = {
  "P-256": [0x06, 0x08, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07],
  "P-384": [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x22],
  "P-521": [0x06, 0x05, 0x2b, 0x81, 0x04, 0x00, 0x23],
};
const EC_PUBLIC_KEY_OID_BYTES = [0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
const RSA_ALGORITHM = [0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00];
const ED25519_ALGORITHM = [0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70];
const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "k", "oth"];

function malformed(detail: string): never {
  throw new AuditError("KEY_MALFORMED", `Cannot import public key: ${detail}`);
}

function unsupported(detail: string): never {
  throw new AuditError("KEY_UNSUPPORTED", `Cannot import public key: ${detail}`);
}

function leftPad(bytes: Uint8Array, size: number, what: string): Uint8Array {
  if (bytes.length > size) malformed(`${what} is ${bytes.length} bytes, more than ${size}`);
  if (bytes.length === size) return bytes;
  const out = new Uint8Array(size);
  out.set(bytes, size - bytes.length);
  return out;
}

/**
 * Builds an EC public key from its affine coordinates (left-padded to the field size).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ecPublicKey } from "./public_key.ts";
 * const key = ecPublicKey("P-256", new Uint8Array(32).fill(1), new Uint8Array(32).fill(2));
 * assert(key.spki.length === 91);
 * ```
 */
export function ecPublicKey(crv: EcCurve, x: Uint8Array, y: Uint8Array): PublicKey {
  const size = CURVE_BYTES[crv];
  const px = leftPad(x, size, "x coordinate");
  const py = leftPad(y, size, "y coordinate");
  const algorithm = tlv(DER.SEQUENCE, new Uint8Array([...EC_PUBLIC_KEY_OID_BYTES, ...CURVE_OID_BYTES[crv]]));
  const point = concat([new Uint8Array([0x00, 0x04]), px, py]);
  return { kty: "EC", crv, x: px, y: py, spki: tlv(DER.SEQUENCE, concat([algorithm, tlv(DER.BIT_STRING, point)])) };
}

/**
 * Builds an RSA public key from modulus and exponent (big-endian magnitudes).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rsaPublicKey } from "./public_key.ts";
 * const key = rsaPublicKey(new Uint8Array(256).fill(0xc1), new Uint8Array([1, 0, 1]));
 * assert(key.kty === "RSA");
 * ```
 */
export function rsaPublicKey(n: Uint8Array, e: Uint8Array): PublicKey {
  const rsaKey = tlv(DER.SEQUENCE, concat([unsignedInteger(n), unsignedInteger(e)]));
  const bits = tlv(DER.BIT_STRING, concat([new Uint8Array([0]), rsaKey]));
  const spki = tlv(DER.SEQUENCE, concat([new Uint8Array(RSA_ALGORITHM), bits]));
  return { kty: "RSA", n: trimZeros(n), e: trimZeros(e), spki };
}

/**
 * Builds an Ed25519 public key from its 32 bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ed25519PublicKey } from "./public_key.ts";
 * assert(ed25519PublicKey(new Uint8Array(32)).spki.length === 44);
 * ```
 */
export function ed25519PublicKey(x: Uint8Array): PublicKey {
  if (x.length !== 32) malformed(`an Ed25519 key is 32 bytes, found ${x.length}`);
  const spki = tlv(
    DER.SEQUENCE,
    concat([new Uint8Array(ED25519_ALGORITHM), tlv(DER.BIT_STRING, concat([new Uint8Array([0]), x]))]),
  );
  return { kty: "OKP", crv: "Ed25519", x, spki };
}

function trimZeros(bytes: Uint8Array): Uint8Array {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  return bytes.subarray(i);
}

/**
 * Imports a DER SubjectPublicKeyInfo (EC P-256/P-384/P-521 uncompressed, RSA, RSA-PSS, Ed25519).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ecPublicKey, publicKeyFromSpki } from "./public_key.ts";
 * const key = ecPublicKey("P-384", new Uint8Array(48).fill(3), new Uint8Array(48).fill(4));
 * assert(publicKeyFromSpki(key.spki).kty === "EC");
 * ```
 */
export function publicKeyFromSpki(der: Uint8Array): PublicKey {
  const [algorithm, bits] = derChildren(expectTag(readDer(der), DER.SEQUENCE, "SubjectPublicKeyInfo"));
  const [oidNode, params] = derChildren(expectTag(algorithm, DER.SEQUENCE, "AlgorithmIdentifier"));
  const oid = derOid(expectTag(oidNode, DER.OID, "algorithm OID"));
  const keyBytes = derBitString(expectTag(bits, DER.BIT_STRING, "subjectPublicKey"));
  if (oid === OID_EC_PUBLIC_KEY) {
    const crv = CURVE_OIDS[derOid(expectTag(params, DER.OID, "named curve"))];
    if (!crv) unsupported("the EC curve is not P-256, P-384 or P-521");
    const size = CURVE_BYTES[crv];
    if (keyBytes[0] !== 0x04) unsupported("only uncompressed EC points are accepted");
    if (keyBytes.length !== 1 + 2 * size) malformed(`EC point is ${keyBytes.length} bytes, expected ${1 + 2 * size}`);
    return ecPublicKey(crv, keyBytes.subarray(1, 1 + size), keyBytes.subarray(1 + size));
  }
  if (oid === OID_RSA || oid === OID_RSA_PSS) {
    const [n, e] = derChildren(expectTag(readDer(keyBytes), DER.SEQUENCE, "RSAPublicKey"));
    return rsaPublicKey(
      derUnsigned(expectTag(n, DER.INTEGER, "modulus")),
      derUnsigned(expectTag(e, DER.INTEGER, "exponent")),
    );
  }
  if (oid === OID_ED25519) return ed25519PublicKey(keyBytes);
  return unsupported(`key algorithm ${oid} is not supported`);
}

function member(jwk: Record<string, unknown>, name: string): Uint8Array {
  const value = jwk[name];
  if (typeof value !== "string" || value.length === 0) malformed(`JWK member "${name}" is missing or not a string`);
  try {
    return fromBase64(value);
  } catch {
    return malformed(`JWK member "${name}" is not base64url`);
  }
}

/**
 * Imports a public JWK. Private members (`d`, `p`, `q`, ...) are rejected with `KEY_PRIVATE_MEMBERS`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { publicKeyFromJwk } from "./public_key.ts";
 * const key = publicKeyFromJwk({ kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" });
 * assert(key.kty === "OKP");
 * ```
 */
export function publicKeyFromJwk(jwk: unknown): PublicKey {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) malformed("a JWK must be a JSON object");
  const record = jwk as Record<string, unknown>;
  const secret = PRIVATE_MEMBERS.filter((m) => m in record);
  if (secret.length > 0) {
    throw new AuditError(
      "KEY_PRIVATE_MEMBERS",
      `Cannot import public key: the JWK carries private members (${secret.join(", ")}); supply the public key only`,
    );
  }
  switch (record.kty) {
    case "EC": {
      const crv = record.crv;
      if (crv !== "P-256" && crv !== "P-384" && crv !== "P-521") {
        unsupported(`EC curve ${shownValue(crv)} is not supported`);
      }
      return ecPublicKey(crv, member(record, "x"), member(record, "y"));
    }
    case "RSA":
      return rsaPublicKey(member(record, "n"), member(record, "e"));
    case "OKP":
      if (record.crv !== "Ed25519") unsupported(`OKP curve ${shownValue(record.crv)} is not supported`);
      return ed25519PublicKey(member(record, "x"));
    default:
      return unsupported(`JWK key type ${shownValue(record.kty)} is not supported`);
  }
}

/**
 * Exports the public members of a key as a JWK (base64url without padding).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ed25519PublicKey, publicKeyToJwk } from "./public_key.ts";
 * assert(publicKeyToJwk(ed25519PublicKey(new Uint8Array(32))).crv === "Ed25519");
 * ```
 */
export function publicKeyToJwk(key: PublicKey): Record<string, string> {
  switch (key.kty) {
    case "EC":
      return { kty: "EC", crv: key.crv, x: toBase64Url(key.x), y: toBase64Url(key.y) };
    case "RSA":
      return { kty: "RSA", n: toBase64Url(key.n), e: toBase64Url(key.e) };
    case "OKP":
      return { kty: "OKP", crv: key.crv, x: toBase64Url(key.x) };
  }
}
