/**
 * A strict, bounded CBOR decoder (RFC 8949) that keeps byte spans, for COSE.
 *
 * Definite lengths only, no duplicate map keys, map keys are integers or text, nesting and
 * lengths bounded by the input, no trailing bytes. The {@linkcode CborReader} lets a caller walk
 * a structure item by item and take the raw bytes of each item, which is what signatures and
 * digests are computed over (never a re-encoding).
 *
 * @module
 */

import { fromAscii } from "./bytes.ts";
import { AuditError } from "./errors.ts";

/** A tagged item, e.g. tag 18 (COSE_Sign1) or tag 1 (epoch time). */
export class CborTag {
  /** Creates a tagged value. */
  constructor(readonly tag: number, readonly value: CborValue) {}
}

/** A map key: CBOR integers and text strings. */
export type CborKey = number | string;

/** A decoded CBOR value. Integers beyond 2^53 decode to `bigint`. */
export type CborValue =
  | number
  | bigint
  | string
  | boolean
  | null
  | undefined
  | Uint8Array
  | CborValue[]
  | Map<CborKey, CborValue>
  | CborTag;

/** Limits applied while decoding. */
export interface CborLimits {
  /** Deepest nesting of arrays, maps and tags. @default {16} */
  readonly maxDepth?: number;
}

const DEFAULT_MAX_DEPTH = 16;
const textDecoder = new TextDecoder("utf-8", { fatal: true });
/** Text up to this length is tried as ASCII first (labels, issuers, content types): see `fromAscii`. */
const SHORT_TEXT = 128;

/** The header of one item: major type and argument. */
export interface CborHeader {
  readonly major: number;
  readonly argument: number;
  readonly start: number;
}

/**
 * Walks CBOR bytes item by item.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { CborReader } from "./cbor.ts";
 * const reader = new CborReader(new Uint8Array([0x82, 0x01, 0x41, 0x07]));
 * reader.readHeader(4);
 * assert(reader.readItem() === 1);
 * const span = reader.readRaw();
 * assert(span.length === 2);
 * ```
 */
export class CborReader {
  /** Current position in the input. */
  offset = 0;
  readonly #input: Uint8Array;
  readonly #maxDepth: number;

  /** Creates a reader over the input. */
  constructor(input: Uint8Array, limits: CborLimits = {}) {
    this.#input = input;
    this.#maxDepth = limits.maxDepth ?? DEFAULT_MAX_DEPTH;
  }

  /** The bytes between two offsets. */
  slice(start: number, end: number): Uint8Array {
    return this.#input.subarray(start, end);
  }

  /** Whether all input was consumed. */
  get done(): boolean {
    return this.offset === this.#input.length;
  }

  /** Throws unless all input was consumed. */
  expectEnd(): void {
    if (!this.done) this.#fail(`${this.#input.length - this.offset} trailing bytes after the item`, this.offset);
  }

