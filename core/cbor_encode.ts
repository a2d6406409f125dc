/**
 * CBOR encoding in the preferred (shortest) form of RFC 8949 §4.2.1: definite lengths, the shortest head for every
 * argument, no floats. Map entries keep the caller's order, so the caller decides key order (COSE headers are
 * written as they must be signed). The one encoder of the project: reports, fixtures and test servers use it.
 *
 * @module
 */

import { concat, utf8 } from "./bytes.ts";
import { CborTag } from "./cbor.ts";

/** A value the encoder accepts. */
export type CborInput =
  | number
  | string
  | boolean
  | null
  | Uint8Array
  | CborTag
  | readonly CborInput[]
  | ReadonlyMap<number | string, CborInput>;

function head(major: number, argument: number): Uint8Array {
  if (argument < 24) return new Uint8Array([(major << 5) | argument]);
  if (argument < 0x100) return new Uint8Array([(major << 5) | 24, argument]);
  if (argument < 0x10000) return new Uint8Array([(major << 5) | 25, argument >> 8, argument & 0xff]);
  if (argument < 0x100000000) {
    const out = new Uint8Array(5);
    out[0] = (major << 5) | 26;
    new DataView(out.buffer).setUint32(1, argument);
    return out;
  }
  const out = new Uint8Array(9);
  out[0] = (major << 5) | 27;
  new DataView(out.buffer).setBigUint64(1, BigInt(argument));
  return out;
}

function encodeInto(value: CborInput, parts: Uint8Array[], depth: number): void {
  if (depth > 64) throw new RangeError("Cannot encode CBOR: nesting deeper than 64");
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`Cannot encode CBOR: ${value} is not a safe integer`);
    parts.push(value >= 0 ? head(0, value) : head(1, -1 - value));
  } else if (typeof value === "string") {
    const bytes = utf8(value);
    parts.push(head(3, bytes.length), bytes);
  } else if (typeof value === "boolean") parts.push(new Uint8Array([value ? 0xf5 : 0xf4]));
  else if (value === null) parts.push(new Uint8Array([0xf6]));
  else if (value instanceof Uint8Array) parts.push(head(2, value.length), value);
  else if (value instanceof CborTag) {
    parts.push(head(6, value.tag));
    encodeInto(value.value as CborInput, parts, depth + 1);
  } else if (value instanceof Map) {
    parts.push(head(5, value.size));
    for (const [k, v] of value) {
      encodeInto(k, parts, depth + 1);
      encodeInto(v, parts, depth + 1);
    }
  } else if (Array.isArray(value)) {
    parts.push(head(4, value.length));
    for (const item of value) encodeInto(item, parts, depth + 1);
  } else throw new TypeError(`Cannot encode CBOR: unsupported value of type ${typeof value}`);
}

/**
 * Encodes one value.
 *
 * @example
 * ```ts
 * import { encodeCbor } from "./cbor_encode.ts";
 * import { CborTag } from "./cbor.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * deepStrictEqual(encodeCbor(new Map([[1, -35]])), new Uint8Array([0xa1, 0x01, 0x38, 0x22]));
 * deepStrictEqual(encodeCbor(new CborTag(1, 0)), new Uint8Array([0xc1, 0x00]));
 * ```
 */
export function encodeCbor(value: CborInput): Uint8Array {
  const parts: Uint8Array[] = [];
  encodeInto(value, parts, 0);
  return concat(parts);
}
