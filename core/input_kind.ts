/**
 * Names what a file looks like when it is not the binary form expected (JSON, PEM, ZIP, gzip, a JWT), so a
 * message can say "this is JSON text, not CBOR" instead of a decoder's byte-level complaint.
 *
 * @module
 */

/**
 * What the bytes look like when they are clearly not CBOR / COSE, or `undefined` when they may be CBOR.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { lookOfNonCbor } from "./input_kind.ts";
 * assert(lookOfNonCbor(new TextEncoder().encode('{"keys": []}')) === "JSON text");
 * assert(lookOfNonCbor(new Uint8Array([0xd2, 0x84])) === undefined);
 * ```
 */
export function lookOfNonCbor(bytes: Uint8Array): string | undefined {
  const b0 = bytes[0]!;
  if (b0 === 0x50 && bytes[1] === 0x4b && (bytes[2] === 0x03 || bytes[2] === 0x05) && bytes[3] === bytes[2]! + 1) {
    return "a ZIP archive";
  }
  if (b0 === 0x1f && bytes[1] === 0x8b) return "a gzip file";
  const head = printableHead(bytes);
  if (head === undefined) return undefined;
  const text = head.replace(/^\uFEFF/, "").trimStart();
  if (text.startsWith("-----BEGIN ")) {
    const label = /^-----BEGIN ([A-Z0-9 ]{1,40})-----/.exec(text)?.[1];
    return label ? `PEM text (${label})` : "PEM text";
  }
  if (/^[{[]/.test(text)) return "JSON text";
  if (/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\s*$/.test(text)) return "a JWT (text)";
  return undefined;
}

/** The first 512 bytes as text when they are printable ASCII / UTF-8 text; `undefined` for binary data. */
function printableHead(bytes: Uint8Array): string | undefined {
  const head = bytes.subarray(0, 512);
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(head);
  } catch (error) {
    // A multi-byte character cut at byte 512 is still text.
    if (bytes.length <= 512) return undefined;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(head.subarray(0, 508));
    } catch {
      void error;
      return undefined;
    }
  }
  return /^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(text) ? text : undefined;
}
