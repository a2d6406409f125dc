/**
 * The claims of a signed statement, normalised across layouts: CWT claims in label 15 (current MST) and the
 * legacy ESRP text keys `iss` / `feed` / `signingtime` (spec: cose-and-statements §7).
 *
 * @module
 */

import { CborTag, type CborValue } from "../cbor.ts";
import { algorithmName } from "./algorithms.ts";
import { CLAIM, HEADER } from "./labels.ts";
import type { HeaderMap } from "./sign1.ts";

/** Normalised statement claims; absent claims are omitted. */
export interface StatementClaims {
  /** Signature algorithm name, e.g. "PS384". */
  readonly alg: string;
  /** Where the claims came from. */
  readonly layout: "cwt" | "legacy-esrp" | "none";
  /** `iss`: a did:x509 (or other DID) for statements, a host for receipts. */
  readonly issuer?: string;
  /** `sub` (or the legacy `feed`). */
  readonly subject?: string;
  /** `iat` (or the legacy `signingtime`), seconds since the epoch. */
  readonly iat?: number;
  /** `nbf`, seconds since the epoch. */
  readonly nbf?: number;
  /** `exp`, seconds since the epoch. */
  readonly exp?: number;
  /** The text-keyed `svn` claim. */
  readonly svn?: number;
  /** Content type (label 3). */
  readonly contentType?: string;
  /** Hash envelope: payload hash algorithm name (label 258). */
  readonly payloadHashAlg?: string;
  /** Hash envelope: content type of the hashed artifact (label 259). */
  readonly preimageContentType?: string;
  /** Hash envelope: location of the artifact (label 260). */
  readonly payloadLocation?: string;
}

/**
 * Reads an epoch time: an integer or `Tag(1, integer)`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { epochSeconds } from "./claims.ts";
 * import { CborTag } from "../cbor.ts";
 * assert(epochSeconds(new CborTag(1, 1750370739)) === 1750370739);
 * ```
 */
export function epochSeconds(value: CborValue): number | undefined {
  const inner = value instanceof CborTag && value.tag === 1 ? value.value : value;
  return typeof inner === "number" && Number.isInteger(inner) ? inner : undefined;
}

function text(value: CborValue): string | undefined {
  return typeof value === "string" ? value : undefined;
}

function contentType(value: CborValue): string | undefined {
  return typeof value === "string" ? value : typeof value === "number" ? `coap/${value}` : undefined;
}

const HASH_ENVELOPE_NAMES: Readonly<Record<number, string>> = { [-16]: "SHA-256", [-43]: "SHA-384", [-44]: "SHA-512" };

/**
 * Reads the normalised claims from a protected header.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { readClaims } from "./claims.ts";
 * const claims = readClaims(new Map<string | number, unknown>([[1, -7], [15, new Map<string | number, unknown>([[1, "did:x509:0:x"], ["svn", 2]])]]) as never);
 * assert(claims.issuer === "did:x509:0:x" && claims.svn === 2 && claims.alg === "ES256");
 * ```
 */
export function readClaims(header: HeaderMap): StatementClaims {
  const cwt = header.get(HEADER.CWT_CLAIMS);
  const hashAlg = header.get(HEADER.PAYLOAD_HASH_ALG);
  const common = {
    alg: algorithmName(header.get(HEADER.ALG)),
    contentType: contentType(header.get(HEADER.CONTENT_TYPE)),
    payloadHashAlg: typeof hashAlg === "number" ? HASH_ENVELOPE_NAMES[hashAlg] ?? String(hashAlg) : undefined,
    preimageContentType: contentType(header.get(HEADER.PREIMAGE_CONTENT_TYPE)),
    payloadLocation: text(header.get(HEADER.PAYLOAD_LOCATION)),
  };
  if (cwt instanceof Map) {
    const svn = cwt.get(CLAIM.SVN);
    return compact({
      ...common,
      layout: "cwt",
      issuer: text(cwt.get(CLAIM.ISS)),
      subject: text(cwt.get(CLAIM.SUB)),
      iat: epochSeconds(cwt.get(CLAIM.IAT)),
      nbf: epochSeconds(cwt.get(CLAIM.NBF)),
      exp: epochSeconds(cwt.get(CLAIM.EXP)),
      svn: typeof svn === "number" ? svn : undefined,
    });
  }
  if (header.has("iss") || header.has("feed")) {
    return compact({
      ...common,
      layout: "legacy-esrp",
      issuer: text(header.get("iss")),
      subject: text(header.get("feed")),
      iat: epochSeconds(header.get("signingtime")),
    });
  }
  return compact({ ...common, layout: "none" });
}

function compact<T extends object>(record: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(record).filter(([, v]) => v !== undefined)) as never;
}
