/**
 * RFC 3161 timestamps (with RFC 5652 CMS SignedData): parsing a `TimeStampResp` or bare `TimeStampToken`, and
 * verifying it against the trusted root's timestamp authorities — message imprint over the bundle's signature,
 * signed attributes, signature by the TSA certificate the token names, and that certificate's chain, all at the
 * token's time.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { DER, derChildren, type DerNode, derOid, derSmallInt, expectTag, readDer } from "../der.ts";
import { digest, type HashName } from "../crypto/digest.ts";
import { AuditError } from "../errors.ts";
import { verifyChain } from "../x509/chain.ts";
import type { Certificate } from "../x509/certificate.ts";
import { parseSignatureAlgorithm } from "../x509/signature_algorithm.ts";
import { failStep } from "./_fail.ts";
import { verifySigstoreSignature } from "./_signature.ts";
import { type CertificateAuthority, inRange } from "./trusted_root.ts";

/** A parsed timestamp token. */
export interface TimestampToken {
  /** The time the authority asserts (TSTInfo genTime). */
  readonly time: Date;
  /** The message imprint: hash algorithm and value. */
  readonly imprint: { readonly hash: HashName; readonly value: Uint8Array };
  /** The signer: issuer name DER and serial number hex, or a subject key identifier. */
  readonly signer: { readonly issuer: Uint8Array; readonly serial: string } | { readonly keyId: Uint8Array };
  /** The DER of TSTInfo (the eContent). */
  readonly tstInfo: Uint8Array;
  /** The signed attributes re-tagged as a SET (the bytes the signature covers). */
  readonly signedAttributes: Uint8Array;
  /** The messageDigest attribute. */
  readonly messageDigest: Uint8Array;
  /** The digest algorithm of the signer info. */
  readonly digestHash: HashName;
  /** The hash the signature uses. */
  readonly signatureHash: HashName;
  /** The signature. */
  readonly signature: Uint8Array;
}

const OID = {
  signedData: "1.2.840.113549.1.7.2",
  tstInfo: "1.2.840.113549.1.9.16.1.4",
  contentType: "1.2.840.113549.1.9.3",
  messageDigest: "1.2.840.113549.1.9.4",
  timeStamping: "1.3.6.1.5.5.7.3.8",
} as const;

const HASH_OIDS: Readonly<Record<string, HashName>> = {
  "2.16.840.1.101.3.4.2.1": "SHA-256",
  "2.16.840.1.101.3.4.2.2": "SHA-384",
  "2.16.840.1.101.3.4.2.3": "SHA-512",
};

function malformed(detail: string): never {
  return failStep("SIGSTORE_TIMESTAMP_INVALID", "timestamp", `the RFC 3161 timestamp is malformed: ${detail}`);
}

function hashOf(node: DerNode | undefined, what: string): HashName {
  const [oid] = derChildren(expectTag(node, DER.SEQUENCE, what));
  const hash = HASH_OIDS[derOid(expectTag(oid, DER.OID, what))];
  if (!hash) malformed(`${what} is not SHA-256, SHA-384 or SHA-512`);
  return hash;
}

/** GeneralizedTime `YYYYMMDDHHMMSS[.fff]Z` (RFC 3161 §2.4.2 allows fractions). */
function generalizedTime(node: DerNode | undefined): Date {
  const text = String.fromCharCode(...expectTag(node, DER.GENERALIZED_TIME, "genTime").value);
  const m = text.match(/^(\d{4})(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(?:\.(\d{1,9}))?Z$/);
  if (!m) malformed(`genTime "${text}" is not a UTC GeneralizedTime`);
  const ms = Number((m[7] ?? "").padEnd(3, "0").slice(0, 3));
  const date = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!, +m[4]!, +m[5]!, +m[6]!, ms));
  if (Number.isNaN(date.getTime()) || date.getUTCDate() !== +m[3]!) malformed(`genTime "${text}" is not a valid date`);
  return date;
}

/**
 * Parses a timestamp as bundles carry it: a `TimeStampResp` (status granted) or a bare `TimeStampToken`.
 * Malformed tokens fail step `timestamp`.
 */
export function parseTimestamp(der: Uint8Array): TimestampToken {
  try {
    return parseToken(der);
  } catch (error) {
    if (error instanceof AuditError && (error.code === "DER_MALFORMED" || error.code === "X509_MALFORMED")) {
      malformed(error.message.replace(/^Cannot (decode DER|parse certificate): /, ""));
    }
    throw error;
  }
}

