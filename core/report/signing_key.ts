/**
 * The auditor's key: a private key that signs reports (ES256 on P-256, ES384 on P-384, EdDSA on Ed25519) read
 * from PKCS#8 PEM or a private JWK, and the public key that checks them, read from SPKI PEM or a public JWK.
 * Bytes in, keys out: reading files is the caller's business.
 *
 * @module
 */

import { equalBytes, fromUtf8, utf8 } from "../bytes.ts";
import { AuditError, VerificationError } from "../errors.ts";
import { DER, derChildren, derOid, expectTag, readDer } from "../der.ts";
import { type PublicKey, publicKeyFromJwk, publicKeyFromSpki } from "../crypto/public_key.ts";
import { verifySignature } from "../crypto/signature.ts";
import { coseAlgorithm } from "../cose/algorithms.ts";
import { kidText } from "../cose/key.ts";
import { computeKid } from "../receipts/trust_store.ts";
import { encodePem } from "../pem.ts";
import { decodePem, hasPemBlock } from "./_pem.ts";

/** The algorithms a report can be signed with. */
export type ReportAlgorithm = "ES256" | "ES384" | "EdDSA";

/** Every {@linkcode ReportAlgorithm}, for option parsing. */
export const REPORT_ALGORITHMS: readonly ReportAlgorithm[] = ["ES256", "ES384", "EdDSA"];

interface AlgorithmSpec {
  /** The COSE algorithm id. */
  readonly id: number;
  /** JWK `kty` and `crv`. */
  readonly kty: "EC" | "OKP";
  readonly crv: "P-256" | "P-384" | "Ed25519";
  /** WebCrypto parameters for import and generation. */
  readonly params: EcKeyImportParams | Algorithm;
}

const SPECS: Readonly<Record<ReportAlgorithm, AlgorithmSpec>> = {
  ES256: { id: -7, kty: "EC", crv: "P-256", params: { name: "ECDSA", namedCurve: "P-256" } as EcKeyImportParams },
  ES384: { id: -35, kty: "EC", crv: "P-384", params: { name: "ECDSA", namedCurve: "P-384" } as EcKeyImportParams },
  EdDSA: { id: -8, kty: "OKP", crv: "Ed25519", params: { name: "Ed25519" } },
};

const OID_EC_PUBLIC_KEY = "1.2.840.10045.2.1";
const OID_ED25519 = "1.3.101.112";
const CURVE_OIDS: Readonly<Record<string, ReportAlgorithm>> = {
  "1.2.840.10045.3.1.7": "ES256",
  "1.3.132.0.34": "ES384",
};

/** A key that signs reports. */
export interface AuditorKey {
  /** The algorithm its curve signs with. */
  readonly alg: ReportAlgorithm;
  /** The COSE algorithm id (-7, -35 or -8). */
  readonly coseAlg: number;
  /** Its public key. */
  readonly publicKey: PublicKey;
  /** Lowercase hex SHA-256 of its SPKI, the rule service keys follow. */
  readonly kid: string;
  /** Signs bytes; ECDSA signatures are raw `r‖s`, as COSE wants. */
  sign(data: Uint8Array): Promise<Uint8Array>;
}

function malformed(what: string, detail: string): never {
  throw new AuditError("KEY_MALFORMED", `Cannot import ${what}: ${detail}`);
}

function unsupported(what: string, detail: string): never {
  throw new AuditError("KEY_UNSUPPORTED", `Cannot import ${what}: ${detail}`);
}

/**
 * The report algorithm a public key signs with: ES256 for P-256, ES384 for P-384, EdDSA for Ed25519.
 *
 * @param key The public key.
 * @param what What the key is, for messages.
 * @returns The algorithm.
 * @throws {AuditError} `KEY_UNSUPPORTED` for any other kind of key.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { reportAlgorithmOf } from "./signing_key.ts";
 * import { ed25519PublicKey } from "../crypto/public_key.ts";
 * equal(reportAlgorithmOf(ed25519PublicKey(new Uint8Array(32))), "EdDSA");
 * ```
 */
