/**
 * Microsoft Azure Attestation tokens (spec `attestation.md` §10–§11): an RS256 JWT verified offline with a key
 * from a captured `/certs` response (`x5c`, selected by `kid`), its standard claims, and the SGX quote the
 * signing certificate embeds, which measures the MAA enclave itself.
 *
 * @module
 */

import { fromBase64, toHex, utf8 } from "../bytes.ts";
import { verifySignature } from "../crypto/signature.ts";
import { AuditError, type Problem, problemOf } from "../errors.ts";
import { type Check, check } from "../check.ts";
import type { Json } from "../report/canonical_json.ts";
import { type Certificate, parseCertificate } from "../x509/certificate.ts";
import { formatName } from "../x509/name.ts";
import { verifyCertificateSignature } from "../x509/signature_algorithm.ts";
import { parseOpenEnclaveEvidence, type SgxQuote } from "./sgx_quote.ts";

/** The certificate extension that carries the MAA enclave's Open Enclave evidence. */
export const MAA_QUOTE_EXTENSION = "1.3.6.1.4.1.311.105.1";

/** A bound on token size: real tokens are a few kilobytes. */
const MAX_TOKEN_LENGTH = 256 * 1024;

/** One signing key of a `/certs` response. */
export interface MaaSigningKey {
  /** The JWK `kid`, e.g. `"cM0BIZs4vBOrduedqCVRzL4n7JPWWKerJP0FASTFQP0="`. */
  readonly kid: string;
  /** `x5c[0]`, whose public key signs tokens. */
  readonly certificate: Certificate;
}

/** Options for {@linkcode verifyMaaToken}. */
export interface VerifyMaaOptions {
  /** The captured `GET <instance>/certs` body. */
  readonly certs: Uint8Array | string;
  /** Check `nbf` / `exp` at this time; absent: not checked (captured tokens are audited after they expire). */
  readonly validAt?: Date;
  /** Accepted instance URLs (`iss`), e.g. `["https://shareduks.uks.test.attest.azure.net"]`; any when absent. */
  readonly issuers?: readonly string[];
}

/** The claims an audit compares, read from the token. */
export interface MaaClaims {
  /** `x-ms-attestation-type`, e.g. `"sgx"`, `"sevsnpvm"`. */
  readonly attestationType?: string;
  /** `x-ms-sgx-mrenclave` (hex). */
  readonly mrenclave?: string;
  /** `x-ms-sgx-mrsigner` (hex). */
  readonly mrsigner?: string;
  /** Every `x-ms-sevsnpvm-*` claim, top level or under `x-ms-isolation-tee`, by name without the prefix. */
  readonly sevsnpvm: Readonly<Record<string, unknown>>;
}

/** The outcome of {@linkcode verifyMaaToken}. */
export interface MaaTokenVerification {
  /** Whether signature, issuer and (when asked) time checks hold. */
  readonly valid: boolean;
  /** The first failure. */
  readonly error?: Problem;
  /** The JOSE header. */
  readonly header: Readonly<Record<string, unknown>>;
  /** Every claim, as decoded. */
  readonly claims: Readonly<Record<string, unknown>>;
  /** The claims an audit compares. */
  readonly values: MaaClaims;
  /** The signing certificate's subject, when the key was found. */
  readonly signer?: string;
  /** The MAA enclave's own quote from the signing certificate, when it carries one. */
  readonly enclave?: SgxQuote;
  /** Whether `nbf` / `exp` were checked. */
  readonly timeChecked: boolean;
}

function invalid(message: string): never {
  throw new AuditError("MAA_TOKEN_INVALID", message);
}

function jsonObject(text: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return invalid(`Cannot read ${what}: not valid JSON`);
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    invalid(`Cannot read ${what}: not an object`);
  }
  return value as Record<string, unknown>;
}

function base64UrlPart(part: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9_-]*$/.test(part)) invalid(`Cannot read ${what}: not base64url without padding`);
  return decodeBase64(part, what);
}

/** Decodes base64 or base64url; a length that no encoding produces (≡ 1 mod 4) is `MAA_TOKEN_INVALID`. */
function decodeBase64(text: string, what: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    return invalid(`Cannot read ${what}: not valid base64 (${text.replace(/\s+/g, "").length} characters)`);
  }
}