function parseToken(der: Uint8Array): TimestampToken {
  let top = derChildren(expectTag(readDer(der), DER.SEQUENCE, "TimeStampResp"));
  if (top[0]?.tag === DER.SEQUENCE) {
    const status = derSmallInt(expectTag(derChildren(top[0])[0], DER.INTEGER, "PKIStatus"));
    if (status !== 0 && status !== 1) malformed(`the response status is ${status}, not granted`);
    top = derChildren(expectTag(top[1], DER.SEQUENCE, "TimeStampToken"));
  }
  if (derOid(expectTag(top[0], DER.OID, "contentType")) !== OID.signedData) malformed("the token is not SignedData");
  const [signedDataNode] = derChildren(expectTag(top[1], 0xa0, "content"));
  const signedData = derChildren(expectTag(signedDataNode, DER.SEQUENCE, "SignedData"));
  const encap = derChildren(expectTag(signedData[2], DER.SEQUENCE, "encapContentInfo"));
  if (derOid(expectTag(encap[0], DER.OID, "eContentType")) !== OID.tstInfo) malformed("the content is not TSTInfo");
  const [eContent] = derChildren(expectTag(encap[1], 0xa0, "eContent"));
  const tstInfo = expectTag(eContent, DER.OCTET_STRING, "eContent").value;
  const signerInfos = derChildren(expectTag(signedData[signedData.length - 1], DER.SET, "signerInfos"));
  if (signerInfos.length !== 1) malformed(`the token has ${signerInfos.length} signer infos, expected 1`);
  const info = derChildren(expectTag(signerInfos[0], DER.SEQUENCE, "SignerInfo"));
  const sid = info[1]!;
  const signer = sid.tag === DER.SEQUENCE
    ? (() => {
      const [issuer, serial] = derChildren(sid);
      return {
        issuer: expectTag(issuer, DER.SEQUENCE, "issuer").bytes,
        serial: toHex(expectTag(serial, DER.INTEGER, "serialNumber").value),
      };
    })()
    : { keyId: expectTag(sid, 0x80, "subjectKeyIdentifier").value };
  const digestHash = hashOf(info[2], "digestAlgorithm");
  const attributes = expectTag(info[3], 0xa0, "signedAttrs");
  const signatureAlgorithm = expectTag(info[4], DER.SEQUENCE, "signatureAlgorithm");
  const signature = expectTag(info[5], DER.OCTET_STRING, "signature").value;
  const signedAttributes = new Uint8Array(attributes.bytes);
  signedAttributes[0] = DER.SET;
  let messageDigest: Uint8Array | undefined;
  let contentTypeOk = false;
  for (const attribute of derChildren(attributes)) {
    const [type, values] = derChildren(expectTag(attribute, DER.SEQUENCE, "Attribute"));
    const oid = derOid(expectTag(type, DER.OID, "attribute type"));
    const [value, extra] = derChildren(expectTag(values, DER.SET, "attribute values"));
    if (oid === OID.contentType) {
      contentTypeOk = !extra && derOid(expectTag(value, DER.OID, "contentType")) === OID.tstInfo;
    }
    if (oid === OID.messageDigest && !extra) messageDigest = expectTag(value, DER.OCTET_STRING, "messageDigest").value;
  }
  if (!contentTypeOk) malformed("the signed attributes do not give content type TSTInfo");
  if (!messageDigest) malformed("the signed attributes have no message digest");
  const algorithm = parseSignatureAlgorithm(signatureAlgorithm.bytes);
  const signatureHash = algorithm.scheme && "hash" in algorithm.scheme ? algorithm.scheme.hash : digestHash;
  const tst = derChildren(expectTag(readDer(tstInfo), DER.SEQUENCE, "TSTInfo"));
  const imprint = derChildren(expectTag(tst[2], DER.SEQUENCE, "messageImprint"));
  return {
    time: generalizedTime(tst[4]),
    imprint: {
      hash: hashOf(imprint[0], "hashAlgorithm"),
      value: expectTag(imprint[1], DER.OCTET_STRING, "hashedMessage").value,
    },
    signer,
    tstInfo,
    signedAttributes,
    messageDigest,
    digestHash,
    signatureHash,
    signature,
  };
}

function namesSigner(token: TimestampToken, certificate: Certificate): boolean {
  const signer = token.signer;
  if ("keyId" in signer) {
    return certificate.extensions.subjectKeyId !== undefined &&
      equalBytes(certificate.extensions.subjectKeyId, signer.keyId);
  }
  return equalBytes(certificate.issuer.der, signer.issuer) && certificate.serialNumber === signer.serial;
}

async function verifiedBy(token: TimestampToken, authority: CertificateAuthority): Promise<boolean> {
  const [leaf, ...rest] = authority.chain;
  if (!leaf || !namesSigner(token, leaf)) return false;
  const eku = leaf.extensions.extKeyUsage;
  if (eku && !eku.includes(OID.timeStamping)) return false;
  try {
    if (rest.length > 0) await verifyChain(authority.chain, { validAt: token.time });
    else if (token.time < leaf.notBefore || token.time > leaf.notAfter) return false;
  } catch {
    return false;
  }
  return await verifySigstoreSignature(leaf.publicKey, token.signedAttributes, token.signature, token.signatureHash);
}

/**
 * Verifies a timestamp over the bundle's signature bytes against the trusted timestamp authorities and returns the
 * time it proves. Fails step `timestamp` naming what did not hold.
 */
export async function verifyTimestamp(
  der: Uint8Array,
  signature: Uint8Array,
  authorities: readonly CertificateAuthority[],
): Promise<Date> {
  const token = parseTimestamp(der);
  const fail: (detail: string) => never = (detail) => failStep("SIGSTORE_TIMESTAMP_INVALID", "timestamp", detail);
  if (!equalBytes(await digest(token.imprint.hash, signature), token.imprint.value)) {
    fail("the timestamp's message imprint is not the hash of the bundle's signature");
  }
  if (!equalBytes(await digest(token.digestHash, token.tstInfo), token.messageDigest)) {
    fail("the timestamp's signed message digest does not match its TSTInfo");
  }
  const candidates = authorities.filter((authority) => inRange(authority.validFor, token.time));
  if (candidates.length === 0) {
    fail(`no timestamp authority of the trusted root is valid at ${token.time.toISOString()}`);
  }
  for (const authority of candidates) {
    if (await verifiedBy(token, authority)) return token.time;
  }
  return fail(
    `the timestamp of ${token.time.toISOString()} is not signed by a trusted timestamp authority valid at that time`,
  );
}