export function reportAlgorithmOf(key: PublicKey, what = "auditor public key"): ReportAlgorithm {
  const found = REPORT_ALGORITHMS.find((alg) =>
    SPECS[alg].kty === key.kty && "crv" in key && SPECS[alg].crv === key.crv
  );
  if (!found) {
    unsupported(what, `a ${key.kty}${"crv" in key ? ` ${key.crv}` : ""} key; use P-256, P-384 or Ed25519`);
  }
  return found;
}

/**
 * The COSE algorithm id of a report algorithm.
 *
 * @param alg The report algorithm.
 * @returns Its COSE id: -7, -35 or -8.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { reportAlgorithmId } from "./signing_key.ts";
 * equal(reportAlgorithmId("ES384"), -35);
 * ```
 */
export function reportAlgorithmId(alg: ReportAlgorithm): number {
  return SPECS[alg].id;
}

function parseJson(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    malformed(what, `not a PEM block or JSON: ${(error as Error).message}`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) malformed(what, "a JWK must be an object");
  return value as Record<string, unknown>;
}

function textOf(bytes: Uint8Array, what: string): string {
  try {
    return fromUtf8(bytes);
  } catch {
    return malformed(what, "neither PEM nor JSON (not UTF-8 text)");
  }
}

/** The algorithm named by a PKCS#8 PrivateKeyInfo (RFC 5208 §5, RFC 8410 §7). */
function pkcs8Algorithm(der: Uint8Array, what: string): ReportAlgorithm {
  let oid: string;
  let curve: string | undefined;
  try {
    const [version, algorithm] = derChildren(expectTag(readDer(der), DER.SEQUENCE, "PrivateKeyInfo"));
    expectTag(version, DER.INTEGER, "version");
    const [oidNode, params] = derChildren(expectTag(algorithm, DER.SEQUENCE, "AlgorithmIdentifier"));
    oid = derOid(expectTag(oidNode, DER.OID, "algorithm OID"));
    if (oid === OID_EC_PUBLIC_KEY) curve = derOid(expectTag(params, DER.OID, "named curve"));
  } catch (error) {
    return malformed(what, `PKCS#8 is not valid: ${(error as Error).message}`);
  }
  if (oid === OID_ED25519) return "EdDSA";
  const alg = curve === undefined ? undefined : CURVE_OIDS[curve];
  if (!alg) unsupported(what, `key algorithm ${curve ?? oid} is not P-256, P-384 or Ed25519`);
  return alg;
}

function jwkAlgorithm(jwk: Record<string, unknown>, what: string): ReportAlgorithm {
  const alg = REPORT_ALGORITHMS.find((a) => SPECS[a].kty === jwk.kty && SPECS[a].crv === jwk.crv);
  if (!alg) unsupported(what, `JWK ${String(jwk.kty)} ${String(jwk.crv)} is not EC P-256, EC P-384 or OKP Ed25519`);
  return alg;
}

async function importPrivate(
  format: "pkcs8" | "jwk",
  data: Uint8Array | JsonWebKey,
  alg: ReportAlgorithm,
  what: string,
): Promise<CryptoKey> {
  try {
    return format === "pkcs8"
      ? await crypto.subtle.importKey("pkcs8", data as Uint8Array<ArrayBuffer>, SPECS[alg].params, true, ["sign"])
      : await crypto.subtle.importKey("jwk", data as JsonWebKey, SPECS[alg].params, true, ["sign"]);
  } catch (error) {
    return malformed(what, `the ${alg} private key is not valid: ${(error as Error).message}`);
  }
}

const SELF_TEST = utf8("scitt-audit auditor key check");

/**
 * Wraps a private key with the public key derived from it. Public members that came with the private key (a JWK's
 * `x`/`y`) must be the derived ones, and a test signature must verify: a runtime may derive the public key from
 * `d` (Deno does) or take the members as given, and either way a mismatched key is refused before it signs.
 */
