/**
 * Certificate extensions (RFC 5280 §4.2): the list as encoded, and the ones path validation and did:x509
 * interpret — basic constraints, key usage, extended key usage, subject alternative names, name constraints,
 * key identifiers and the Fulcio issuer (v1).
 *
 * @module
 */

import { fromUtf8 } from "../bytes.ts";
import { DER, derChildren, type DerNode, derOid, derSmallInt, expectTag, readDer } from "../der.ts";
import { bitStringBits, derBoolean, malformed, within } from "./_der_helpers.ts";
import { type GeneralName, parseGeneralName, parseGeneralNames } from "./general_name.ts";

/** Object identifiers of the extensions the project knows. */
export const EXTENSION_OID = {
  subjectKeyIdentifier: "2.5.29.14",
  keyUsage: "2.5.29.15",
  subjectAltName: "2.5.29.17",
  basicConstraints: "2.5.29.19",
  nameConstraints: "2.5.29.30",
  certificatePolicies: "2.5.29.32",
  policyMappings: "2.5.29.33",
  authorityKeyIdentifier: "2.5.29.35",
  policyConstraints: "2.5.29.36",
  extKeyUsage: "2.5.29.37",
  inhibitAnyPolicy: "2.5.29.54",
  /** Sigstore Fulcio OIDC issuer (v1): the raw UTF-8 issuer URL as the extension value. */
  fulcioIssuer: "1.3.6.1.4.1.57264.1.1",
} as const;

/** One extension as encoded. */
export interface Extension {
  /** Dotted extension identifier, e.g. `"2.5.29.19"`. */
  readonly oid: string;
  /** Whether the extension is marked critical. */
  readonly critical: boolean;
  /** The content of the extnValue OCTET STRING. */
  readonly value: Uint8Array;
}

/** The named bits of keyUsage (RFC 5280 §4.2.1.3), in bit order. */
export type KeyUsageFlag =
  | "digitalSignature"
  | "nonRepudiation"
  | "keyEncipherment"
  | "dataEncipherment"
  | "keyAgreement"
  | "keyCertSign"
  | "cRLSign"
  | "encipherOnly"
  | "decipherOnly";

const KEY_USAGE_BITS: readonly KeyUsageFlag[] = [
  "digitalSignature",
  "nonRepudiation",
  "keyEncipherment",
  "dataEncipherment",
  "keyAgreement",
  "keyCertSign",
  "cRLSign",
  "encipherOnly",
  "decipherOnly",
];

/** The basicConstraints extension (RFC 5280 §4.2.1.9). */
export interface BasicConstraints {
  /** Whether the subject is a CA. */
  readonly ca: boolean;
  /** The most non-self-issued intermediate certificates that may follow this one; absent means no limit. */
  readonly pathLength?: number;
}

/** The nameConstraints extension (RFC 5280 §4.2.1.10): the base of each permitted and excluded subtree. */
export interface NameConstraints {
  /** Subtrees names must fall in (per name form that has any). */
  readonly permitted: readonly GeneralName[];
  /** Subtrees no name may fall in. */
  readonly excluded: readonly GeneralName[];
}