/** UTF-8 text of a token part or response; other bytes are `MAA_TOKEN_INVALID`. */
function utf8Text(bytes: Uint8Array, what: string): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return invalid(`Cannot read ${what}: not UTF-8 text`);
  }
}

/**
 * Reads a captured `/certs` response: `{"keys": [{"kid", "x5c": ["<base64 DER>", ...]}]}`.
 *
 * @param input The `/certs` body, as text or its bytes.
 * @returns Each key's kid and signing certificate.
 * @throws {AuditError} `MAA_TOKEN_INVALID` when it is not such a response.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { parseMaaCerts } from "./maa_token.ts";
 * deepEqual(parseMaaCerts('{"keys": []}'), []);
 * ```
 */
export function parseMaaCerts(input: Uint8Array | string): MaaSigningKey[] {
  const json = jsonObject(typeof input === "string" ? input : utf8Text(input, "MAA /certs"), "MAA /certs");
  if (!Array.isArray(json.keys)) invalid('Cannot read MAA /certs: "keys" must be an array');
  return json.keys.map((key: unknown, i: number) => {
    const record = typeof key === "object" && key !== null ? key as Record<string, unknown> : {};
    const first = Array.isArray(record.x5c) ? record.x5c[0] : undefined;
    if (typeof record.kid !== "string" || typeof first !== "string") {
      invalid(`Cannot read MAA /certs key ${i}: it needs "kid" and "x5c"`);
    }
    return { kid: record.kid, certificate: parseCertificate(decodeBase64(first, `MAA /certs key ${i} certificate`)) };
  });
}

/**
 * Reads the MAA enclave's SGX quote from a signing certificate (extension 1.3.6.1.4.1.311.105.1), if present.
 *
 * @param certificate The MAA signing certificate.
 * @returns The enclave's quote, or `undefined` when the certificate carries none.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { maaEnclaveQuote } from "./maa_token.ts";
 * equal(maaEnclaveQuote({ extensions: { list: [] } } as never), undefined);
 * ```
 */
export function maaEnclaveQuote(certificate: Certificate): SgxQuote | undefined {
  const extension = certificate.extensions.list.find((e) => e.oid === MAA_QUOTE_EXTENSION);
  return extension ? parseOpenEnclaveEvidence(extension.value) : undefined;
}

function readValues(claims: Record<string, unknown>): MaaClaims {
  const sevsnpvm: Record<string, unknown> = {};
  const tee = claims["x-ms-isolation-tee"];
  for (const source of [claims, typeof tee === "object" && tee !== null ? tee as Record<string, unknown> : {}]) {
    for (const [name, value] of Object.entries(source)) {
      if (name.startsWith("x-ms-sevsnpvm-")) sevsnpvm[name.slice("x-ms-sevsnpvm-".length)] ??= value;
    }
  }
  const text = (name: string) => typeof claims[name] === "string" ? { [name]: claims[name] as string } : {};
  const { "x-ms-attestation-type": attestationType, "x-ms-sgx-mrenclave": mrenclave, "x-ms-sgx-mrsigner": mrsigner } = {
    ...text("x-ms-attestation-type"),
    ...text("x-ms-sgx-mrenclave"),
    ...text("x-ms-sgx-mrsigner"),
  };
  return {
    ...(attestationType ? { attestationType } : {}),
    ...(mrenclave ? { mrenclave: mrenclave.toLowerCase() } : {}),
    ...(mrsigner ? { mrsigner: mrsigner.toLowerCase() } : {}),
    sevsnpvm,
  };
}

/** A JWT split and decoded, nothing verified. */
export interface DecodedMaaToken {
  /** The JOSE header, e.g. `{"alg": "RS256", "kid": "…", "jku": "…"}`. */
  readonly header: Record<string, unknown>;
  /** The claims. */
  readonly claims: Record<string, unknown>;
  /** The signature bytes. */
  readonly signature: Uint8Array;
  /** `header.payload` as sent: the signed text. */
  readonly signedText: string;
}

