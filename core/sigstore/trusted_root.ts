/**
 * The Sigstore trusted root (`trusted_root.json`, media type `application/vnd.dev.sigstore.trustedroot+json`), read
 * directly from a file the auditor brought in: transparency logs, Fulcio CAs, CT logs and timestamp authorities,
 * each with its validity window. There is no built-in root and no TUF or network step.
 *
 * @module
 */

import { fromUtf8 } from "../bytes.ts";
import { DER, derChildren, derUnsigned, expectTag, readDer } from "../der.ts";
import { type PublicKey, publicKeyFromSpki, rsaPublicKey } from "../crypto/public_key.ts";
import { AuditError } from "../errors.ts";
import { type Certificate, parseCertificate } from "../x509/certificate.ts";
import { bytes, child, children, jsonObject, type JsonReader, text } from "./_json.ts";
import { malformedRoot } from "./_fail.ts";

/** A closed validity interval; an absent bound is open. */
export interface TimeRange {
  /** Start, inclusive. */
  readonly start?: Date;
  /** End, inclusive. */
  readonly end?: Date;
}

/** A transparency log or CT log key. */
export interface LogAuthority {
  /** The log's base URL, e.g. `https://rekor.sigstore.dev`. */
  readonly baseUrl: string;
  /** The log id (Rekor v1 and CT: SHA-256 of the DER SPKI). */
  readonly logId: Uint8Array;
  /** The checkpoint key id, when the root gives one apart from the log id. */
  readonly checkpointKeyId?: Uint8Array;
  /** The key. */
  readonly key: PublicKey;
  /** The protobuf key details, e.g. `PKIX_ECDSA_P256_SHA_256`. */
  readonly keyDetails: string;
  /** When the key may be used. */
  readonly validFor: TimeRange;
}

/** A certificate authority (Fulcio or a timestamp authority): its chain, issuing certificate first. */
export interface CertificateAuthority {
  /** Its URI, e.g. `https://fulcio.sigstore.dev`. */
  readonly uri: string;
  /** The chain, the issuing certificate first and the root last. */
  readonly chain: readonly Certificate[];
  /** When the authority may be used. */
  readonly validFor: TimeRange;
}

/** A parsed trusted root. */
export interface TrustedRoot {
  /** Rekor transparency logs. */
  readonly tlogs: readonly LogAuthority[];
  /** Fulcio certificate authorities. */
  readonly certificateAuthorities: readonly CertificateAuthority[];
  /** Certificate transparency logs. */
  readonly ctlogs: readonly LogAuthority[];
  /** RFC 3161 timestamp authorities. */
  readonly timestampAuthorities: readonly CertificateAuthority[];
}

const MAX_ITEMS = 64;

/**
 * Whether a time lies in a closed range.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { inRange } from "./trusted_root.ts";
 * const end = new Date("2025-01-01T00:00:00Z");
 * assert(inRange({ end }, end) && !inRange({ end }, new Date(end.getTime() + 1)));
 * ```
 */
export function inRange(range: TimeRange, at: Date): boolean {
  return (!range.start || range.start <= at) && (!range.end || at <= range.end);
}

/**
 * Parses a trusted root. A transparency log key without `validFor.start` makes the root invalid (conformance case
 * `trust-root-tlog-missing-validity-start`); so does anything malformed (`SIGSTORE_TRUSTED_ROOT_MALFORMED`).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseTrustedRoot } from "./trusted_root.ts";
 * const root = parseTrustedRoot(new TextEncoder().encode(
 *   '{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1", "tlogs": []}',
 * ));
 * assert(root.tlogs.length === 0);
 * ```
 */
