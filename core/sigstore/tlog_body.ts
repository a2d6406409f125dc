/**
 * Matching a Rekor entry body to the bundle (spec `sigstore.md` §2, step 5): the logged signature, digest and
 * signer must be the bundle's. Kinds: `hashedrekord` 0.0.1 and 0.0.2 (Rekor v2, also "hashedrekord over DSSE"),
 * `dsse` 0.0.1 and `intoto` 0.0.2.
 *
 * @module
 */

import { equalBytes, fromBase64, fromHex, fromUtf8 } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import { pemBlocks, PemError } from "../pem.ts";
import { failStep } from "./_fail.ts";
import type { BundleContent, TlogEntry } from "./bundle.ts";
import { dssePae } from "./dsse.ts";

/** The signer as the bundle presents it: its certificate (keyless) and its public key. */
export interface Signer {
  /** The leaf certificate DER, in keyless mode. */
  readonly certificate?: Uint8Array;
  /** The DER SubjectPublicKeyInfo of the signing key. */
  readonly spki: Uint8Array;
}

type Json = Record<string, unknown>;

function mismatch(detail: string): never {
  return failStep("SIGSTORE_TLOG_BODY_MISMATCH", "tlog-body", detail);
}

function field(value: unknown, path: string): unknown {
  let current = value;
  for (const name of path.split(".")) {
    if (typeof current !== "object" || current === null || Array.isArray(current)) return undefined;
    current = (current as Json)[name];
  }
  return current;
}

function textField(body: unknown, path: string): string {
  const value = field(body, path);
  if (typeof value !== "string") mismatch(`the entry body has no string at spec.${path.replace(/^spec\./, "")}`);
  return value;
}

function decode64(text: string, what: string): Uint8Array {
  try {
    return fromBase64(text);
  } catch {
    return mismatch(`the entry body's ${what} is not base64`);
  }
}

/** A base64 field whose content is itself base64 text (intoto 0.0.2 encodes the envelope's fields twice). */
function decodeTwice(text: string, what: string): Uint8Array {
  let inner: string;
  try {
    inner = fromUtf8(decode64(text, what));
  } catch {
    return mismatch(`the entry body's ${what} is not base64 text`);
  }
  return decode64(inner, what);
}

function decodeHex(text: string, what: string): Uint8Array {
  try {
    return fromHex(text);
  } catch {
    return mismatch(`the entry body's ${what} is not hex`);
  }
}

/** A verifier written as PEM (base64 in the body): a certificate must be the signer's, a key its key. */
function checkPemVerifier(pemBase64: string, signer: Signer): void {
  let text: string;
  try {
    text = fromUtf8(decode64(pemBase64, "verifier"));
  } catch {
    return mismatch("the entry body's verifier is not PEM text");
  }
  try {
    const certificates = pemBlocks(text, "CERTIFICATE");
    const keys = pemBlocks(text, "PUBLIC KEY");
    if (certificates.length + keys.length !== 1) mismatch("the entry body's verifier is not one certificate or key");
    const ok = certificates[0]
      ? signer.certificate !== undefined && equalBytes(certificates[0], signer.certificate)
      : equalBytes(keys[0]!, signer.spki);
    if (!ok) mismatch("the entry's verifier is not the bundle's signing certificate or key");
  } catch (error) {
    if (error instanceof PemError) mismatch(`the entry body's verifier is not PEM: ${error.problem}`);
    throw error;
  }
}

function checkSignature(logged: Uint8Array, content: BundleContent): void {
  if (!equalBytes(logged, content.signature)) mismatch("the entry's signature is not the bundle's signature");
}

/** The digest a hashedrekord entry logs for the content: the message digest, or SHA-256 of the DSSE PAE. */
async function signedDigest(content: BundleContent): Promise<Uint8Array> {
  return content.kind === "message"
    ? content.digest.value
    : await sha256(dssePae(content.payloadType, content.payload));
}

async function hashedrekord001(body: unknown, content: BundleContent, signer: Signer): Promise<void> {
  if (content.kind !== "message") mismatch("a hashedrekord 0.0.1 entry cannot log a DSSE envelope");
  if (textField(body, "spec.data.hash.algorithm") !== "sha256") mismatch("the entry's digest is not sha256");
  const digest = decodeHex(textField(body, "spec.data.hash.value"), "digest");
  if (content.digest.hash !== "SHA-256" || !equalBytes(digest, await signedDigest(content))) {
    mismatch("the entry's artifact digest is not the bundle's message digest");
  }
  checkSignature(decode64(textField(body, "spec.signature.content"), "signature"), content);
  checkPemVerifier(textField(body, "spec.signature.publicKey.content"), signer);
}

