/**
 * The few CBOR items a signed report's protected header holds, in preferred (shortest) encoding, RFC 8949 §4.2.1.
 * Map entries keep the caller's order, which the caller gives sorted.
 *
 * @module
 */

import { concat, utf8 } from "../bytes.ts";

/** A value of a protected header. */
export type HeaderValue = number | string | Uint8Array | ReadonlyMap<number, HeaderValue>;

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

/** Encodes one header value; integers must be safe integers. */
export function encodeHeaderValue(value: HeaderValue): Uint8Array {
  if (typeof value === "number") {
    if (!Number.isSafeInteger(value)) throw new RangeError(`Cannot encode CBOR: ${value} is not a safe integer`);
    return value >= 0 ? head(0, value) : head(1, -1 - value);
  }
  if (typeof value === "string") {
    const bytes = utf8(value);
    return concat([head(3, bytes.length), bytes]);
  }
  if (value instanceof Uint8Array) return concat([head(2, value.length), value]);
  const parts = [head(5, value.size)];
  for (const [k, v] of value) parts.push(encodeHeaderValue(k), encodeHeaderValue(v));
  return concat(parts);
}