  #fail(detail: string, at: number): never {
    throw new AuditError("CBOR_MALFORMED", `Cannot decode CBOR: ${detail} at byte ${at}`);
  }

  #need(count: number, at: number): void {
    if (this.offset + count > this.#input.length) this.#fail("unexpected end of input", at);
  }

  /**
   * Reads one item header. With `expectMajor`, a header of another major type is an error.
   * Indefinite lengths are rejected.
   */
  readHeader(expectMajor?: number): CborHeader {
    const start = this.offset;
    this.#need(1, start);
    const initial = this.#input[this.offset++]!;
    const major = initial >> 5;
    const info = initial & 0x1f;
    if (expectMajor !== undefined && major !== expectMajor) {
      this.#fail(`expected ${MAJOR_NAMES[expectMajor]}, found ${MAJOR_NAMES[major]}`, start);
    }
    let argument: number;
    if (info < 24) {
      argument = info;
    } else if (info <= 27) {
      const size = 1 << (info - 24);
      this.#need(size, start);
      argument = 0;
      for (let i = 0; i < size; i++) argument = argument * 256 + this.#input[this.offset + i]!;
      if (major !== 7 && size === 8 && argument > Number.MAX_SAFE_INTEGER) {
        if (major === 0 || major === 1) {
          this.offset += size;
          return { major, argument: Number.NaN, start };
        }
        this.#fail("length beyond 2^53", start);
      }
      this.offset += size;
    } else if (info === 31) {
      return this.#fail("indefinite-length items are not accepted", start);
    } else {
      return this.#fail(`reserved additional information ${info}`, start);
    }
    return { major, argument, start };
  }

  /** Reads one complete item and returns its raw bytes. */
  readRaw(): Uint8Array {
    const start = this.offset;
    this.readItem();
    return this.slice(start, this.offset);
  }

  /** Reads one complete item and returns its value. */
  readItem(depth = 0): CborValue {
    if (depth > this.#maxDepth) {
      throw new AuditError(
        "CBOR_LIMIT_EXCEEDED",
        `Cannot decode CBOR: nesting deeper than ${this.#maxDepth} at byte ${this.offset}`,
      );
    }
    const header = this.readHeader();
    const { major, argument, start } = header;
    switch (major) {
      case 0:
        return Number.isNaN(argument) ? this.#bigArgument(start, false) : argument;
      case 1:
        return Number.isNaN(argument) ? this.#bigArgument(start, true) : -1 - argument;
      case 2:
      case 3: {
        this.#need(argument, start);
        const bytes = this.slice(this.offset, this.offset + argument);
        this.offset += argument;
        if (major === 2) return bytes;
        const ascii = bytes.length <= SHORT_TEXT ? fromAscii(bytes) : undefined;
        if (ascii !== undefined) return ascii;
        try {
          return textDecoder.decode(bytes);
        } catch {
          return this.#fail("text string is not valid UTF-8", start);
        }
      }
      case 4: {
        // Every item is at least one byte: a count beyond the remaining input cannot be honest.
        this.#need(argument, start);
        const items: CborValue[] = [];
        for (let i = 0; i < argument; i++) items.push(this.readItem(depth + 1));
        return items;
      }
      case 5: {
        this.#need(argument * 2, start);
        const map = new Map<CborKey, CborValue>();
        for (let i = 0; i < argument; i++) {
          const keyAt = this.offset;
          const key = this.readItem(depth + 1);
          if (typeof key !== "number" && typeof key !== "string") {
            this.#fail("map keys must be integers or text strings", keyAt);
          }
          if (map.has(key)) this.#fail(`duplicate map key ${JSON.stringify(key)}`, keyAt);
          map.set(key, this.readItem(depth + 1));
        }
        return map;
      }
      case 6:
        return new CborTag(argument, this.readItem(depth + 1));
      default:
        return this.#simple(header);
    }
  }

  #bigArgument(start: number, negative: boolean): bigint {
    const view = new DataView(this.#input.buffer, this.#input.byteOffset + start + 1, 8);
    const value = view.getBigUint64(0);
    return negative ? -1n - value : value;
  }

  #simple({ argument, start }: CborHeader): CborValue {
    const info = this.#input[start]! & 0x1f;
    if (info === 20) return false;
    if (info === 21) return true;
    if (info === 22) return null;
    if (info === 23) return undefined;
    const view = new DataView(this.#input.buffer, this.#input.byteOffset + start + 1);
    if (info === 25) return halfToNumber(argument);
    if (info === 26) return view.getFloat32(0);
    if (info === 27) return view.getFloat64(0);
    return this.#fail(`unsupported simple value ${argument}`, start);
  }
}

/** What each CBOR major type (0–7) is called in messages, e.g. `"a byte string"`. */
export const MAJOR_NAMES: readonly string[] = [
  "an unsigned integer",
  "a negative integer",
  "a byte string",
  "a text string",
  "an array",
  "a map",
  "a tag",
  "a simple value",
];

function halfToNumber(half: number): number {
  const exponent = (half >> 10) & 0x1f;
  const mantissa = half & 0x3ff;
  const sign = half & 0x8000 ? -1 : 1;
  if (exponent === 0) return sign * mantissa * 2 ** -24;
  if (exponent === 31) return mantissa ? Number.NaN : sign * Infinity;
  return sign * (1 + mantissa / 1024) * 2 ** (exponent - 15);
}

/**
 * Decodes exactly one CBOR item; trailing bytes are an error.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { decodeCbor } from "./cbor.ts";
 * const map = decodeCbor(new Uint8Array([0xa1, 0x63, 0x73, 0x76, 0x6e, 0x02])) as Map<string, number>;
 * assert(map.get("svn") === 2);
 * ```
 */
export function decodeCbor(input: Uint8Array, limits?: CborLimits): CborValue {
  const reader = new CborReader(input, limits);
  const value = reader.readItem();
  reader.expectEnd();
  return value;
}

/**
 * Encodes a byte string header for `length` bytes in shortest form (RFC 8949 §3).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { bstrHeader } from "./cbor.ts";
 * assert(bstrHeader(32)[0] === 0x58 && bstrHeader(32)[1] === 32);
 * ```
 */
export function bstrHeader(length: number): Uint8Array {
  if (length < 24) return new Uint8Array([0x40 | length]);
  if (length < 0x100) return new Uint8Array([0x58, length]);
  if (length < 0x10000) return new Uint8Array([0x59, length >> 8, length & 0xff]);
  return new Uint8Array([0x5a, length >>> 24, (length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]);
}
