/**
 * A strict, bounded DER reader: definite minimal lengths, no trailing bytes, spans kept.
 *
 * @module
 */

import { AuditError } from "./errors.ts";

/** One DER TLV with its position in the input. */
export interface DerNode {
  /** The identifier octet, e.g. 0x30 for SEQUENCE. */
  readonly tag: number;
  /** Whether the constructed bit (0x20) is set. */
  readonly constructed: boolean;
  /** The whole TLV, header included (a view into the input). */
  readonly bytes: Uint8Array;
  /** The content octets (a view into the input). */
  readonly value: Uint8Array;
}

/** Universal and common context tags. */
export const DER = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  SEQUENCE: 0x30,
  SET: 0x31,
} as const;

function malformed(detail: string): never {
  throw new AuditError("DER_MALFORMED", `Cannot decode DER: ${detail}`);
}

/** Reads the TLV that starts at `offset`; returns it and where the next one starts. */
function readAt(input: Uint8Array, offset: number): [DerNode, number] {
  if (offset + 2 > input.length) malformed(`truncated header at byte ${offset}`);
  const tag = input[offset]!;
  if ((tag & 0x1f) === 0x1f) malformed(`high tag numbers are not supported (byte ${offset})`);
  let length = input[offset + 1]!;
  let header = 2;
  if (length & 0x80) {
    const count = length & 0x7f;
    if (count === 0) malformed(`indefinite length at byte ${offset}`);
    if (count > 4) malformed(`length of ${count} bytes at byte ${offset}`);
    if (offset + 2 + count > input.length) malformed(`truncated length at byte ${offset}`);
    length = 0;
    for (let i = 0; i < count; i++) length = length * 256 + input[offset + 2 + i]!;
    if (length < 0x80 || input[offset + 2]! === 0) malformed(`non-minimal length at byte ${offset}`);
    header += count;
  }
  const end = offset + header + length;
  if (end > input.length) malformed(`length ${length} at byte ${offset} runs past the end of the input`);
  const node: DerNode = {
    tag,
    constructed: (tag & 0x20) !== 0,
    bytes: input.subarray(offset, end),
    value: input.subarray(offset + header, end),
  };
  return [node, end];
}

/**
 * Reads exactly one DER item; trailing bytes are an error.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { readDer } from "./der.ts";
 * const node = readDer(new Uint8Array([0x02, 0x01, 0x05]));
 * assert(node.tag === 0x02 && node.value[0] === 5);
 * ```
 */
export function readDer(input: Uint8Array): DerNode {
  const [node, end] = readAt(input, 0);
  if (end !== input.length) malformed(`${input.length - end} trailing bytes`);
  return node;
}

/**
 * Splits a constructed node into its children.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { readDer, derChildren } from "./der.ts";
 * const seq = readDer(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x07]));
 * assert(derChildren(seq).length === 1);
 * ```
 */
export function derChildren(node: DerNode): DerNode[] {
  if (!node.constructed) malformed(`tag 0x${node.tag.toString(16)} is not constructed`);
  const out: DerNode[] = [];
  let offset = 0;
  while (offset < node.value.length) {
    const [child, end] = readAt(node.value, offset);
    out.push(child);
    offset = end;
  }
  return out;
}

/**
 * Checks a node's tag and returns the node.
 *
 * @example
 * ```ts
 * import { expectTag, readDer, DER } from "./der.ts";
 * expectTag(readDer(new Uint8Array([0x05, 0x00])), DER.NULL, "parameters");
 * ```
 */
export function expectTag(node: DerNode | undefined, tag: number, what: string): DerNode {
  if (!node) malformed(`${what} is missing`);
  if (node.tag !== tag) malformed(`${what}: expected tag 0x${tag.toString(16)}, found 0x${node.tag.toString(16)}`);
  return node;
}

/**
 * Returns the magnitude of a non-negative INTEGER without leading zero bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { derUnsigned, readDer } from "./der.ts";
 * assert(derUnsigned(readDer(new Uint8Array([0x02, 0x02, 0x00, 0x80])))[0] === 0x80);
 * ```
 */
export function derUnsigned(node: DerNode): Uint8Array {
  expectTag(node, DER.INTEGER, "INTEGER");
  const v = node.value;
  if (v.length === 0) malformed("empty INTEGER");
  if (v.length > 1 && ((v[0] === 0 && (v[1]! & 0x80) === 0) || (v[0] === 0xff && (v[1]! & 0x80) !== 0))) {
    malformed("non-minimal INTEGER");
  }
  if (v[0]! & 0x80) malformed("negative INTEGER where a non-negative one is required");
  let i = 0;
  while (i < v.length - 1 && v[i] === 0) i++;
  return v.subarray(i);
}

/**
 * Returns a small non-negative INTEGER as a number.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { derSmallInt, readDer } from "./der.ts";
 * assert(derSmallInt(readDer(new Uint8Array([0x02, 0x01, 0x02]))) === 2);
 * ```
 */
export function derSmallInt(node: DerNode): number {
  const magnitude = derUnsigned(node);
  if (magnitude.length > 6) malformed("INTEGER too large");
  let n = 0;
  for (const b of magnitude) n = n * 256 + b;
  return n;
}

/**
 * Decodes an OBJECT IDENTIFIER to dotted text.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { derOid, readDer } from "./der.ts";
 * assert(derOid(readDer(new Uint8Array([0x06, 0x03, 0x55, 0x04, 0x03]))) === "2.5.4.3");
 * ```
 */
export function derOid(node: DerNode): string {
  expectTag(node, DER.OID, "OBJECT IDENTIFIER");
  const v = node.value;
  if (v.length === 0 || (v[v.length - 1]! & 0x80) !== 0) malformed("truncated OBJECT IDENTIFIER");
  const arcs: number[] = [];
  let value = 0;
  let started = false;
  for (const b of v) {
    if (!started && b === 0x80) malformed("non-minimal OBJECT IDENTIFIER arc");
    started = true;
    value = value * 128 + (b & 0x7f);
    if (value > Number.MAX_SAFE_INTEGER / 256) malformed("OBJECT IDENTIFIER arc too large");
    if ((b & 0x80) === 0) {
      if (arcs.length === 0) {
        const first = value < 40 ? 0 : value < 80 ? 1 : 2;
        arcs.push(first, value - first * 40);
      } else {
        arcs.push(value);
      }
      value = 0;
      started = false;
    }
  }
  return arcs.join(".");
}

/**
 * Returns the content of a BIT STRING that has no unused bits.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { derBitString, readDer } from "./der.ts";
 * assert(derBitString(readDer(new Uint8Array([0x03, 0x02, 0x00, 0xaa])))[0] === 0xaa);
 * ```
 */
export function derBitString(node: DerNode): Uint8Array {
  expectTag(node, DER.BIT_STRING, "BIT STRING");
  if (node.value.length === 0) malformed("empty BIT STRING");
  if (node.value[0] !== 0) malformed("BIT STRING with unused bits where whole bytes are required");
  return node.value.subarray(1);
}
