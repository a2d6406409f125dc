/**
 * A readable description of any COSE_Sign1: a signed or transparent statement, or a receipt, with named
 * labels, decoded claims, certificate subjects, embedded receipts and their inclusion proofs. JSON-ready.
 *
 * @module
 */

import { type CborKey, CborTag, type CborValue } from "../cbor.ts";
import { fromUtf8, toHex } from "../bytes.ts";
import { AuditError } from "../errors.ts";
import { parseCertificate } from "../x509/certificate.ts";
import { formatName } from "../x509/name.ts";
import { decodeCcfProof } from "../receipts/ccf.ts";
import { algorithmName } from "./algorithms.ts";
import { epochSeconds } from "./claims.ts";
import { kidText } from "./key.ts";
import { HEADER } from "./labels.ts";
import { type CoseSign1, decodeCoseSign1 } from "./sign1.ts";
import { formatEpochSeconds } from "../time.ts";

/** A JSON value. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** What a COSE_Sign1 is, judged from its headers. */
export type CoseKind = "transparent statement" | "signed statement" | "receipt" | "COSE_Sign1";

/** The description of one COSE_Sign1. */
export interface CoseDescription {
  readonly kind: CoseKind;
  readonly tagged: boolean;
  readonly protected: { [label: string]: Json };
  readonly unprotected: { [label: string]: Json };
  readonly payload: {
    readonly detached: boolean;
    readonly length: number;
    readonly text?: string;
    readonly hex?: string;
  };
  readonly signature: string;
  readonly receipts?: (CoseDescription | { readonly index: number; readonly error: string })[];
}

const HEADER_NAMES: Readonly<Record<string, string>> = {
  1: "alg",
  2: "crit",
  3: "content type",
  4: "kid",
  15: "CWT claims",
  33: "x5chain",
  34: "x5t",
  258: "payload hash alg",
  259: "preimage content type",
  260: "payload location",
  394: "receipts",
  395: "vds",
  396: "vdp",
};
const CLAIM_NAMES: Readonly<Record<string, string>> = { 1: "iss", 2: "sub", 4: "exp", 5: "nbf", 6: "iat", 8: "cnf" };
const VDS_NAMES: Readonly<Record<number, string>> = { 1: "RFC9162_SHA256", 2: "CCF_LEDGER_SHA256", 3: "MMR" };

function label(key: CborKey, names: Readonly<Record<string, string>>): string {
  const name = typeof key === "number" ? names[String(key)] : undefined;
  return name ? `${key} (${name})` : String(key);
}

/**
 * Converts a CBOR value to JSON: byte strings as hex, tags as `{tag, value}`, maps as objects.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { cborToJson } from "./describe.ts";
 * assert(cborToJson(new Uint8Array([1, 2])) === "0102");
 * ```
 */
export function cborToJson(value: CborValue): Json {
  if (value instanceof Uint8Array) return toHex(value);
  if (value instanceof CborTag) return { tag: value.tag, value: cborToJson(value.value) };
  if (Array.isArray(value)) return value.map(cborToJson);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), cborToJson(v)]));
  if (typeof value === "bigint") return value.toString();
  if (value === undefined) return null;
  if (typeof value === "number" && !Number.isFinite(value)) return String(value);
  return value;
}

function time(value: CborValue): Json {
  const seconds = epochSeconds(value);
  if (seconds === undefined) return cborToJson(value);
  const text = formatEpochSeconds(seconds);
  return text === undefined ? seconds : `${seconds} (${text})`;
}

/**
 * Summarises a DER certificate: subject, issuer, validity and key; a value that is not one is shown as it is.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { certificateSummary } from "./describe.ts";
 * const summary = certificateSummary(new Uint8Array([0x30, 0x00])) as { error: string };
 * assert(typeof summary.error === "string");
 * ```
 */
export function certificateSummary(der: CborValue): Json {
  if (!(der instanceof Uint8Array)) return cborToJson(der);
  try {
    const cert = parseCertificate(der);
    return {
      subject: formatName(cert.subject),
      issuer: formatName(cert.issuer),
      notBefore: cert.notBefore.toISOString(),
      notAfter: cert.notAfter.toISOString(),
      key: cert.publicKey.kty === "EC"
        ? `EC ${cert.publicKey.crv}`
        : cert.publicKey.kty === "RSA"
        ? `RSA ${cert.publicKey.n.length * 8}`
        : "Ed25519",
    };
  } catch (error) {
    return { error: (error as Error).message, der: toHex(der) };
  }
}