/** A certificate's extensions: every one as encoded, and the interpreted ones. */
export interface CertificateExtensions {
  /** Every extension, in encoded order. */
  readonly list: readonly Extension[];
  /** basicConstraints, when present. */
  readonly basicConstraints?: BasicConstraints;
  /** The keyUsage bits that are set, when the extension is present. */
  readonly keyUsage?: readonly KeyUsageFlag[];
  /** extKeyUsage purposes as dotted OIDs, e.g. `["1.3.6.1.5.5.7.3.3"]`. */
  readonly extKeyUsage?: readonly string[];
  /** subjectAltName entries. */
  readonly subjectAltNames?: readonly GeneralName[];
  /** nameConstraints, when present. */
  readonly nameConstraints?: NameConstraints;
  /** subjectKeyIdentifier. */
  readonly subjectKeyId?: Uint8Array;
  /** The keyIdentifier of authorityKeyIdentifier. */
  readonly authorityKeyId?: Uint8Array;
  /** The Fulcio issuer URL, e.g. `"https://accounts.google.com"`. */
  readonly fulcioIssuer?: string;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/**
 * Parses the Extensions SEQUENCE of a certificate (the content of its `[3]` field). A repeated extension, or
 * an interpreted one whose value is malformed, is `X509_MALFORMED`; unknown extensions are kept as bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseExtensions } from "./extensions.ts";
 * // SEQUENCE { SEQUENCE { 2.5.29.19, TRUE, OCTET STRING { SEQUENCE { TRUE } } } }
 * const der = new Uint8Array([
 *   0x30, 0x11, 0x30, 0x0f, 0x06, 0x03, 0x55, 0x1d, 0x13, 0x01, 0x01, 0xff,
 *   0x04, 0x05, 0x30, 0x03, 0x01, 0x01, 0xff,
 * ]);
 * const extensions = parseExtensions(der);
 * assert(extensions.basicConstraints?.ca === true && extensions.list[0]!.critical);
 * ```
 */
export function parseExtensions(der: Uint8Array): CertificateExtensions {
  const list = derChildren(expectTag(readDer(der), DER.SEQUENCE, "Extensions")).map(parseExtension);
  const out: Mutable<CertificateExtensions> = { list };
  const seen = new Set<string>();
  for (const extension of list) {
    if (seen.has(extension.oid)) malformed(`extension ${extension.oid} appears more than once`);
    seen.add(extension.oid);
    interpret(out, extension);
  }
  return out;
}

function parseExtension(node: DerNode): Extension {
  const items = derChildren(expectTag(node, DER.SEQUENCE, "Extension"));
  const oid = derOid(expectTag(items[0], DER.OID, "extnID"));
  const hasCritical = items.length === 3;
  if (items.length !== 2 && !hasCritical) malformed(`extension ${oid} must have 2 or 3 fields, found ${items.length}`);
  const critical = hasCritical ? derBoolean(items[1]!) : false;
  const value = expectTag(items[hasCritical ? 2 : 1], DER.OCTET_STRING, "extnValue").value;
  return { oid, critical, value };
}

function interpret(out: Mutable<CertificateExtensions>, extension: Extension): void {
  const { oid, value } = extension;
  switch (oid) {
    case EXTENSION_OID.basicConstraints:
      out.basicConstraints = within("basicConstraints", () => parseBasicConstraints(value));
      break;
    case EXTENSION_OID.keyUsage:
      out.keyUsage = within("keyUsage", () => parseKeyUsage(value));
      break;
    case EXTENSION_OID.extKeyUsage:
      out.extKeyUsage = within("extKeyUsage", () => parseExtKeyUsage(value));
      break;
    case EXTENSION_OID.subjectAltName:
      out.subjectAltNames = within("subjectAltName", () => parseGeneralNames(value));
      break;
    case EXTENSION_OID.nameConstraints:
      out.nameConstraints = within("nameConstraints", () => parseNameConstraints(value));
      break;
    case EXTENSION_OID.subjectKeyIdentifier:
      out.subjectKeyId = within(
        "subjectKeyIdentifier",
        () => expectTag(readDer(value), DER.OCTET_STRING, "keyId").value,
      );
      break;
    case EXTENSION_OID.authorityKeyIdentifier: {
      const keyId = within("authorityKeyIdentifier", () => parseAuthorityKeyId(value));
      if (keyId) out.authorityKeyId = keyId;
      break;
    }
    case EXTENSION_OID.fulcioIssuer:
      out.fulcioIssuer = within("Fulcio issuer", () => {
        try {
          return fromUtf8(value);
        } catch {
          return malformed("the value is not UTF-8");
        }
      });
      break;
  }
}

function parseBasicConstraints(value: Uint8Array): BasicConstraints {
  const items = derChildren(expectTag(readDer(value), DER.SEQUENCE, "BasicConstraints"));
  let index = 0;
  let ca = false;
  if (items[index]?.tag === DER.BOOLEAN) ca = derBoolean(items[index++]!);
  const pathNode = items[index];
  if (pathNode && index + 1 !== items.length) malformed("unexpected fields after pathLenConstraint");
  if (!pathNode && index !== items.length) malformed("unexpected fields");
  return pathNode ? { ca, pathLength: derSmallInt(expectTag(pathNode, DER.INTEGER, "pathLenConstraint")) } : { ca };
}

function parseKeyUsage(value: Uint8Array): KeyUsageFlag[] {
  const bits = bitStringBits(readDer(value));
  return KEY_USAGE_BITS.filter((_, i) => bits[i] === true);
}

function parseExtKeyUsage(value: Uint8Array): string[] {
  const purposes = derChildren(expectTag(readDer(value), DER.SEQUENCE, "ExtKeyUsageSyntax")).map(derOid);
  if (purposes.length === 0) malformed("no key purpose");
  return purposes;
}

function parseNameConstraints(value: Uint8Array): NameConstraints {
  let permitted: GeneralName[] = [];
  let excluded: GeneralName[] = [];
  for (const field of derChildren(expectTag(readDer(value), DER.SEQUENCE, "NameConstraints"))) {
    if (field.tag === 0xa0 && permitted.length === 0 && excluded.length === 0) permitted = parseSubtrees(field);
    else if (field.tag === 0xa1 && excluded.length === 0) excluded = parseSubtrees(field);
    else malformed(`unexpected field with tag 0x${field.tag.toString(16)}`);
  }
  return { permitted, excluded };
}

/** GeneralSubtrees; RFC 5280 §4.2.1.10 requires minimum 0 and no maximum, so anything else is rejected. */
function parseSubtrees(field: DerNode): GeneralName[] {
  const subtrees = derChildren(field).map((subtree) => {
    const [base, ...bounds] = derChildren(expectTag(subtree, DER.SEQUENCE, "GeneralSubtree"));
    if (!base) malformed("a GeneralSubtree has no base");
    if (bounds.length > 0) malformed("subtree minimum and maximum are not supported (RFC 5280 §4.2.1.10)");
    return parseGeneralName(base);
  });
  if (subtrees.length === 0) malformed("GeneralSubtrees must not be empty");
  return subtrees;
}

function parseAuthorityKeyId(value: Uint8Array): Uint8Array | undefined {
  const first = derChildren(expectTag(readDer(value), DER.SEQUENCE, "AuthorityKeyIdentifier"))[0];
  return first?.tag === 0x80 ? first.value : undefined;
}
