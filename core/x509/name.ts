/**
 * X.501 distinguished names (RFC 5280 §4.1.2.4): parsing, RFC 4514 text, and the comparison rules that
 * path building and name constraints use.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { DER, derChildren, type DerNode, derOid, expectTag, readDer } from "../der.ts";
import { derString, isStringTag, malformed } from "./_der_helpers.ts";

/** One attribute of a relative distinguished name. */
export interface NameAttribute {
  /** Dotted attribute type, e.g. `"2.5.4.3"` for CN. */
  readonly oid: string;
  /** The value as text; a value that is not a character string is `#` + hex of its DER (RFC 4514 §2.4). */
  readonly value: string;
  /** The ASN.1 tag of the value, e.g. 0x0c for UTF8String. */
  readonly tag: number;
}

/** A distinguished name: relative distinguished names in encoded order, and the DER they came from. */
export interface Name {
  /** The DER of the whole Name. */
  readonly der: Uint8Array;
  /** Each RDN is a set of one or more attributes (usually one). */
  readonly rdns: readonly (readonly NameAttribute[])[];
}

/** Short labels of the attribute types RFC 4514 §3 names. */
const LABELS: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "2.5.4.6": "C",
  "2.5.4.9": "STREET",
  "0.9.2342.19200300.100.1.25": "DC",
  "0.9.2342.19200300.100.1.1": "UID",
};

/**
 * Parses a DER Name (SEQUENCE OF SET OF AttributeTypeAndValue).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseName } from "./name.ts";
 * // SEQUENCE { SET { SEQUENCE { 2.5.4.3, UTF8String "a" } } }
 * const der = new Uint8Array([0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x61]);
 * assert(parseName(der).rdns[0]![0]!.value === "a");
 * ```
 */
export function parseName(der: Uint8Array): Name {
  const node = expectTag(readDer(der), DER.SEQUENCE, "Name");
  const rdns = derChildren(node).map((set) => {
    expectTag(set, DER.SET, "RelativeDistinguishedName");
    const attributes = derChildren(set).map(parseAttribute);
    if (attributes.length === 0) malformed("a RelativeDistinguishedName must not be empty");
    return attributes;
  });
  return { der, rdns };
}

function parseAttribute(pair: DerNode): NameAttribute {
  const [type, value, extra] = derChildren(expectTag(pair, DER.SEQUENCE, "AttributeTypeAndValue"));
  if (!value || extra) malformed("an AttributeTypeAndValue must hold exactly a type and a value");
  const oid = derOid(expectTag(type, DER.OID, "attribute type"));
  return { oid, value: isStringTag(value.tag) ? derString(value) : `#${toHex(value.bytes)}`, tag: value.tag };
}

/**
 * The RFC 4514 label of an attribute type (`CN`, `O`, ...), or its dotted OID.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { attributeLabel } from "./name.ts";
 * assert(attributeLabel("2.5.4.3") === "CN");
 * assert(attributeLabel("1.2.840.113549.1.9.1") === "1.2.840.113549.1.9.1");
 * ```
 */
export function attributeLabel(oid: string): string {
  return LABELS[oid] ?? oid;
}

/**
 * Formats a name as RFC 4514 text: last RDN first, special characters escaped.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { formatName, parseName } from "./name.ts";
 * const der = new Uint8Array([0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x61]);
 * assert(formatName(parseName(der)) === "CN=a");
 * ```
 */
export function formatName(name: Name): string {
  return name.rdns.toReversed().map((rdn) =>
    rdn.map((a) => `${attributeLabel(a.oid)}=${isStringTag(a.tag) ? escapeValue(a.value) : a.value}`).join("+")
  ).join(",");
}

function escapeValue(value: string): string {
  return value
    .replace(/[\\"+,;<>=]/g, (c) => `\\${c}`)
    .replace(/^[ #]/, (c) => `\\${c}`)
    .replace(/ $/, "\\ ")
    .replace(/\0/g, "\\00");
}

/** Comparison form of one attribute: type plus value, case-folded and with spaces squeezed (RFC 5280 §7.1). */
function canonicalAttribute(attribute: NameAttribute): string {
  const value = isStringTag(attribute.tag)
    ? attribute.value.trim().replace(/\s+/g, " ").toLowerCase()
    : attribute.value;
  return `${attribute.oid}=${value}`;
}

function canonicalRdn(rdn: readonly NameAttribute[]): string {
  return rdn.map(canonicalAttribute).sort().join("+");
}

/**
 * Whether two names are equal under RFC 5280 §7.1 (same RDNs in order; values compared case-insensitively
 * with insignificant spaces removed).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { namesEqual, parseName } from "./name.ts";
 * const a = parseName(new Uint8Array([0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x61]));
 * const b = parseName(new Uint8Array([0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x13, 0x01, 0x41]));
 * assert(namesEqual(a, b));
 * ```
 */
export function namesEqual(a: Name, b: Name): boolean {
  return equalBytes(a.der, b.der) || (a.rdns.length === b.rdns.length && nameHasPrefix(a, b));
}

/**
 * Whether `prefix`'s RDNs begin `name` (how a directoryName subtree contains a name, RFC 5280 §4.2.1.10).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { nameHasPrefix, parseName } from "./name.ts";
 * const empty = parseName(new Uint8Array([0x30, 0x00]));
 * const a = parseName(new Uint8Array([0x30, 0x0c, 0x31, 0x0a, 0x30, 0x08, 0x06, 0x03, 0x55, 0x04, 0x03, 0x0c, 0x01, 0x61]));
 * assert(nameHasPrefix(a, empty) && !nameHasPrefix(empty, a));
 * ```
 */
export function nameHasPrefix(name: Name, prefix: Name): boolean {
  if (prefix.rdns.length > name.rdns.length) return false;
  return prefix.rdns.every((rdn, i) => canonicalRdn(rdn) === canonicalRdn(name.rdns[i]!));
}