async function auditorKey(
  privateKey: CryptoKey,
  alg: ReportAlgorithm,
  what: string,
  claimed: { readonly x?: unknown; readonly y?: unknown } = {},
): Promise<AuditorKey> {
  const { kty, crv, x, y } = await crypto.subtle.exportKey("jwk", privateKey);
  const mismatch = () => malformed(what, "its public members do not belong to its private key");
  if ((claimed.x !== undefined && claimed.x !== x) || (claimed.y !== undefined && claimed.y !== y)) mismatch();
  const publicKey = publicKeyFromJwk(y === undefined ? { kty, crv, x } : { kty, crv, x, y });
  const scheme = coseAlgorithm(SPECS[alg].id).scheme;
  const sign = async (data: Uint8Array) =>
    new Uint8Array(
      await crypto.subtle.sign(
        scheme.name === "ECDSA" ? { name: "ECDSA", hash: scheme.hash } : { name: "Ed25519" },
        privateKey,
        data as Uint8Array<ArrayBuffer>,
      ),
    );
  if (!await verifySignature(publicKey, scheme, SELF_TEST, await sign(SELF_TEST))) mismatch();
  return { alg, coseAlg: SPECS[alg].id, publicKey, kid: await computeKid(publicKey), sign };
}

/**
 * Imports the auditor's private key from PKCS#8 (`PRIVATE KEY` PEM, or DER) or a private JWK, for ES256 (P-256),
 * ES384 (P-384) or EdDSA (Ed25519). Malformed input is `KEY_MALFORMED`, another algorithm `KEY_UNSUPPORTED`.
 *
 * @param bytes The key file.
 * @param options What the key is, for messages.
 * @returns The key, ready to sign.
 * @throws {AuditError} `KEY_MALFORMED` or `KEY_UNSUPPORTED`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { generateAuditorKey, importAuditorKey } from "./signing_key.ts";
 * const pair = await generateAuditorKey("ES256");
 * const key = await importAuditorKey(new TextEncoder().encode(pair.privatePem));
 * equal(key.alg, "ES256");
 * equal(key.kid, pair.key.kid);
 * ```
 */
export async function importAuditorKey(
  bytes: Uint8Array,
  options: { readonly what?: string } = {},
): Promise<AuditorKey> {
  const what = options.what ?? "auditor key";
  if (bytes[0] === DER.SEQUENCE) {
    const alg = pkcs8Algorithm(bytes, what);
    return await auditorKey(await importPrivate("pkcs8", bytes, alg, what), alg, what);
  }
  const text = textOf(bytes, what);
  if (hasPemBlock(text, "PRIVATE KEY")) {
    const der = decodePem(text, "PRIVATE KEY", what);
    const alg = pkcs8Algorithm(der, what);
    return await auditorKey(await importPrivate("pkcs8", der, alg, what), alg, what);
  }
  if (/-----BEGIN [A-Z ]+-----/.test(text)) {
    malformed(what, 'expected a "PRIVATE KEY" (PKCS#8) PEM block; convert SEC1 or other formats to PKCS#8');
  }
  const jwk = parseJson(text, what);
  if (typeof jwk.d !== "string") malformed(what, 'the JWK has no private member "d"');
  const alg = jwkAlgorithm(jwk, what);
  // Only the key material: `alg`, `use` or `key_ops` from elsewhere must not veto or widen the import.
  const members = Object.fromEntries(["kty", "crv", "d", "x", "y"].filter((m) => m in jwk).map((m) => [m, jwk[m]]));
  return await auditorKey(await importPrivate("jwk", members as JsonWebKey, alg, what), alg, what, jwk);
}

