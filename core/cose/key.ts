/**
 * COSE_Key (RFC 9052 §7) to {@linkcode PublicKey}: EC2 and OKP public keys. Private members are rejected.
 *
 * @module
 */

import type { CborKey, CborValue } from "../cbor.ts";
import { fromUtf8, toHex } from "../bytes.ts";
import { AuditError, shownValue } from "../errors.ts";
import { type EcCurve, ecPublicKey, ed25519PublicKey, type PublicKey } from "../crypto/public_key.ts";

const EC2_CURVES: ReadonlyMap<unknown, EcCurve> = new Map([[1, "P-256"], [2, "P-384"], [3, "P-521"]]);

/** A public key read from a COSE_Key, with the kid and alg it declared. */
export interface CoseKeyEntry {
  /** The key. */
  readonly key: PublicKey;
  /** Label 2 decoded as UTF-8 (or hex when not text), when present. */
  readonly kid?: string;
  /** Label 3, when present. */
  readonly alg?: number;
}

function malformed(detail: string): never {
  throw new AuditError("KEY_MALFORMED", `Cannot import COSE_Key: ${detail}`);
}

function bytesAt(map: ReadonlyMap<CborKey, CborValue>, label: number, name: string): Uint8Array {
  const value = map.get(label);
  if (!(value instanceof Uint8Array)) malformed(`${name} (label ${label}) must be a byte string`);
  return value;
}

/**
 * Reads a public COSE_Key map.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { publicKeyFromCoseKey } from "./key.ts";
 * const entry = publicKeyFromCoseKey(new Map<string | number, unknown>([[1, 1], [-1, 6], [-2, new Uint8Array(32)]]) as never);
 * assert(entry.key.kty === "OKP");
 * ```
 */
export function publicKeyFromCoseKey(map: ReadonlyMap<CborKey, CborValue>): CoseKeyEntry {
  if (map.has(-4)) {
    throw new AuditError(
      "KEY_PRIVATE_MEMBERS",
      "Cannot import COSE_Key: it carries a private key (label -4); supply the public key only",
    );
  }
  const kty = map.get(1);
  let key: PublicKey;
  if (kty === 2) {
    const crv = EC2_CURVES.get(map.get(-1));
    if (!crv) {
      throw new AuditError(
        "KEY_UNSUPPORTED",
        `Cannot import COSE_Key: EC2 curve ${shownValue(map.get(-1))} is not supported`,
      );
    }
    if (!(map.get(-3) instanceof Uint8Array)) {
      malformed("compressed or missing y coordinate (label -3) is not supported");
    }
    key = ecPublicKey(crv, bytesAt(map, -2, "x"), bytesAt(map, -3, "y"));
  } else if (kty === 1) {
    if (map.get(-1) !== 6) {
      throw new AuditError(
        "KEY_UNSUPPORTED",
        `Cannot import COSE_Key: OKP curve ${shownValue(map.get(-1))} is not supported`,
      );
    }
    key = ed25519PublicKey(bytesAt(map, -2, "x"));
  } else {
    throw new AuditError("KEY_UNSUPPORTED", `Cannot import COSE_Key: key type ${shownValue(kty)} is not supported`);
  }
  const rawKid = map.get(2);
  const alg = map.get(3);
  return {
    key,
    ...(rawKid instanceof Uint8Array ? { kid: kidText(rawKid) } : typeof rawKid === "string" ? { kid: rawKid } : {}),
    ...(typeof alg === "number" ? { alg } : {}),
  };
}

/**
 * Renders a kid byte string as text: UTF-8 when it decodes, lowercase hex otherwise.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { kidText } from "./key.ts";
 * assert(kidText(new Uint8Array([0x61, 0x62])) === "ab");
 * assert(kidText(new Uint8Array([0xff])) === "ff");
 * ```
 */
export function kidText(kid: Uint8Array): string {
  try {
    const text = fromUtf8(kid);
    if (/^[\x20-\x7e]*$/.test(text)) return text;
  } catch {
    // not UTF-8: fall through to hex
  }
  return toHex(kid);
}
