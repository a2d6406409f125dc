/**
 * COSE_Sign1 (RFC 9052 §4.2): strict decoding that keeps every raw item, the Sig_structure built from the
 * protected bytes as received, and signature verification.
 *
 * @module
 */

import { bstrHeader, type CborKey, CborReader, type CborValue, MAJOR_NAMES } from "../cbor.ts";
import { concat, utf8 } from "../bytes.ts";
import { AuditError } from "../errors.ts";
import type { PublicKey } from "../crypto/public_key.ts";
import { verifySignature } from "../crypto/signature.ts";
import { type CoseAlgorithm, coseAlgorithm } from "./algorithms.ts";
import { HEADER, UNDERSTOOD_CRITICAL } from "./labels.ts";

/** A COSE header map. */
export type HeaderMap = ReadonlyMap<CborKey, CborValue>;

/** A decoded COSE_Sign1 with the raw bytes of each of its four items. */
export interface CoseSign1 {
  /** Whether the input carried tag 18. */
  readonly tagged: boolean;
  /** The content of the protected bstr, verbatim (what the signature covers). */
  readonly protectedBytes: Uint8Array;
  /** The decoded protected header (empty when the bstr is empty). */
  readonly protectedHeader: HeaderMap;
  /** The decoded unprotected header. */
  readonly unprotectedHeader: HeaderMap;
  /** The attached payload, or `null` when detached. */
  readonly payload: Uint8Array | null;
  /** The signature bytes. */
  readonly signature: Uint8Array;
  /** Raw encodings of the four array items: protected bstr, unprotected map, payload, signature. */
  readonly raw: {
    readonly protected: Uint8Array;
    readonly unprotected: Uint8Array;
    readonly payload: Uint8Array;
    readonly signature: Uint8Array;
  };
}

function malformed(what: string, detail: string): never {
  throw new AuditError("COSE_MALFORMED", `Cannot decode ${what}: ${detail}`);
}

function describe(value: CborValue): string {
  if (value instanceof Uint8Array) return "a byte string";
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  if (value instanceof Map) return "a map";
  if (value === null) return "null";
  return `a ${typeof value}`;
}

/** Options for {@linkcode decodeCoseSign1}. */
export interface DecodeCoseSign1Options {
  /** What the input is called in error messages. @default {"COSE_Sign1"} */
  readonly what?: string;
  /** Reject input without tag 18 (receipts must be tagged, RFC 9942). @default {false} */
  readonly requireTag?: boolean;
}

/**
 * Decodes a COSE_Sign1 (tag 18 or bare array of exactly four items), keeping raw item bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeCoseSign1 } from "./sign1.ts";
 * // tag 18, [h'a10126', {}, h'', h'']
 * const msg = decodeCoseSign1(new Uint8Array([0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0x40, 0x40]));
 * assert(msg.protectedHeader.get(1) === -7);
 * ```
 */
export function decodeCoseSign1(input: Uint8Array, options: DecodeCoseSign1Options = {}): CoseSign1 {
  const what = options.what ?? "COSE_Sign1";
  const reader = new CborReader(input);
  let tagged = false;
  if (input.length > 0 && input[0]! >> 5 === 6) {
    const tag = reader.readHeader(6);
    if (tag.argument !== 18) malformed(what, `expected tag 18 (COSE_Sign1), found tag ${tag.argument}`);
    tagged = true;
  } else if (options.requireTag) {
    malformed(what, "expected tag 18 (COSE_Sign1)");
  }
  const array = reader.readHeader();
  if (array.major !== 4) malformed(what, `expected a COSE_Sign1 array, found ${MAJOR_NAMES[array.major]}`);
  if (array.argument !== 4) malformed(what, `expected a COSE_Sign1 array of 4 items, found ${array.argument}`);

  const item = () => {
    const at = reader.offset;
    const value = reader.readItem();
    return { value, raw: reader.slice(at, reader.offset) };
  };
  const prot = item();
  const unprot = item();
  const payload = item();
  const signature = item();
  reader.expectEnd();

  if (!(prot.value instanceof Uint8Array)) {
    malformed(what, `protected header must be a byte string, found ${describe(prot.value)}`);
  }
  if (!(unprot.value instanceof Map)) {
    malformed(what, `unprotected header must be a map, found ${describe(unprot.value)}`);
  }
  if (!(payload.value instanceof Uint8Array) && payload.value !== null) {
    malformed(what, `payload must be a byte string or nil, found ${describe(payload.value)}`);
  }
  if (!(signature.value instanceof Uint8Array)) {
    malformed(what, `signature must be a byte string, found ${describe(signature.value)}`);
  }

  const protectedHeader = decodeProtected(prot.value, what);
  for (const label of unprot.value.keys()) {
    if (protectedHeader.has(label)) {
      malformed(what, `label ${JSON.stringify(label)} is in both the protected and unprotected headers`);
    }
  }
  checkCritical(protectedHeader, what);
  return {
    tagged,
    protectedBytes: prot.value,
    protectedHeader,
    unprotectedHeader: unprot.value,
    payload: payload.value,
    signature: signature.value,
    raw: { protected: prot.raw, unprotected: unprot.raw, payload: payload.raw, signature: signature.raw },
  };
}

