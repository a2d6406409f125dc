/**
 * Parsers for the offline key-set formats of transparency services (spec: ccf-receipts §6): `/jwks` JSON,
 * `/.well-known/scitt-keys` COSE_Key_Set CBOR, `/.well-known/transparency-configuration` CBOR, the pyscitt
 * trust store, the .NET trust store, per-issuer JWKS dumps, and the payload of a signed transparency trust list.
 * Parsing never verifies anything; a signed trust list is returned as bytes for the caller to verify.
 *
 * @module
 */

import { type CborKey, CborReader, type CborValue, decodeCbor } from "../cbor.ts";
import { fromBase64, fromUtf8 } from "../bytes.ts";
import { AuditError } from "../errors.ts";
import { ecPublicKey, type PublicKey, publicKeyFromJwk } from "../crypto/public_key.ts";
import { publicKeyFromCoseKey } from "../cose/key.ts";
import { parseCertificate } from "../x509/certificate.ts";

/** One key read from a key-set file. */
export interface KeyEntry {
  /** The issuer host, when the format names it. */
  readonly issuer?: string;
  /** The public key. */
  readonly key: PublicKey;
  /** The kid the file declares, if any. */
  readonly kid?: string;
}

/** A parsed key-set file. */
export type KeySetFile =
  | {
    /** Formats that do not name their issuer: the caller must say which issuer the keys belong to. */
    readonly format: "jwks" | "scitt-keys" | "pyscitt-trust-store";
    readonly keys: readonly KeyEntry[];
  }
  | {
    /** Formats that name the issuer of every key. */
    readonly format: "dotnet-trust-store" | "issuer-jwks";
    readonly keys: readonly KeyEntry[];
  }
  | {
    /** `/.well-known/transparency-configuration`: names an issuer, holds no keys. */
    readonly format: "transparency-configuration";
    readonly issuer: string;
    readonly jwksUri?: string;
  }
  | {
    /** A signed transparency trust list (a transparent statement): verify before use. */
    readonly format: "signed-trust-list";
    readonly statement: Uint8Array;
  };

/** Content type of a signed transparency trust list. */
export const TRUST_LIST_CONTENT_TYPE = "application/vnd.transparency-trust-list.v1+cose";

function malformed(name: string, detail: string): never {
  throw new AuditError("KEYSET_MALFORMED", `Cannot read key set ${name}: ${detail}`);
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function jwkEntries(keys: unknown, name: string, issuer?: string): KeyEntry[] {
  if (!Array.isArray(keys)) malformed(name, `"keys" must be an array`);
  if (keys.length === 0) malformed(name, "No keys found in JWKS document.");
  return keys.map((jwk) => {
    const kid = isObject(jwk) && typeof jwk.kid === "string" ? jwk.kid : undefined;
    return { key: publicKeyFromJwk(jwk), ...(kid ? { kid } : {}), ...(issuer ? { issuer } : {}) };
  });
}

function parseJson(text: string, name: string): KeySetFile {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (error) {
    return malformed(name, `invalid JSON (${(error as Error).message})`);
  }
  if (!isObject(doc)) malformed(name, "expected a JSON object");
  if ("keys" in doc) return { format: "jwks", keys: jwkEntries(doc.keys, name) };
  if ("parameters" in doc) {
    if (!Array.isArray(doc.parameters)) malformed(name, `"parameters" must be an array`);
    return {
      format: "pyscitt-trust-store",
      keys: doc.parameters.map((p, i) => {
        if (!isObject(p) || typeof p.serviceCertificate !== "string") {
          malformed(name, `parameters[${i}].serviceCertificate must be a base64 string`);
        }
        return { key: parseCertificate(decodeBase64(p.serviceCertificate, name)).publicKey };
      }),
    };
  }
  if ("issuers" in doc && "version" in doc) return parseDotnetStore(doc, name);
  const keys: KeyEntry[] = [];
  for (const [issuer, entry] of Object.entries(doc)) {
    checkIssuerName(issuer, name);
    if (!isObject(entry) || !("keys" in entry)) {
      malformed(name, `expected a JWKS ({"keys": [...]}), a trust store, or {"<issuer>": {"keys": [...]}}`);
    }
    keys.push(...jwkEntries(entry.keys, name, issuer));
  }
  if (keys.length === 0) malformed(name, "no issuers in the file");
  return { format: "issuer-jwks", keys };
}

/** An issuer named by a key file must be a host name: not empty, no spaces or control characters. */
function checkIssuerName(issuer: string, name: string): void {
  if (issuer.trim().length === 0) malformed(name, "an issuer name is empty");
  // deno-lint-ignore no-control-regex
  if (/[\s\x00-\x1f\x7f/\\]/.test(issuer)) malformed(name, `issuer ${JSON.stringify(issuer)} is not a host name`);
}

function decodeBase64(text: string, name: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    return malformed(name, "invalid base64");
  }
}

const DOTNET_CURVES: Readonly<Record<string, "P-256" | "P-384" | "P-521">> = {
  "P-256": "P-256",
  "P-384": "P-384",
  "P-521": "P-521",
};