async function hashedrekord002(body: unknown, content: BundleContent, signer: Signer): Promise<void> {
  const spec = "spec.hashedRekordV002";
  if (textField(body, `${spec}.data.algorithm`) !== "SHA2_256") mismatch("the entry's digest is not SHA2_256");
  const digest = decode64(textField(body, `${spec}.data.digest`), "digest");
  if (!equalBytes(digest, await signedDigest(content))) {
    mismatch(
      content.kind === "message"
        ? "the entry's artifact digest is not the bundle's message digest"
        : "the entry's digest is not SHA-256 of the envelope's PAE",
    );
  }
  checkSignature(decode64(textField(body, `${spec}.signature.content`), "signature"), content);
  const certificate = field(body, `${spec}.signature.verifier.x509Certificate.rawBytes`);
  const key = field(body, `${spec}.signature.verifier.publicKey.rawBytes`);
  const ok = typeof certificate === "string"
    ? signer.certificate !== undefined && equalBytes(decode64(certificate, "certificate"), signer.certificate)
    : typeof key === "string" && equalBytes(decode64(key, "public key"), signer.spki);
  if (!ok) mismatch("the entry's verifier is not the bundle's signing certificate or key");
}

function loggedSignatures(body: unknown, path: string): Json[] {
  const list = field(body, path);
  if (!Array.isArray(list) || list.length !== 1 || typeof list[0] !== "object" || list[0] === null) {
    mismatch(`the entry must log exactly one signature, found ${Array.isArray(list) ? list.length : 0}`);
  }
  return list as Json[];
}

async function dsse001(body: unknown, content: BundleContent, signer: Signer): Promise<void> {
  if (content.kind !== "dsse") mismatch("a dsse entry cannot log a message signature");
  const [logged] = loggedSignatures(body, "spec.signatures");
  checkSignature(decode64(textField(logged, "signature"), "signature"), content);
  checkPemVerifier(textField(logged, "verifier"), signer);
  if (textField(body, "spec.payloadHash.algorithm") !== "sha256") mismatch("the entry's payload hash is not sha256");
  if (
    !equalBytes(decodeHex(textField(body, "spec.payloadHash.value"), "payload hash"), await sha256(content.payload))
  ) {
    mismatch("the entry's payload hash is not SHA-256 of the envelope's payload");
  }
}

async function intoto002(body: unknown, content: BundleContent, signer: Signer): Promise<void> {
  if (content.kind !== "dsse") mismatch("an intoto entry cannot log a message signature");
  const [logged] = loggedSignatures(body, "spec.content.envelope.signatures");
  checkSignature(decodeTwice(textField(logged, "sig"), "signature"), content);
  checkPemVerifier(textField(logged, "publicKey"), signer);
  if (textField(body, "spec.content.payloadHash.algorithm") !== "sha256") {
    mismatch("the entry's payload hash is not sha256");
  }
  const payloadHash = decodeHex(textField(body, "spec.content.payloadHash.value"), "payload hash");
  if (!equalBytes(payloadHash, await sha256(content.payload))) {
    mismatch("the entry's payload hash is not SHA-256 of the envelope's payload");
  }
  const payload = field(body, "spec.content.envelope.payload");
  if (typeof payload === "string" && !equalBytes(decodeTwice(payload, "payload"), content.payload)) {
    mismatch("the entry's envelope payload is not the bundle's payload");
  }
}

/**
 * Checks that a tlog entry's canonicalized body logs this bundle's content and signer. The body's `kind` and
 * `apiVersion` must equal the entry's `kindVersion`.
 */
export async function verifyTlogBody(entry: TlogEntry, content: BundleContent, signer: Signer): Promise<void> {
  let body: unknown;
  try {
    body = JSON.parse(fromUtf8(entry.body));
  } catch {
    mismatch("the canonicalized body is not JSON");
  }
  const kind = field(body, "kind");
  const version = field(body, "apiVersion");
  if (kind !== entry.kind || version !== entry.version) {
    mismatch(`the body is ${String(kind)}/${String(version)}, the entry says ${entry.kind}/${entry.version}`);
  }
  const key = `${entry.kind}/${entry.version}`;
  switch (key) {
    case "hashedrekord/0.0.1":
      return await hashedrekord001(body, content, signer);
    case "hashedrekord/0.0.2":
      return await hashedrekord002(body, content, signer);
    case "dsse/0.0.1":
      return await dsse001(body, content, signer);
    case "intoto/0.0.2":
      return await intoto002(body, content, signer);
    default:
      return mismatch(`entry kind ${key} is not supported`);
  }
}
