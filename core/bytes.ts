/**
 * Byte helpers: hex and base64 codecs, concatenation, comparison and UTF-8.
 *
 * @module
 */

const HEX = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, "0"));

/**
 * Encodes bytes as lowercase hex.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { toHex } from "./bytes.ts";
 * assert(toHex(new Uint8Array([0, 255])) === "00ff");
 * ```
 */
export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const b of bytes) out += HEX[b];
  return out;
}

/**
 * Decodes hex (either case); throws a `SyntaxError` on odd length or a non-hex character.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { fromHex } from "./bytes.ts";
 * assert(fromHex("00FF")[1] === 255);
 * ```
 */
export function fromHex(text: string): Uint8Array {
  if (text.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(text)) {
    throw new SyntaxError(`Cannot decode hex: expected an even number of hex digits, found "${text.slice(0, 16)}"`);
  }
  const out = new Uint8Array(text.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(text.slice(i * 2, i * 2 + 2), 16);
  return out;
}

/**
 * Encodes bytes as standard base64 with padding.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { toBase64 } from "./bytes.ts";
 * assert(toBase64(new Uint8Array([1, 2, 3])) === "AQID");
 * ```
 */
export function toBase64(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary);
}

/**
 * Decodes base64 or base64url, with or without padding; throws a `SyntaxError` on other characters.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { fromBase64 } from "./bytes.ts";
 * assert(fromBase64("AQID")[2] === 3);
 * assert(fromBase64("_w")[0] === 255);
 * ```
 */
export function fromBase64(text: string): Uint8Array {
  const clean = text.replace(/\s+/g, "").replace(/-/g, "+").replace(/_/g, "/").replace(/=+$/, "");
  if (!/^[A-Za-z0-9+/]*$/.test(clean) || clean.length % 4 === 1) {
    throw new SyntaxError(`Cannot decode base64: invalid text "${text.slice(0, 16)}"`);
  }
  const binary = atob(clean + "=".repeat((4 - (clean.length % 4)) % 4));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

/**
 * Encodes bytes as base64url without padding.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { toBase64Url } from "./bytes.ts";
 * assert(toBase64Url(new Uint8Array([255])) === "_w");
 * ```
 */
export function toBase64Url(bytes: Uint8Array): string {
  return toBase64(bytes).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Concatenates byte arrays.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { concat } from "./bytes.ts";
 * assert(concat([new Uint8Array([1]), new Uint8Array([2])]).length === 2);
 * ```
 */
export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let length = 0;
  for (const p of parts) length += p.length;
  const out = new Uint8Array(length);
  let offset = 0;
  for (const p of parts) {
    out.set(p, offset);
    offset += p.length;
  }
  return out;
}

/**
 * Compares two byte arrays for equality.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { equalBytes } from "./bytes.ts";
 * assert(equalBytes(new Uint8Array([1]), new Uint8Array([1])));
 * ```
 */
export function equalBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

const encoder = new TextEncoder();
const strictDecoder = new TextDecoder("utf-8", { fatal: true });

/**
 * Encodes text as UTF-8.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { utf8 } from "./bytes.ts";
 * assert(utf8("a")[0] === 97);
 * ```
 */
export function utf8(text: string): Uint8Array {
  return encoder.encode(text);
}

/**
 * Decodes UTF-8 strictly; throws a `TypeError` on invalid sequences.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { fromUtf8 } from "./bytes.ts";
 * assert(fromUtf8(new Uint8Array([104, 105])) === "hi");
 * ```
 */
export function fromUtf8(bytes: Uint8Array): string {
  return strictDecoder.decode(bytes);
}

/**
 * Decodes 7-bit ASCII in JavaScript, or returns `undefined` when a byte is above 0x7f. For short strings this is
 * cheaper than the runtime's decoder, which is a call into the host.
 *
 * @example
 * ```ts
 * import { fromAscii } from "./bytes.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(fromAscii(new Uint8Array([104, 105])), "hi");
 * strictEqual(fromAscii(new Uint8Array([0xc3, 0xa9])), undefined);
 * ```
 */
export function fromAscii(bytes: Uint8Array): string | undefined {
  let text = "";
  for (let i = 0; i < bytes.length; i++) {
    const byte = bytes[i]!;
    if (byte > 0x7f) return undefined;
    text += String.fromCharCode(byte);
  }
  return text;
}
