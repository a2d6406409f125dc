/**
 * GeneralName (RFC 5280 §4.2.1.6), the name forms of subjectAltName and nameConstraints.
 *
 * @module
 */

import { DER, derChildren, type DerNode, expectTag, readDer } from "../der.ts";
import { ascii, malformed } from "./_der_helpers.ts";
import { type Name, parseName } from "./name.ts";

/** A GeneralName. Forms the project does not interpret keep their DER. */
export type GeneralName =
  | { readonly type: "email"; readonly value: string }
  | { readonly type: "dns"; readonly value: string }
  | { readonly type: "uri"; readonly value: string }
  | { readonly type: "dn"; readonly value: Name }
  | { readonly type: "ip"; readonly value: Uint8Array }
  | { readonly type: OpaqueForm; readonly der: Uint8Array };

/** GeneralName forms kept as DER without interpretation. */
export type OpaqueForm = "otherName" | "x400Address" | "ediPartyName" | "registeredID";

const OPAQUE_FORMS: ReadonlyMap<number, OpaqueForm> = new Map([
  [0xa0, "otherName"],
  [0xa3, "x400Address"],
  [0xa5, "ediPartyName"],
  [0x88, "registeredID"],
]);

/**
 * Parses one GeneralName from its context-tagged DER node.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseGeneralName } from "./general_name.ts";
 * import { readDer } from "../der.ts";
 * // [2] IMPLICIT IA5String "a.example"
 * const node = readDer(new Uint8Array([0x82, 0x09, ...new TextEncoder().encode("a.example")]));
 * assert(JSON.stringify(parseGeneralName(node)) === '{"type":"dns","value":"a.example"}');
 * ```
 */
export function parseGeneralName(node: DerNode): GeneralName {
  switch (node.tag) {
    case 0x81:
      return { type: "email", value: ascii(node.value) };
    case 0x82:
      return { type: "dns", value: ascii(node.value) };
    case 0x86:
      return { type: "uri", value: ascii(node.value) };
    case 0xa4: {
      const [inner, extra] = derChildren(node);
      if (!inner || extra) malformed("a directoryName must hold exactly one Name");
      return { type: "dn", value: parseName(inner.bytes) };
    }
    case 0x87:
      if (node.value.length !== 4 && node.value.length !== 16 && node.value.length !== 8 && node.value.length !== 32) {
        malformed(`an iPAddress must be 4, 8, 16 or 32 bytes, found ${node.value.length}`);
      }
      return { type: "ip", value: node.value };
    default: {
      const form = OPAQUE_FORMS.get(node.tag);
      if (!form) malformed(`tag 0x${node.tag.toString(16)} is not a GeneralName`);
      return { type: form, der: node.bytes };
    }
  }
}

/**
 * Parses a non-empty SEQUENCE OF GeneralName (the value of subjectAltName, or a list of subtrees' bases).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseGeneralNames } from "./general_name.ts";
 * const der = new Uint8Array([0x30, 0x03, 0x82, 0x01, 0x61]);
 * assert(parseGeneralNames(der)[0]!.type === "dns");
 * ```
 */
export function parseGeneralNames(der: Uint8Array): GeneralName[] {
  const names = derChildren(expectTag(readDer(der), DER.SEQUENCE, "GeneralNames")).map(parseGeneralName);
  if (names.length === 0) malformed("GeneralNames must not be empty");
  return names;
}