export function parseTrustedRoot(json: Uint8Array): TrustedRoot {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(json));
  } catch (error) {
    malformedRoot(`not JSON: ${(error as Error).message}`);
  }
  const root = jsonObject(value, "", malformedRoot);
  const mediaType = text(root, "mediaType");
  if (!/^application\/vnd\.dev\.sigstore\.trustedroot(\+json;version=0\.\d+|\.v0\.\d+\+json)$/.test(mediaType)) {
    root.fail(`media type "${mediaType}" is not a Sigstore trusted root v0.x`);
  }
  return {
    tlogs: children(root, "tlogs", MAX_ITEMS).map((t) => parseLog(t, true)),
    certificateAuthorities: children(root, "certificateAuthorities", MAX_ITEMS).map(parseAuthority),
    ctlogs: children(root, "ctlogs", MAX_ITEMS).map((t) => parseLog(t, false)),
    timestampAuthorities: children(root, "timestampAuthorities", MAX_ITEMS).map(parseAuthority),
  };
}

/** RFC 3339 with optional fractional seconds (protobuf Timestamp JSON), to the millisecond. */
function parseTime(reader: JsonReader, name: string): Date | undefined {
  const value = text(reader, name, true);
  if (value === undefined) return undefined;
  const match = value.match(/^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?Z$/);
  const date = match ? new Date(`${match[1]}.${(match[2] ?? "").padEnd(3, "0").slice(0, 3)}Z`) : undefined;
  if (!date || Number.isNaN(date.getTime())) {
    reader.fail(`${reader.path}.${name} "${value}" is not an RFC 3339 UTC time`);
  }
  return date;
}

function parseRange(reader: JsonReader | undefined): TimeRange {
  if (!reader) return {};
  const start = parseTime(reader, "start");
  const end = parseTime(reader, "end");
  return { ...(start ? { start } : {}), ...(end ? { end } : {}) };
}

function parseLog(log: JsonReader, isTlog: boolean): LogAuthority {
  const publicKey = child(log, "publicKey");
  const keyDetails = text(publicKey, "keyDetails", true) ?? "";
  const validFor = parseRange(child(publicKey, "validFor", true));
  if (isTlog && !validFor.start) log.fail(`${log.path}.publicKey.validFor.start is missing: a log key needs a start`);
  const checkpoint = child(log, "checkpointKeyId", true);
  return {
    baseUrl: text(log, "baseUrl", true) ?? "",
    logId: bytes(child(log, "logId"), "keyId"),
    ...(checkpoint ? { checkpointKeyId: bytes(checkpoint, "keyId") } : {}),
    key: importKey(bytes(publicKey, "rawBytes"), keyDetails, `${log.path}.publicKey`),
    keyDetails,
    validFor,
  };
}

/** `PKCS1_RSA_*` keys are a bare RSAPublicKey; every other kind is a DER SubjectPublicKeyInfo. */
function importKey(raw: Uint8Array, keyDetails: string, path: string): PublicKey {
  try {
    if (keyDetails.startsWith("PKCS1_RSA")) {
      const [n, e] = derChildren(expectTag(readDer(raw), DER.SEQUENCE, "RSAPublicKey"));
      return rsaPublicKey(
        derUnsigned(expectTag(n, DER.INTEGER, "modulus")),
        derUnsigned(expectTag(e, DER.INTEGER, "exponent")),
      );
    }
    return publicKeyFromSpki(raw);
  } catch (error) {
    if (error instanceof AuditError) malformedRoot(`${path}: ${error.message}`);
    throw error;
  }
}

function parseAuthority(authority: JsonReader): CertificateAuthority {
  const chain = children(child(authority, "certChain"), "certificates", 16).map((c, i) => {
    try {
      return parseCertificate(bytes(c, "rawBytes"));
    } catch (error) {
      if (error instanceof AuditError) {
        malformedRoot(`${authority.path}.certChain.certificates[${i}]: ${error.message}`);
      }
      throw error;
    }
  });
  if (chain.length === 0) authority.fail(`${authority.path}.certChain has no certificates`);
  return {
    uri: text(authority, "uri", true) ?? "",
    chain,
    validFor: parseRange(child(authority, "validFor", true)),
  };
}