/**
 * Imports the auditor's public key from SPKI (`PUBLIC KEY` PEM, or DER) or a public JWK; it must be a key a
 * report can be signed with (P-256, P-384 or Ed25519).
 *
 * @param bytes The key file.
 * @param options What the key is, for messages.
 * @returns The public key.
 * @throws {AuditError} `KEY_MALFORMED` or `KEY_UNSUPPORTED`.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { generateAuditorKey, importAuditorPublicKey } from "./signing_key.ts";
 * const pair = await generateAuditorKey("EdDSA");
 * const key = importAuditorPublicKey(new TextEncoder().encode(pair.publicPem));
 * equal(key.kty, "OKP");
 * ```
 */
export function importAuditorPublicKey(bytes: Uint8Array, options: { readonly what?: string } = {}): PublicKey {
  const what = options.what ?? "auditor public key";
  let key: PublicKey;
  if (bytes[0] === DER.SEQUENCE) key = spki(bytes, what);
  else {
    const text = textOf(bytes, what);
    if (hasPemBlock(text, "PUBLIC KEY")) key = spki(decodePem(text, "PUBLIC KEY", what), what);
    else if (/-----BEGIN [A-Z ]+-----/.test(text)) malformed(what, 'expected a "PUBLIC KEY" (SPKI) PEM block');
    else key = publicKeyFromJwk(parseJson(text, what));
  }
  reportAlgorithmOf(key, what);
  return key;
}

function spki(der: Uint8Array, what: string): PublicKey {
  try {
    return publicKeyFromSpki(der);
  } catch (error) {
    if (error instanceof AuditError && error.code === "KEY_UNSUPPORTED") throw error;
    return malformed(what, `SPKI is not valid: ${(error as Error).message}`);
  }
}

/** A new auditor key pair with its PEM files. */
export interface GeneratedAuditorKey {
  /** The key, ready to sign. */
  readonly key: AuditorKey;
  /** PKCS#8 `PRIVATE KEY` PEM. */
  readonly privatePem: string;
  /** SPKI `PUBLIC KEY` PEM. */
  readonly publicPem: string;
}

/**
 * Generates an auditor key pair.
 *
 * @param alg The algorithm.
 * @returns The key, ready to sign, and both halves as PEM.
 *
 * @example Usage
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { generateAuditorKey } from "./signing_key.ts";
 * const pair = await generateAuditorKey("ES384");
 * match(pair.privatePem, /^-----BEGIN PRIVATE KEY-----/);
 * equal(pair.key.kid.length, 64);
 * ```
 */
export async function generateAuditorKey(alg: ReportAlgorithm): Promise<GeneratedAuditorKey> {
  const pair = await crypto.subtle.generateKey(SPECS[alg].params, true, ["sign", "verify"]) as CryptoKeyPair;
  const pkcs8 = new Uint8Array(await crypto.subtle.exportKey("pkcs8", pair.privateKey));
  const spkiDer = new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey));
  return {
    key: await auditorKey(pair.privateKey, alg, "generated key"),
    privatePem: encodePem("PRIVATE KEY", pkcs8),
    publicPem: encodePem("PUBLIC KEY", spkiDer),
  };
}

/**
 * Checks that what an auditor key signed (a report, a bundle digest) names that key: its kid (label 4) is a byte
 * string equal to the key's kid, which is returned. `what` names the signed object in the message, e.g.
 * `"Signed report"`.
 *
 * @throws {AuditError} through `malformed` when there is no kid byte string.
 * @throws {VerificationError} `REPORT_KEY_MISMATCH` when the kid is another key's.
 */
export async function checkSignerKid(
  rawKid: unknown,
  publicKey: PublicKey,
  what: string,
  malformed: (detail: string) => never,
): Promise<string> {
  if (!(rawKid instanceof Uint8Array)) malformed("no kid (label 4) byte string in the protected header");
  const kid = await computeKid(publicKey);
  if (!equalBytes(utf8(kid), rawKid)) {
    throw new VerificationError(
      "REPORT_KEY_MISMATCH",
      `${what} was signed by key "${kidText(rawKid)}", not by the given key "${kid}"`,
    );
  }
  return kid;
}