function decodeProtected(bytes: Uint8Array, what: string): HeaderMap {
  if (bytes.length === 0) return new Map();
  const reader = new CborReader(bytes);
  const value = reader.readItem();
  if (!(value instanceof Map)) malformed(what, `protected header must encode a map, found ${describe(value)}`);
  if (!reader.done) malformed(what, "protected header has trailing bytes after its map");
  return value;
}

function checkCritical(header: HeaderMap, what: string): void {
  const crit = header.get(HEADER.CRIT);
  if (crit === undefined) return;
  if (!Array.isArray(crit) || crit.length === 0) malformed(what, "crit must be a non-empty array of labels");
  for (const label of crit) {
    if (typeof label !== "number" && typeof label !== "string") {
      malformed(what, "crit must list integer or text labels");
    }
    if (!header.has(label)) malformed(what, `critical label ${JSON.stringify(label)} is not in the protected header`);
    if (!UNDERSTOOD_CRITICAL.has(label)) malformed(what, `critical label ${JSON.stringify(label)} is not understood`);
  }
}

/**
 * Builds the Sig_structure `["Signature1", protected, h'', payload]` from the verbatim protected bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { sigStructure } from "./sign1.ts";
 * const tbs = sigStructure(new Uint8Array([0xa1, 0x01, 0x26]), new Uint8Array([1]));
 * assert(tbs[0] === 0x84 && tbs.length === 1 + 11 + 4 + 1 + 2);
 * ```
 */
export function sigStructure(protectedBytes: Uint8Array, payload: Uint8Array): Uint8Array {
  return concat([
    new Uint8Array([0x84, 0x6a]),
    utf8("Signature1"),
    bstrHeader(protectedBytes.length),
    protectedBytes,
    new Uint8Array([0x40]),
    bstrHeader(payload.length),
    payload,
  ]);
}

/**
 * The algorithm named in the protected header (label 1); it is never taken from the unprotected header.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeCoseSign1, signatureAlgorithm } from "./sign1.ts";
 * const msg = decodeCoseSign1(new Uint8Array([0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0x40, 0x40]));
 * assert(signatureAlgorithm(msg).name === "ES256");
 * ```
 */
export function signatureAlgorithm(message: CoseSign1): CoseAlgorithm {
  const alg = message.protectedHeader.get(HEADER.ALG);
  if (alg === undefined) {
    throw new AuditError("COSE_MALFORMED", "Cannot verify COSE_Sign1: no algorithm (label 1) in the protected header");
  }
  return coseAlgorithm(alg);
}

/**
 * Verifies a COSE_Sign1 signature with a public key. The hash comes from the algorithm and, for ECDSA, the curve
 * from the key (a real trust list pairs ES384 with a P-256 key). A detached payload must be supplied.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeCoseSign1, verifyCoseSign1 } from "./sign1.ts";
 * import { publicKeyFromSpki } from "../crypto/public_key.ts";
 * const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: "P-256" }, true, ["sign", "verify"]) as CryptoKeyPair;
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const msg = decodeCoseSign1(new Uint8Array([0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0x40, 0x40]));
 * assert(await verifyCoseSign1(msg, key) === false);
 * ```
 */
export async function verifyCoseSign1(
  message: CoseSign1,
  key: PublicKey,
  detachedPayload?: Uint8Array,
): Promise<boolean> {
  const algorithm = signatureAlgorithm(message);
  const payload = message.payload ?? detachedPayload;
  if (payload === undefined) {
    throw new AuditError(
      "COSE_DETACHED_PAYLOAD_MISSING",
      "Cannot verify COSE_Sign1: the payload is detached and none was supplied",
    );
  }
  return await verifySignature(key, algorithm.scheme, sigStructure(message.protectedBytes, payload), message.signature);
}

/**
 * The tag-18 statement with its unprotected header emptied, `18([protected, {}, payload, signature])`, spliced
 * from the raw items as received (never re-encoded): the RFC 9943 registered form (spec: ccf-receipts §3).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeCoseSign1, strippedStatement } from "./sign1.ts";
 * // [h'', {4: h'01'}, h'', h''] without a tag
 * const message = decodeCoseSign1(new Uint8Array([0x84, 0x40, 0xa1, 0x04, 0x41, 0x01, 0x40, 0x40]));
 * assert(strippedStatement(message).join() === [0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40].join());
 * ```
 */
export function strippedStatement(message: CoseSign1): Uint8Array {
  return concat([
    new Uint8Array([0xd2, 0x84]),
    message.raw.protected,
    new Uint8Array([0xa0]),
    message.raw.payload,
    message.raw.signature,
  ]);
}