function headerValue(key: CborKey, value: CborValue): Json {
  switch (key) {
    case HEADER.ALG:
      return `${algorithmName(value)} (${String(value)})`;
    case HEADER.KID:
      return value instanceof Uint8Array ? kidText(value) : cborToJson(value);
    case HEADER.CWT_CLAIMS:
      if (!(value instanceof Map)) return cborToJson(value);
      return Object.fromEntries(
        [...value].map(([k, v]) => [label(k, CLAIM_NAMES), k === 4 || k === 5 || k === 6 ? time(v) : cborToJson(v)]),
      );
    case HEADER.X5CHAIN:
      return value instanceof Uint8Array
        ? [certificateSummary(value)]
        : Array.isArray(value)
        ? value.map(certificateSummary)
        : cborToJson(value);
    case HEADER.VDS:
      return typeof value === "number" && VDS_NAMES[value] ? `${VDS_NAMES[value]} (${value})` : cborToJson(value);
    case HEADER.VDP:
      return describeProofs(value);
    case HEADER.RECEIPTS:
      return Array.isArray(value) ? `${value.length} receipt(s), described below` : cborToJson(value);
    case "signingtime":
      return time(value);
    default:
      return cborToJson(value);
  }
}

function describeProofs(value: CborValue): Json {
  if (!(value instanceof Map)) return cborToJson(value);
  const inclusion = value.get(-1);
  if (!Array.isArray(inclusion)) return cborToJson(value);
  return {
    "-1 (inclusion proofs)": inclusion.map((item) => {
      if (!(item instanceof Uint8Array)) return cborToJson(item);
      try {
        const proof = decodeCcfProof(item);
        return {
          leaf: {
            internalTransactionHash: toHex(proof.internalTransactionHash),
            internalEvidence: proof.internalEvidence,
            dataHash: toHex(proof.dataHash),
          },
          path: proof.path.map((s) => `${s.left ? "left " : "right"} ${toHex(s.hash)}`),
        };
      } catch {
        return toHex(item);
      }
    }),
  };
}

function kindOf(message: CoseSign1): CoseKind {
  if (message.protectedHeader.has(HEADER.VDS)) return "receipt";
  if (message.unprotectedHeader.has(HEADER.RECEIPTS)) return "transparent statement";
  if (message.protectedHeader.has(HEADER.CWT_CLAIMS) || message.protectedHeader.has(HEADER.X5CHAIN)) {
    return "signed statement";
  }
  return "COSE_Sign1";
}

function describePayload(payload: Uint8Array | null): CoseDescription["payload"] {
  if (payload === null) return { detached: true, length: 0 };
  let text: string | undefined;
  try {
    const decoded = fromUtf8(payload);
    if (/^[\t\n\r\x20-\x7e\u00a0-\uffff]*$/.test(decoded)) text = decoded;
  } catch {
    text = undefined;
  }
  return text !== undefined
    ? { detached: false, length: payload.length, text }
    : { detached: false, length: payload.length, hex: toHex(payload) };
}

/**
 * Describes a COSE_Sign1 and, for a transparent statement, each embedded receipt.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { describeCose } from "./describe.ts";
 * const d = describeCose(new Uint8Array([0xd2, 0x84, 0x43, 0xa1, 0x01, 0x26, 0xa0, 0x40, 0x40]));
 * assert(d.kind === "COSE_Sign1" && d.protected["1 (alg)"] === "ES256 (-7)");
 * ```
 */
export function describeCose(bytes: Uint8Array): CoseDescription {
  const message = decodeCoseSign1(bytes);
  const kind = kindOf(message);
  const headers = (map: ReadonlyMap<CborKey, CborValue>) =>
    Object.fromEntries([...map].map(([k, v]) => [label(k, HEADER_NAMES), headerValue(k, v)]));
  const receiptsValue = message.unprotectedHeader.get(HEADER.RECEIPTS);
  const receipts = Array.isArray(receiptsValue)
    ? receiptsValue.map((item, index) => {
      if (!(item instanceof Uint8Array)) return { index, error: "not a byte string" };
      try {
        return describeCose(item);
      } catch (error) {
        if (error instanceof AuditError) return { index, error: error.message };
        throw error;
      }
    })
    : undefined;
  return {
    kind,
    tagged: message.tagged,
    protected: headers(message.protectedHeader),
    unprotected: headers(message.unprotectedHeader),
    payload: describePayload(message.payload),
    signature: toHex(message.signature),
    ...(receipts ? { receipts } : {}),
  };
}
