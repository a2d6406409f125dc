/**
 * did:x509 (method version 0): DID parsing, resolution against a certificate chain, and the DID document,
 * following microsoft/did-x509 and its test vectors (spec `cose-and-statements.md` §6).
 *
 * @module
 */

import { fromUtf8, toBase64Url, utf8 } from "../bytes.ts";
import { digest, type HashName } from "../crypto/digest.ts";
import { publicKeyToJwk } from "../crypto/public_key.ts";
import { AuditError, VerificationError } from "../errors.ts";
import { type Certificate, parseCertificate } from "./certificate.ts";
import { verifyChain, type VerifyChainOptions } from "./chain.ts";
import { type CertificateModel, certificateModel } from "./_did_x509_model.ts";

/** A fingerprint algorithm a did:x509 may name. */
export type DidX509FingerprintAlgorithm = "sha256" | "sha384" | "sha512";

const FINGERPRINT_HASH: Readonly<Record<DidX509FingerprintAlgorithm, HashName>> = {
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};

const PREFIX = "did:x509:0:";

/** One `::name:value` predicate of a did:x509, value still percent-encoded. */
export interface DidX509Predicate {
  /** The predicate name, e.g. `"subject"`, `"san"`, `"eku"`, `"fulcio-issuer"`. */
  readonly name: string;
  /** Everything after the first `:`, e.g. `"CN:Microsoft%20Corporation"`. */
  readonly value: string;
}

/** A parsed did:x509. */
export interface DidX509 {
  /** The DID without its fragment. */
  readonly did: string;
  /** The CA fingerprint algorithm. */
  readonly algorithm: DidX509FingerprintAlgorithm;
  /** The base64url CA fingerprint, e.g. `"I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s"`. */
  readonly fingerprint: string;
  /** The predicates in order (at least one). */
  readonly predicates: readonly DidX509Predicate[];
}

/** The DID document a did:x509 resolves to (the shape of the microsoft/did-x509 test vectors). */
export interface DidX509Document {
  /** Always `"https://www.w3.org/ns/cid/v1"`. */
  readonly "@context": "https://www.w3.org/ns/cid/v1";
  /** The DID without fragment. */
  readonly id: string;
  /** The leaf key as verification method `<id>#0`. */
  readonly verificationMethod: readonly [{
    readonly id: string;
    readonly type: "JsonWebKey";
    readonly controller: string;
    readonly publicKeyJwk: Readonly<Record<string, string>>;
  }];
  /** `[<id>#0]` when the leaf may sign (keyUsage digitalSignature, or no keyUsage). */
  readonly authentication?: readonly string[];
  /** Same condition as `authentication`. */
  readonly assertionMethod?: readonly string[];
  /** `[<id>#0]` when the leaf may agree keys (keyUsage keyAgreement, or no keyUsage). */
  readonly keyAgreement?: readonly string[];
}

/** The outcome of {@linkcode resolveDidX509}. */
export interface DidX509Resolution {
  /** The DID document. */
  readonly document: DidX509Document;
  /** The leaf certificate (`chain[0]`), whose key the document carries. */
  readonly leaf: Certificate;
  /** The DID without fragment (the document id). */
  readonly did: string;
}

function syntaxError(message: string): never {
  throw new AuditError("DIDX509_INVALID", message);
}

function mismatch(message: string): never {
  throw new VerificationError("DIDX509_INVALID", message);
}

/**
 * Parses a did:x509. The fragment is dropped; paths, queries, another version, an unknown fingerprint
 * algorithm or a DID without predicates are `AuditError` `DIDX509_INVALID` with the test vectors' messages.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseDidX509 } from "./did_x509.ts";
 * const did = parseDidX509("did:x509:0:sha256:hH32p4SXlD8n_HLrk_mmNzIKArVh0KkbCeh6eAftfGE::subject:CN:Microsoft%20Corporation#key");
 * assert(did.algorithm === "sha256" && did.predicates[0]!.value === "CN:Microsoft%20Corporation");
 * assert(!did.did.includes("#"));
 * ```
 */
export function parseDidX509(did: string): DidX509 {
  const hash = did.indexOf("#");
  const base = hash === -1 ? did : did.slice(0, hash);
  if (!base.startsWith(PREFIX)) syntaxError("DID prefix is invalid.");
  const slash = base.indexOf("/");
  const query = base.indexOf("?");
  if (slash !== -1 && (query === -1 || slash < query)) syntaxError("DID URL paths are not supported.");
  if (query !== -1) syntaxError("DID URL queries are not supported.");
  const [head, ...parts] = base.slice(PREFIX.length).split("::");
  const [algorithm, fingerprint, ...extra] = head!.split(":");
  if (!isFingerprintAlgorithm(algorithm)) syntaxError("Fingerprint algorithm is not supported.");
  if (parts.length === 0) syntaxError("DID must contain at least one predicate.");
  if (fingerprint === undefined || extra.length > 0 || !/^[A-Za-z0-9_-]+$/.test(fingerprint)) {
    syntaxError("CA fingerprint must be base64url.");
  }
  const predicates = parts.map((part) => {
    const colon = part.indexOf(":");
    return colon === -1 ? { name: part, value: "" } : { name: part.slice(0, colon), value: part.slice(colon + 1) };
  });
  return { did: base, algorithm, fingerprint, predicates };
}

function isFingerprintAlgorithm(value: string | undefined): value is DidX509FingerprintAlgorithm {
  return value === "sha256" || value === "sha384" || value === "sha512";
}