/**
 * Splits and decodes a JWT (compact serialization) without verifying it; a token that is too long, not three
 * base64url parts, or whose header or payload is not a JSON object is `MAA_TOKEN_INVALID`.
 *
 * @param token The JWT, as text or its bytes.
 * @returns The header, the claims, the signature and the signed text.
 * @throws {AuditError} `MAA_TOKEN_INVALID` when the token cannot be split or decoded.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { decodeMaaToken } from "./maa_token.ts";
 * const token = decodeMaaToken("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJodHRwczovL2EifQ.AQID");
 * equal(token.header.alg, "RS256");
 * equal(token.claims.iss, "https://a");
 * deepEqual(token.signature, new Uint8Array([1, 2, 3]));
 * ```
 */
export function decodeMaaToken(token: Uint8Array | string): DecodedMaaToken {
  const text = (typeof token === "string" ? token : utf8Text(token, "MAA token")).trim();
  if (text.length > MAX_TOKEN_LENGTH) invalid(`Cannot read MAA token: longer than ${MAX_TOKEN_LENGTH} characters`);
  const parts = text.split(".");
  if (parts.length !== 3) invalid(`Cannot read MAA token: expected 3 dot-separated parts, found ${parts.length}`);
  const [headerPart, payloadPart, signaturePart] = parts as [string, string, string];
  return {
    header: jsonObject(utf8Text(base64UrlPart(headerPart, "MAA token header"), "MAA token header"), "MAA token header"),
    claims: jsonObject(
      utf8Text(base64UrlPart(payloadPart, "MAA token payload"), "MAA token payload"),
      "MAA token payload",
    ),
    signature: base64UrlPart(signaturePart, "MAA token signature"),
    signedText: `${headerPart}.${payloadPart}`,
  };
}

/**
 * Verifies an MAA token offline: RS256 (PKCS #1 v1.5, SHA-256) over `header.payload` with the `/certs` key named
 * by `kid`, the signing certificate's self-signature, `iss` equal to the `jku` origin (and allowed, when
 * `issuers` is given), and `nbf` / `exp` at `validAt`. A token that cannot be split or decoded throws
 * `MAA_TOKEN_INVALID`; failed checks are reported in `error`.
 *
 * @param token The JWT, as text or its bytes.
 * @param options The captured `/certs` body, the accepted issuers and the time to check.
 * @returns The decoded token, the claims an audit compares, and whether it verifies.
 * @throws {AuditError} `MAA_TOKEN_INVALID` when the token cannot be split or decoded.
 *
 * @example Usage
 * ```ts
 * import { equal, rejects } from "node:assert/strict";
 * import { verifyMaaToken } from "./maa_token.ts";
 *
 * // {"alg":"RS256","kid":"k1"} . {"iss":"https://a","x-ms-sgx-mrenclave":"00"} . a stand-in signature
 * const jwt = "eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL2EiLCJ4LW1zLXNneC1tcmVuY2xhdmUiOiIwMCJ9.AQID";
 * const maa = await verifyMaaToken(jwt, { certs: '{"keys": []}' });
 * equal(maa.valid, false);
 * equal(maa.error?.message, "No /certs key has kid k1");
 * equal(maa.values.mrenclave, "00");
 * await rejects(verifyMaaToken("not.a-token", { certs: '{"keys": []}' }), { code: "MAA_TOKEN_INVALID" });
 * ```
 */
export async function verifyMaaToken(
  token: Uint8Array | string,
  options: VerifyMaaOptions,
): Promise<MaaTokenVerification> {
  const { header, claims, signature, signedText } = decodeMaaToken(token);
  const base = { header, claims, values: readValues(claims), timeChecked: options.validAt !== undefined };
  let signer: string | undefined;
  let enclave: SgxQuote | undefined;
  try {
    if (header.alg !== "RS256") invalid(`MAA token algorithm ${String(header.alg)} is not RS256`);
    const key = parseMaaCerts(options.certs).find((k) => k.kid === header.kid);
    if (!key) invalid(`No /certs key has kid ${String(header.kid)}`);
    signer = formatName(key.certificate.subject);
    enclave = maaEnclaveQuote(key.certificate);
    if (!(await verifyCertificateSignature(key.certificate, key.certificate.publicKey))) {
      invalid("The MAA signing certificate's self-signature does not verify");
    }
    const signed = utf8(signedText);
    const scheme = { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } as const;
    if (!(await verifySignature(key.certificate.publicKey, scheme, signed, signature))) {
      invalid("MAA token signature does not verify with the /certs key");
    }
    checkIssuer(header, claims, options);
    if (options.validAt) checkTime(claims, options.validAt);
    return { valid: true, ...base, signer, ...(enclave ? { enclave } : {}) };
  } catch (error) {
    return {
      valid: false,
      error: problemOf(error),
      ...base,
      ...(signer ? { signer } : {}),
      ...(enclave ? { enclave } : {}),
    };
  }
}

