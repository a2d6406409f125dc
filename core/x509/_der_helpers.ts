/**
 * DER readers the X.509 parser needs beyond `core/der.ts`: bit strings with unused bits, times, booleans,
 * character strings, and a wrapper that turns DER errors into certificate errors with context.
 *
 * @module
 */

import { fromAscii, fromUtf8 } from "../bytes.ts";
import { DER, type DerNode, expectTag } from "../der.ts";
import { AuditError } from "../errors.ts";

/** Throws the certificate error for malformed content. */
export function malformed(detail: string): never {
  throw new AuditError("X509_MALFORMED", `Cannot parse certificate: ${detail}`);
}

/**
 * Runs a parsing step; a DER error inside it becomes `X509_MALFORMED` naming the field, so
 * messages read `Cannot parse certificate: validity: expected tag 0x30, found 0x02`.
 */
export function within<T>(what: string, step: () => T): T {
  try {
    return step();
  } catch (error) {
    if (error instanceof AuditError && error.code === "DER_MALFORMED") {
      throw new AuditError(
        "X509_MALFORMED",
        `Cannot parse certificate: ${what}: ${error.message.replace(/^Cannot decode DER: /, "")}`,
        { cause: error },
      );
    }
    if (error instanceof AuditError && error.code === "X509_MALFORMED") {
      throw new AuditError(
        "X509_MALFORMED",
        error.message.replace(/^Cannot parse certificate: /, `Cannot parse certificate: ${what}: `),
        { cause: error },
      );
    }
    throw error;
  }
}

/** Named bits of a BIT STRING: bit 0 is the most significant bit of the first content byte. */
export function bitStringBits(node: DerNode): boolean[] {
  expectTag(node, DER.BIT_STRING, "BIT STRING");
  const unused = node.value[0];
  if (unused === undefined) malformed("empty BIT STRING");
  if (unused > 7 || (unused > 0 && node.value.length === 1)) malformed(`BIT STRING with ${unused} unused bits`);
  const bytes = node.value.subarray(1);
  const bits: boolean[] = [];
  for (let i = 0; i < bytes.length * 8 - unused; i++) bits.push((bytes[i >> 3]! & (0x80 >> (i & 7))) !== 0);
  return bits;
}

/** A DER BOOLEAN; explicit FALSE is accepted because real certificates carry it. */
export function derBoolean(node: DerNode): boolean {
  expectTag(node, DER.BOOLEAN, "BOOLEAN");
  if (node.value.length !== 1 || (node.value[0] !== 0x00 && node.value[0] !== 0xff)) {
    malformed("BOOLEAN must be one byte, 0x00 or 0xff");
  }
  return node.value[0] === 0xff;
}

/** A UTCTime (`YYMMDDHHMMSSZ`) or GeneralizedTime (`YYYYMMDDHHMMSSZ`), the only forms RFC 5280 §4.1.2.5 allows. */
export function derTime(node: DerNode): Date {
  const text = ascii(node.value);
  let match: RegExpMatchArray | null;
  let year: number;
  if (node.tag === DER.UTC_TIME && (match = text.match(/^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/))) {
    const yy = Number(match[1]);
    year = yy >= 50 ? 1900 + yy : 2000 + yy;
  } else if (node.tag === DER.GENERALIZED_TIME && (match = text.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)Z$/))) {
    year = Number(match[1]);
  } else {
    return malformed(`time "${text}" is not a UTCTime or GeneralizedTime in the RFC 5280 form`);
  }
  const [month, day, hour, minute, second] = match.slice(2).map(Number) as [number, number, number, number, number];
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  if (
    date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day ||
    hour > 23 || minute > 59 || second > 59
  ) {
    malformed(`time "${text}" is not a valid date`);
  }
  return date;
}

const STRING_TAGS = new Set([0x0c, 0x12, 0x13, 0x14, 0x16, 0x1a, 0x1c, 0x1e]);

/** Whether a tag is one of the ASN.1 character string types used in names. */
export function isStringTag(tag: number): boolean {
  return STRING_TAGS.has(tag);
}

/**
 * Decodes an ASN.1 character string to text: UTF8String, PrintableString, IA5String, NumericString,
 * VisibleString, TeletexString (read as Latin-1), BMPString (UTF-16BE), UniversalString (UTF-32BE).
 */
export function derString(node: DerNode): string {
  const v = node.value;
  switch (node.tag) {
    case 0x0c:
      try {
        return fromUtf8(v);
      } catch {
        return malformed("UTF8String is not valid UTF-8");
      }
    case 0x12:
    case 0x13:
    case 0x16:
    case 0x1a:
      return ascii(v);
    case 0x14:
      return fromCodePoints(v);
    case 0x1e:
      if (v.length % 2 !== 0) malformed("BMPString has an odd length");
      return fromCodePoints(Array.from({ length: v.length / 2 }, (_, i) => (v[2 * i]! << 8) | v[2 * i + 1]!));
    case 0x1c: {
      if (v.length % 4 !== 0) malformed("UniversalString length is not a multiple of 4");
      const view = new DataView(v.buffer, v.byteOffset, v.byteLength);
      const points = Array.from({ length: v.length / 4 }, (_, i) => view.getUint32(4 * i));
      if (points.some((p) => p > 0x10ffff)) malformed("UniversalString holds a value above U+10FFFF");
      return fromCodePoints(points);
    }
    default:
      return malformed(`tag 0x${node.tag.toString(16)} is not a character string`);
  }
}

/** Decodes bytes that must be 7-bit ASCII (IA5String and friends). */
export function ascii(bytes: Uint8Array): string {
  return fromAscii(bytes) ?? malformed("a 7-bit ASCII string holds a byte above 0x7f");
}

function fromCodePoints(points: ArrayLike<number>): string {
  let text = "";
  for (let i = 0; i < points.length; i++) text += String.fromCodePoint(points[i]!);
  return text;
}