/**
 * Resolves a did:x509 against a certificate chain (leaf first, DER or parsed), following spec §6.3: chain
 * validation ({@linkcode verifyChain}, validity periods only with `validAt`), mapping the certificates to the
 * did:x509 model, parsing the DID, matching the CA fingerprint against `chain[1..]`, evaluating predicates in
 * order, and building the DID document from the leaf key. Failures are `DIDX509_INVALID` with the exact test
 * vector message: `VerificationError` when the chain or a predicate does not hold, plain `AuditError` when the
 * DID or a certificate cannot be read.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { resolveDidX509 } from "./did_x509.ts";
 * try {
 *   await resolveDidX509("did:x509:0:sha256:AAAA::eku:1.2.3", []);
 * } catch (error) {
 *   assert((error as Error).message === "Certificate chain must contain at least two certificates.");
 * }
 * ```
 */
export async function resolveDidX509(
  did: string,
  chain: readonly (Uint8Array | Certificate)[],
  options: VerifyChainOptions = {},
): Promise<DidX509Resolution> {
  const certificates = chain.map((item) => item instanceof Uint8Array ? parseCertificate(item) : item);
  await verifyChain(certificates, options);
  // Every certificate is mapped, not only the leaf: a duplicate name attribute or an unsupported SAN type
  // anywhere in the chain fails resolution, as in the reference implementation.
  const [leafModel] = certificates.map(certificateModel);
  const parsed = parseDidX509(did);
  await checkFingerprint(parsed, certificates.slice(1));
  for (const predicate of parsed.predicates) checkPredicate(predicate, leafModel!);
  const leaf = certificates[0]!;
  return { document: didDocument(parsed.did, leaf), leaf, did: parsed.did };
}

async function checkFingerprint(did: DidX509, authorities: readonly Certificate[]): Promise<void> {
  for (const cert of authorities) {
    if (toBase64Url(await digest(FINGERPRINT_HASH[did.algorithm], cert.der)) === did.fingerprint) return;
  }
  mismatch("CA fingerprint does not match the certificate chain.");
}

function checkPredicate(predicate: DidX509Predicate, leaf: CertificateModel): void {
  switch (predicate.name) {
    case "subject":
      return checkSubject(predicate.value, leaf);
    case "san":
      return checkSan(predicate.value, leaf);
    case "eku":
      if (!leaf.eku) mismatch("Certificate does not contain an EKU extension.");
      if (!leaf.eku.includes(predicate.value)) mismatch("EKU predicate does not match the certificate.");
      return;
    case "fulcio-issuer":
      if (leaf.fulcioIssuer === undefined) mismatch("Certificate does not contain a Fulcio issuer extension.");
      if (`https://${percentDecode(predicate.value)}` !== leaf.fulcioIssuer) {
        mismatch("Fulcio issuer predicate does not match the certificate.");
      }
      return;
    default:
      syntaxError("DID contains an unknown predicate.");
  }
}

/** `key:value(:key:value)*`: no key twice, every key present in the leaf subject with the decoded value. */
function checkSubject(value: string, leaf: CertificateModel): void {
  const items = value.split(":");
  if (items.length % 2 !== 0) syntaxError("Subject predicate requires key-value pairs.");
  const pairs = Array.from({ length: items.length / 2 }, (_, i) => [items[2 * i]!, items[2 * i + 1]!] as const);
  if (new Set(pairs.map(([key]) => key)).size !== pairs.length) {
    syntaxError("Subject predicate contains duplicate fields.");
  }
  for (const [key, encoded] of pairs) {
    const actual = Object.hasOwn(leaf.subject, key) ? leaf.subject[key] : undefined;
    if (actual === undefined) mismatch("Subject predicate contains an unknown key.");
    if (percentDecode(encoded) !== actual) mismatch("Subject predicate does not match the certificate.");
  }
}

/** `type:value`: the pair must equal one email, DNS or URI SAN of the leaf. */
function checkSan(value: string, leaf: CertificateModel): void {
  const items = value.split(":");
  if (items.length !== 2) syntaxError("SAN predicate requires exactly one type and value.");
  const [type, encoded] = items as [string, string];
  const decoded = percentDecode(encoded);
  if (!leaf.san?.some(([sanType, sanValue]) => sanType === type && sanValue === decoded)) {
    mismatch("SAN predicate does not match the certificate.");
  }
}

/** Decodes `%HH` escapes (RFC 3986 §2.1) and reads the bytes as UTF-8; other characters pass through. */
function percentDecode(value: string): string {
  const bytes: number[] = [];
  for (const part of value.split(/(%[0-9A-Fa-f]{2})/)) {
    if (/^%[0-9A-Fa-f]{2}$/.test(part)) bytes.push(parseInt(part.slice(1), 16));
    else if (part.includes("%")) syntaxError("DID contains an invalid percent-encoding.");
    else bytes.push(...utf8(part));
  }
  try {
    return fromUtf8(new Uint8Array(bytes));
  } catch {
    return syntaxError("DID contains an invalid percent-encoding.");
  }
}

/** The DID document (spec §6.3 step 8): relationships follow the leaf's keyUsage. */
function didDocument(id: string, leaf: Certificate): DidX509Document {
  const keyUsage = leaf.extensions.keyUsage;
  const signs = !keyUsage || keyUsage.includes("digitalSignature");
  const agrees = !keyUsage || keyUsage.includes("keyAgreement");
  if (!signs && !agrees) mismatch("Leaf certificate key usage does not support DID operations.");
  const method = `${id}#0`;
  return {
    "@context": "https://www.w3.org/ns/cid/v1",
    id,
    verificationMethod: [{
      id: method,
      type: "JsonWebKey",
      controller: id,
      publicKeyJwk: publicKeyToJwk(leaf.publicKey),
    }],
    ...(signs ? { authentication: [method], assertionMethod: [method] } : {}),
    ...(agrees ? { keyAgreement: [method] } : {}),
  };
}