function parseDotnetStore(doc: Record<string, unknown>, name: string): KeySetFile {
  if (doc.version !== 1) malformed(name, `unsupported trust store version ${JSON.stringify(doc.version)}`);
  if (!isObject(doc.issuers)) malformed(name, `"issuers" must be an object`);
  const keys: KeyEntry[] = [];
  for (const [issuer, entry] of Object.entries(doc.issuers)) {
    checkIssuerName(issuer, name);
    if (!isObject(entry) || !Array.isArray(entry.keys)) malformed(name, `issuers["${issuer}"].keys must be an array`);
    for (const k of entry.keys) {
      if (!isObject(k) || typeof k.x !== "string" || typeof k.y !== "string" || typeof k.curve !== "string") {
        malformed(name, `issuers["${issuer}"] has a key without curve, x and y`);
      }
      const crv = DOTNET_CURVES[k.curve.toUpperCase()];
      if (!crv) {
        throw new AuditError("KEY_UNSUPPORTED", `Cannot read key set ${name}: curve "${k.curve}" is not supported`);
      }
      const kid = typeof k.keyId === "string" ? k.keyId : undefined;
      keys.push({
        issuer,
        key: ecPublicKey(crv, decodeBase64(k.x, name), decodeBase64(k.y, name)),
        ...(kid ? { kid } : {}),
      });
    }
  }
  return { format: "dotnet-trust-store", keys };
}

function coseKeySet(value: CborValue, name: string, issuer?: string): KeyEntry[] {
  if (!Array.isArray(value)) malformed(name, "a COSE_Key_Set must be an array");
  if (value.length === 0) malformed(name, "the COSE_Key_Set is empty");
  return value.map((item, i) => {
    if (!(item instanceof Map)) malformed(name, `COSE_Key_Set item ${i} must be a map`);
    const entry = publicKeyFromCoseKey(item);
    return { key: entry.key, ...(entry.kid ? { kid: entry.kid } : {}), ...(issuer ? { issuer } : {}) };
  });
}

function looksLikeCoseSign1(bytes: Uint8Array): boolean {
  if (bytes[0] === 0xd2) return true;
  if (bytes[0] !== 0x84) return false;
  const reader = new CborReader(bytes);
  reader.readHeader(4);
  return reader.readHeader().major === 2;
}

function parseCbor(bytes: Uint8Array, name: string): KeySetFile {
  if (looksLikeCoseSign1(bytes)) return { format: "signed-trust-list", statement: bytes };
  const value = decodeCbor(bytes);
  if (Array.isArray(value)) return { format: "scitt-keys", keys: coseKeySet(value, name) };
  if (value instanceof Map && typeof value.get("issuer") === "string") {
    const jwksUri = value.get("jwks_uri");
    return {
      format: "transparency-configuration",
      issuer: value.get("issuer") as string,
      ...(typeof jwksUri === "string" ? { jwksUri } : {}),
    };
  }
  if (value instanceof Map && value.has(1)) return { format: "scitt-keys", keys: coseKeySet([value], name) };
  return malformed(name, "expected a COSE_Key_Set, a COSE_Key, a transparency configuration or a signed trust list");
}

/**
 * Detects the format of a key-set file and reads its keys.
 *
 * @param bytes The file.
 * @param name The file name, for messages.
 * @returns The format and what it holds.
 * @throws {AuditError} `KEYSET_MALFORMED` when the file is no key set; a key it cannot use has its own code, e.g.
 * `KEY_UNSUPPORTED`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseKeySet } from "./key_sets.ts";
 * const text = '{"keys":[{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}';
 * const set = parseKeySet(new TextEncoder().encode(text), "keys.json");
 * equal(set.format, "jwks");
 * ```
 */
export function parseKeySet(bytes: Uint8Array, name: string): KeySetFile {
  if (bytes.length === 0) malformed(name, "the file is empty");
  const first = bytes.find((b) =>
    b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09 && b !== 0xef && b !== 0xbb && b !== 0xbf
  );
  if (first === 0x7b) {
    let text: string;
    try {
      text = fromUtf8(bytes).replace(/^\uFEFF/, "");
    } catch {
      return malformed(name, "not valid UTF-8");
    }
    return parseJson(text, name);
  }
  return parseCbor(bytes, name);
}

/**
 * Reads the payload of a signed transparency trust list: CBOR map `host → {1: COSE_Key_Set}`.
 *
 * @param payload The trust list statement's payload.
 * @param name The file name, for messages.
 * @returns Its keys, each with its issuer.
 * @throws {AuditError} `KEYSET_MALFORMED` when the payload is not such a map.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseTrustListPayload } from "./key_sets.ts";
 * // {"a.example": {1: [{1: 1, -1: 6, -2: h'00..'}]}}
 * const payload = new Uint8Array([0xa1, 0x69, ...new TextEncoder().encode("a.example"), 0xa1, 0x01, 0x81, 0xa3, 0x01, 0x01, 0x20, 0x06, 0x21, 0x58, 0x20, ...new Uint8Array(32)]);
 * equal(parseTrustListPayload(payload, "list")[0]?.issuer, "a.example");
 * ```
 */
export function parseTrustListPayload(payload: Uint8Array, name: string): KeyEntry[] {
  const value = decodeCbor(payload);
  if (!(value instanceof Map)) malformed(name, "a trust list payload must be a map of issuer to key sets");
  const keys: KeyEntry[] = [];
  for (const [issuer, entry] of value as Map<CborKey, CborValue>) {
    if (typeof issuer !== "string") malformed(name, "trust list issuers must be text");
    checkIssuerName(issuer, name);
    if (!(entry instanceof Map) || !entry.has(1)) {
      malformed(name, `trust list entry for '${issuer}' must be a map with key 1`);
    }
    keys.push(...coseKeySet(entry.get(1)!, name, issuer));
  }
  return keys;
}