function checkIssuer(header: Record<string, unknown>, claims: Record<string, unknown>, options: VerifyMaaOptions) {
  const iss = claims.iss;
  if (typeof iss !== "string") invalid("MAA token has no iss");
  if (typeof header.jku === "string" && header.jku !== `${iss}/certs`) {
    invalid(`MAA token jku ${header.jku} is not ${iss}/certs`);
  }
  if (options.issuers && !options.issuers.includes(iss)) invalid(`MAA instance ${iss} is not an accepted issuer`);
}

function checkTime(claims: Record<string, unknown>, at: Date) {
  const now = Math.floor(at.getTime() / 1000);
  if (typeof claims.nbf === "number" && now < claims.nbf) invalid(`MAA token is not valid before ${claims.nbf}`);
  if (typeof claims.exp === "number" && now >= claims.exp) invalid(`MAA token expired at ${claims.exp}`);
}

/**
 * Whether the first 32 bytes of the MAA enclave's report data equal the base64-decoded `kid` (spec §11.1).
 *
 * @param reportData The enclave's report data (64 bytes).
 * @param kid The token's `kid`, base64.
 * @returns Whether they match; `false` when `kid` is not base64.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { enclaveReportDataMatchesKid } from "./maa_token.ts";
 * ok(enclaveReportDataMatchesKid(new Uint8Array(64), "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
 * ```
 */
export function enclaveReportDataMatchesKid(reportData: Uint8Array, kid: string): boolean {
  let decoded: Uint8Array;
  try {
    decoded = fromBase64(kid);
  } catch {
    return false;
  }
  return toHex(reportData.subarray(0, 32)) === toHex(decoded);
}

/**
 * An MAA token's outcome as checks: `token` (signature, issuer, time), and `maa-enclave` when the signing
 * certificate carries the MAA enclave's own SGX quote (its report data must bind the signing key, the kid).
 */
export function maaTokenChecks(maa: MaaTokenVerification): Check[] {
  const text = (v: unknown) => typeof v === "string" ? v : null;
  const number = (v: unknown) => typeof v === "number" ? v : null;
  const details: { [key: string]: Json } = {
    alg: text(maa.header.alg),
    kid: text(maa.header.kid),
    iss: text(maa.claims.iss),
    attestationType: maa.values.attestationType ?? null,
    mrenclave: maa.values.mrenclave ?? null,
    mrsigner: maa.values.mrsigner ?? null,
    nbf: number(maa.claims.nbf),
    exp: number(maa.claims.exp),
    timeChecked: maa.timeChecked,
    signer: maa.signer ?? null,
  };
  const out = [
    maa.valid
      ? check(
        "token",
        "pass",
        `MAA token (RS256) verifies with /certs key ${String(maa.header.kid)}, issued by ${String(maa.claims.iss)}`,
        { details },
      )
      : check("token", "fail", maa.error!.message, { code: maa.error!.code, details }),
  ];
  if (maa.enclave) {
    const kid = typeof maa.header.kid === "string" ? maa.header.kid : "";
    const bound = enclaveReportDataMatchesKid(maa.enclave.body.reportData, kid);
    const enclave = { mrenclave: maa.enclave.body.mrEnclave, mrsigner: maa.enclave.body.mrSigner, kid };
    out.push(
      bound
        ? check(
          "maa-enclave",
          "pass",
          "The MAA signing certificate's SGX quote binds the signing key (report_data = kid)",
          {
            details: enclave,
          },
        )
        : check(
          "maa-enclave",
          "fail",
          "The MAA signing certificate's SGX quote does not bind the signing key: report_data[0:32] is not the kid",
          { code: "MAA_TOKEN_INVALID", details: enclave },
        ),
    );
  }
  return out;
}
