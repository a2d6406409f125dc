/**
 * X.509 v3 certificates (RFC 5280 §4.1): strict DER parsing into a typed {@linkcode Certificate}, from DER or
 * a PEM bundle. Parsing does no cryptography; see `chain.ts` for validation.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { DER, derBitString, derChildren, type DerNode, derSmallInt, expectTag, readDer } from "../der.ts";
import { AuditError } from "../errors.ts";
import { type PublicKey, publicKeyFromSpki } from "../crypto/public_key.ts";
import { derTime, malformed, within } from "./_der_helpers.ts";
import { certificatePemBlocks } from "./_pem.ts";
import { type CertificateExtensions, parseExtensions } from "./extensions.ts";
import { type Name, parseName } from "./name.ts";
import { parseSignatureAlgorithm, type SignatureAlgorithm } from "./signature_algorithm.ts";

/** A parsed certificate. Every field is read from `der`; nothing is re-encoded. */
export interface Certificate {
  /** The whole certificate, as received. */
  readonly der: Uint8Array;
  /** The DER of tbsCertificate: the bytes the issuer signed. */
  readonly tbs: Uint8Array;
  /** The X.509 version: 1, 2 or 3. */
  readonly version: 1 | 2 | 3;
  /** The serial number as lowercase hex of its encoded INTEGER content, e.g. `"3300000"`. */
  readonly serialNumber: string;
  /** The signature algorithm (the outer one; the copy inside tbsCertificate must be identical). */
  readonly signatureAlgorithm: SignatureAlgorithm;
  /** The signature bytes (DER `ECDSA-Sig-Value` for ECDSA). */
  readonly signature: Uint8Array;
  /** The issuer name. */
  readonly issuer: Name;
  /** The subject name. */
  readonly subject: Name;
  /** Start of the validity period. */
  readonly notBefore: Date;
  /** End of the validity period. */
  readonly notAfter: Date;
  /** The subject public key. */
  readonly publicKey: PublicKey;
  /** The extensions (an empty list for v1 and v2 certificates). */
  readonly extensions: CertificateExtensions;
}

/**
 * Parses one DER certificate. Malformed input is `AuditError` `X509_MALFORMED` naming the field, e.g.
 * `Cannot parse certificate: validity: expected tag 0x30, found 0x02`; a key type the project does not
 * support is `KEY_UNSUPPORTED`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseCertificate } from "./certificate.ts";
 * import { AuditError } from "../errors.ts";
 * try {
 *   parseCertificate(new Uint8Array([0x30, 0x03, 0x02, 0x01, 0x01]));
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "X509_MALFORMED");
 * }
 * ```
 */
export function parseCertificate(der: Uint8Array): Certificate {
  const [tbsNode, outerAlgorithm, signatureNode, extra] = within(
    "Certificate",
    () => derChildren(expectTag(readDer(der), DER.SEQUENCE, "Certificate")),
  );
  if (!signatureNode || extra) malformed("a Certificate must hold tbsCertificate, signatureAlgorithm and signature");
  const tbs = within("tbsCertificate", () => expectTag(tbsNode, DER.SEQUENCE, "tbsCertificate"));
  const fields = within("tbsCertificate", () => derChildren(tbs));
  let index = 0;
  const version = within("version", () => fields[0]?.tag === 0xa0 ? parseVersion(fields[index++]!.value) : 1);
  const serialNode = within("serialNumber", () => expectTag(fields[index++], DER.INTEGER, "serialNumber"));
  if (serialNode.value.length === 0) malformed("serialNumber: empty INTEGER");
  const innerAlgorithm = within("signature", () => expectTag(fields[index++], DER.SEQUENCE, "signature"));
  const issuer = within("issuer", () => parseName(expectTag(fields[index++], DER.SEQUENCE, "issuer").bytes));
  const [notBefore, notAfter] = within("validity", () => parseValidity(fields[index++]));
  const subject = within("subject", () => parseName(expectTag(fields[index++], DER.SEQUENCE, "subject").bytes));
  const spki = within("subjectPublicKeyInfo", () => expectTag(fields[index++], DER.SEQUENCE, "subjectPublicKeyInfo"));
  if (fields[index]?.tag === 0x81) index++;
  if (fields[index]?.tag === 0x82) index++;
  let extensions: CertificateExtensions = { list: [] };
  if (fields[index]?.tag === 0xa3) {
    if (version !== 3) malformed(`a version ${version} certificate must not carry extensions`);
    const [sequence, more] = within("extensions", () => derChildren(fields[index++]!));
    if (!sequence || more) malformed("extensions: [3] must hold exactly one SEQUENCE");
    extensions = within("extensions", () => parseExtensions(sequence.bytes));
  }
  if (index !== fields.length) malformed(`tbsCertificate has ${fields.length - index} unexpected trailing fields`);
  const algorithm = within("signatureAlgorithm", () => expectTag(outerAlgorithm, DER.SEQUENCE, "signatureAlgorithm"));
  if (!equalBytes(algorithm.bytes, innerAlgorithm.bytes)) {
    malformed("the signature algorithm inside tbsCertificate differs from the outer one");
  }
  return {
    der,
    tbs: tbs.bytes,
    version,
    serialNumber: toHex(serialNode.value),
    signatureAlgorithm: within("signatureAlgorithm", () => parseSignatureAlgorithm(algorithm.bytes)),
    signature: within("signature", () => derBitString(expectTag(signatureNode, DER.BIT_STRING, "signature"))),
    issuer,
    subject,
    notBefore,
    notAfter,
    publicKey: parsePublicKey(spki.bytes),
    extensions,
  };
}

function parseVersion(explicit: Uint8Array): 1 | 2 | 3 {
  const value = derSmallInt(readDer(explicit));
  if (value > 2) malformed(`version ${value + 1} is not 1, 2 or 3`);
  return (value + 1) as 1 | 2 | 3;
}

function parseValidity(node: DerNode | undefined): [Date, Date] {
  const [notBefore, notAfter, extra] = derChildren(expectTag(node, DER.SEQUENCE, "Validity"));
  if (!notBefore || !notAfter || extra) malformed("Validity must hold notBefore and notAfter");
  return [derTime(notBefore), derTime(notAfter)];
}

function parsePublicKey(spki: Uint8Array): PublicKey {
  try {
    return publicKeyFromSpki(spki);
  } catch (error) {
    if (error instanceof AuditError && (error.code === "KEY_MALFORMED" || error.code === "DER_MALFORMED")) {
      malformed(`subjectPublicKeyInfo: ${error.message.replace(/^Cannot (import public key|decode DER): /, "")}`);
    }
    throw error;
  }
}

/**
 * Parses certificates from a PEM bundle (one or more `CERTIFICATE` blocks, text between blocks ignored) or
 * from one DER certificate. Returns them in the order given.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseCertificates } from "./certificate.ts";
 * import { AuditError } from "../errors.ts";
 * try {
 *   parseCertificates(new TextEncoder().encode("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"));
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "X509_MALFORMED");
 * }
 * ```
 */
export function parseCertificates(data: Uint8Array): Certificate[] {
  if (data[0] === DER.SEQUENCE) return [parseCertificate(data)];
  return certificatePemBlocks(data, "CERTIFICATE").map((der, i) =>
    within(`PEM certificate ${i + 1}`, () => parseCertificate(der))
  );
}
