import { concat } from "../bytes.ts";

/** Encodes one DER TLV with a definite, minimal length. */
export function tlv(tag: number, content: Uint8Array): Uint8Array {
  const n = content.length;
  let header: number[];
  if (n < 0x80) header = [tag, n];
  else if (n < 0x100) header = [tag, 0x81, n];
  else if (n < 0x10000) header = [tag, 0x82, n >> 8, n & 0xff];
  else header = [tag, 0x83, n >> 16, (n >> 8) & 0xff, n & 0xff];
  return concat([new Uint8Array(header), content]);
}

/** Encodes a non-negative big-endian magnitude as a DER INTEGER. */
export function unsignedInteger(magnitude: Uint8Array): Uint8Array {
  let i = 0;
  while (i < magnitude.length - 1 && magnitude[i] === 0) i++;
  const trimmed = magnitude.subarray(i);
  const body = trimmed[0]! & 0x80 ? concat([new Uint8Array([0]), trimmed]) : trimmed;
  return tlv(0x02, body);
}
