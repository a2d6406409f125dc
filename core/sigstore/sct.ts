/**
 * Signed certificate timestamps embedded in a Fulcio certificate (RFC 6962 §3.2–§3.3): each SCT of the
 * precertificate must verify with a CT log key of the trusted root valid at the SCT's time.
 *
 * @module
 */

import { concat, equalBytes, toHex } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import { DER, derChildren, type DerNode, derOid, expectTag, readDer } from "../der.ts";
import { AuditError } from "../errors.ts";
import type { Certificate } from "../x509/certificate.ts";
import { failStep } from "./_fail.ts";
import { verifySigstoreSignature } from "./_signature.ts";
import { inRange, type LogAuthority } from "./trusted_root.ts";

/** The embedded SCT list extension. */
export const SCT_LIST_OID = "1.3.6.1.4.1.11129.2.4.2";

/** One parsed SCT. */
export interface Sct {
  /** The CT log id (SHA-256 of its key). */
  readonly logId: Uint8Array;
  /** The time the log promised inclusion. */
  readonly time: Date;
  /** The raw 8-byte timestamp (milliseconds). */
  readonly timestamp: Uint8Array;
  /** The SCT extensions (may be non-empty, as for static CT logs). */
  readonly extensions: Uint8Array;
  /** The TLS hash algorithm (4 = SHA-256). */
  readonly hashAlgorithm: number;
  /** The signature. */
  readonly signature: Uint8Array;
}

function bad(detail: string): never {
  return failStep("SIGSTORE_SCT_INVALID", "sct", detail);
}

function uint(bytes: Uint8Array, offset: number, length: number): number {
  if (offset + length > bytes.length) bad("the SCT list is truncated");
  let n = 0;
  for (let i = 0; i < length; i++) n = n * 256 + bytes[offset + i]!;
  return n;
}

/** Parses the TLS-encoded SignedCertificateTimestampList inside the extension's OCTET STRING. */
export function parseSctList(extensionValue: Uint8Array): Sct[] {
  let list: Uint8Array;
  try {
    list = expectTag(readDer(extensionValue), DER.OCTET_STRING, "SCT list").value;
  } catch {
    return bad("the SCT extension is not an OCTET STRING");
  }
  const total = uint(list, 0, 2);
  if (total !== list.length - 2) bad("the SCT list length does not match its contents");
  const scts: Sct[] = [];
  for (let at = 2; at < list.length;) {
    const length = uint(list, at, 2);
    const sct = list.subarray(at + 2, at + 2 + length);
    if (sct.length !== length) bad("an SCT is truncated");
    at += 2 + length;
    if (sct[0] !== 0) bad(`SCT version ${sct[0]} is not v1`);
    const extLength = uint(sct, 41, 2);
    const sigAt = 43 + extLength;
    const sigLength = uint(sct, sigAt + 2, 2);
    if (sigAt + 4 + sigLength !== sct.length) bad("an SCT has trailing or missing bytes");
    const timestamp = sct.subarray(33, 41);
    const ms = uint(sct, 33, 8);
    scts.push({
      logId: sct.subarray(1, 33),
      time: new Date(ms),
      timestamp,
      extensions: sct.subarray(43, sigAt),
      hashAlgorithm: sct[sigAt]!,
      signature: sct.subarray(sigAt + 4),
    });
  }
  return scts;
}

function header(tag: number, length: number): Uint8Array {
  if (length < 0x80) return new Uint8Array([tag, length]);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return new Uint8Array([tag, 0x80 | bytes.length, ...bytes]);
}

function tlv(tag: number, parts: readonly Uint8Array[]): Uint8Array {
  const content = concat(parts);
  return concat([header(tag, content.length), content]);
}

/** The precertificate's TBS: the certificate's tbsCertificate with the SCT list extension removed (RFC 6962 §3.2). */
export function precertificateTbs(certificate: Certificate): Uint8Array {
  const fields = derChildren(readDer(certificate.tbs));
  const rebuilt = fields.map((field: DerNode) => {
    if (field.tag !== 0xa3) return field.bytes;
    const [extensions] = derChildren(field);
    const kept = derChildren(extensions!).filter((extension) => derOid(derChildren(extension)[0]!) !== SCT_LIST_OID)
      .map((extension) => extension.bytes);
    return tlv(0xa3, [tlv(DER.SEQUENCE, kept)]);
  });
  return tlv(DER.SEQUENCE, rebuilt);
}

/** The issuer's DER SubjectPublicKeyInfo exactly as its certificate encodes it. */
function issuerSpki(issuer: Certificate): Uint8Array {
  const fields = derChildren(readDer(issuer.tbs));
  return fields[fields[0]?.tag === 0xa0 ? 6 : 5]!.bytes;
}

/**
 * Verifies every SCT embedded in the leaf with the CT logs of the trusted root; at least one is required. Returns
 * the verified SCTs' log ids (hex).
 */
export async function verifyScts(
  leaf: Certificate,
  issuer: Certificate,
  ctlogs: readonly LogAuthority[],
): Promise<string[]> {
  const extension = leaf.extensions.list.find((e) => e.oid === SCT_LIST_OID);
  if (!extension) bad("the certificate has no embedded SCT");
  const scts = parseSctList(extension.value);
  if (scts.length === 0) bad("the certificate's SCT list is empty");
  let tbs: Uint8Array;
  try {
    tbs = precertificateTbs(leaf);
  } catch (error) {
    if (error instanceof AuditError) return bad(`cannot rebuild the precertificate: ${error.message}`);
    throw error;
  }
  const issuerKeyHash = await sha256(issuerSpki(issuer));
  const verified: string[] = [];
  for (const sct of scts) {
    const length = tbs.length;
    const signed = concat([
      new Uint8Array([0, 0]),
      sct.timestamp,
      new Uint8Array([0, 1]),
      issuerKeyHash,
      new Uint8Array([(length >> 16) & 0xff, (length >> 8) & 0xff, length & 0xff]),
      tbs,
      new Uint8Array([(sct.extensions.length >> 8) & 0xff, sct.extensions.length & 0xff]),
      sct.extensions,
    ]);
    if (sct.hashAlgorithm !== 4) bad(`SCT hash algorithm ${sct.hashAlgorithm} is not SHA-256`);
    const logs = ctlogs.filter((log) => equalBytes(log.logId, sct.logId) && inRange(log.validFor, sct.time));
    let ok = false;
    for (const log of logs) {
      if (await verifySigstoreSignature(log.key, signed, sct.signature, "SHA-256")) {
        ok = true;
        break;
      }
    }
    if (!ok) {
      bad(
        logs.length === 0
          ? `no CT log of the trusted root with id ${toHex(sct.logId)} is valid at ${sct.time.toISOString()}`
          : `the SCT of CT log ${toHex(sct.logId)} does not verify`,
      );
    }
    verified.push(toHex(sct.logId));
  }
  return verified;
}
