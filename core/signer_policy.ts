/**
 * Signer pinning and evaluation-time checks for `verify`, applied to a statement the pipeline already verified:
 * the issuer (a did:x509 DID, exactly or by a `*` pattern), the leaf certificate's identity (subject, SAN, EKU;
 * exact or a regular expression), the leaf's validity at a given time, and a detached payload (for a hash
 * envelope, labels 258/259/260: the artifact whose digest the payload is), and the chain to given X.509 roots.
 * Each check gives a pass (`undefined`) or a reason.
 *
 * @module
 */

import { equalBytes, toHex } from "./bytes.ts";
import { HEADER } from "./cose/labels.ts";
import { decodeCoseSign1 } from "./cose/sign1.ts";
import { digest, type HashName } from "./crypto/digest.ts";
import { AuditError } from "./errors.ts";
import { type Certificate, parseCertificate } from "./x509/certificate.ts";
import { verifyChain } from "./x509/chain.ts";
import { formatName } from "./x509/name.ts";

/** What a statement's signer looks like: its leaf certificate and payload, as far as they decode. */
export interface SignerFacts {
  /** The x5chain leaf, when there is one. */
  readonly leaf?: Certificate;
  /** The whole x5chain, leaf first (empty when there is none). */
  readonly chain: readonly Certificate[];
  /** The identities of the leaf: `subject:<DN>`, `email:`, `dns:`, `uri:` SANs and `eku:<OID>`. */
  readonly identities: readonly string[];
  /** The attached payload, or `null` when detached. */
  readonly payload: Uint8Array | null;
  /** For a hash envelope: the hash of label 258 (`SHA-256`, ...), else undefined. */
  readonly payloadHash?: HashName;
}

const COSE_HASHES: ReadonlyMap<number, HashName> = new Map([[-16, "SHA-256"], [-43, "SHA-384"], [-44, "SHA-512"]]);

/**
 * Reads the facts the checks need from statement bytes (already verified, so decoding succeeds).
 *
 * @example
 * ```ts ignore
 * const facts = signerFacts(await Deno.readFile("statement.cose"));
 * console.log(facts.identities);
 * ```
 */
export function signerFacts(bytes: Uint8Array): SignerFacts {
  const message = decodeCoseSign1(bytes);
  const chain = message.protectedHeader.get(HEADER.X5CHAIN) ?? message.unprotectedHeader.get(HEADER.X5CHAIN);
  const ders = chain instanceof Uint8Array ? [chain] : Array.isArray(chain) ? chain : [];
  const certificates = ders.filter((d): d is Uint8Array => d instanceof Uint8Array).map((d) => parseCertificate(d));
  const leaf = certificates[0];
  const hashAlg = message.protectedHeader.get(HEADER.PAYLOAD_HASH_ALG);
  const payloadHash = typeof hashAlg === "number" ? COSE_HASHES.get(hashAlg) : undefined;
  return {
    ...(leaf ? { leaf } : {}),
    chain: certificates,
    identities: leaf ? leafIdentities(leaf) : [],
    payload: message.payload,
    ...(payloadHash ? { payloadHash } : {}),
  };
}

/**
 * The identities a certificate can be pinned by: `subject:<DN>`, each SAN as `email:`, `dns:`, `uri:` or
 * `dn:<DN>`, and each EKU as `eku:<OID>`.
 */
export function leafIdentities(leaf: Certificate): string[] {
  const out = [`subject:${formatName(leaf.subject)}`];
  for (const san of leaf.extensions.subjectAltNames ?? []) {
    if (san.type === "email" || san.type === "dns" || san.type === "uri") out.push(`${san.type}:${san.value}`);
    else if (san.type === "dn") out.push(`dn:${formatName(san.value)}`);
  }
  for (const eku of leaf.extensions.extKeyUsage ?? []) out.push(`eku:${eku}`);
  return out;
}

/** A `--certificate-identity` value matches an identity whole, with or without its `type:` prefix. */
export function identityMatches(identities: readonly string[], wanted: string): boolean {
  return identities.some((id) => id === wanted || id.slice(id.indexOf(":") + 1) === wanted);
}

/** A `--certificate-identity-regexp` matches when it matches an identity (anchor it with ^…$ to match whole). */
export function identityMatchesPattern(identities: readonly string[], pattern: RegExp): boolean {
  return identities.some((id) => pattern.test(id) || pattern.test(id.slice(id.indexOf(":") + 1)));
}

/**
 * A `--signer` value: a DID, or a pattern where `*` stands for any run of characters, matched against the whole
 * issuer.
 *
 * @example
 * ```ts
 * import { signerMatches } from "./signer_policy.ts";
 * console.assert(signerMatches("did:x509:0:sha256:abc::eku:1.3.6.1.5.5.7.3.36", "did:x509:0:sha256:abc::*"));
 * console.assert(!signerMatches("did:x509:0:sha256:abd::eku:1", "did:x509:0:sha256:abc::*"));
 * ```
 */
export function signerMatches(issuer: string | undefined, pattern: string): boolean {
  if (issuer === undefined) return false;
  if (!pattern.includes("*")) return issuer === pattern;
  const source = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`, "s").test(issuer);
}

/** The leaf's validity at `at`: `undefined` when valid, else why not. */
export function leafValidityProblem(leaf: Certificate, at: Date): string | undefined {
  if (at < leaf.notBefore) {
    return `the signing certificate is not valid until ${iso(leaf.notBefore)} (evaluated at ${iso(at)})`;
  }
  if (at > leaf.notAfter) return `the signing certificate expired at ${iso(leaf.notAfter)} (evaluated at ${iso(at)})`;
  return undefined;
}

/**
 * Checks a detached payload file against the statement: for a hash envelope its digest must equal the payload
 * (the registered digest); otherwise an attached payload must equal the file byte for byte. A statement whose
 * payload is detached and is not a hash envelope cannot be checked here (its signature covers the payload).
 */
export async function payloadProblem(facts: SignerFacts, file: Uint8Array): Promise<string | undefined> {
  // A detached payload is what the statement's signature was verified over (the command passes it to the
  // pipeline), so there is nothing more to compare.
  if (facts.payload === null) return undefined;
  if (facts.payloadHash) {
    const computed = toHex(await digest(facts.payloadHash, file));
    const registered = toHex(facts.payload);
    return computed === registered
      ? undefined
      : `the ${facts.payloadHash} of the payload file is ${computed}; the statement registers ${registered}`;
  }
  if (facts.payload.length === file.length && toHex(facts.payload) === toHex(file)) return undefined;
  return `the payload file (${file.length} bytes) differs from the statement's payload (${facts.payload.length} bytes)`;
}

/**
 * Checks that the x5chain ends in one of `roots` (the same certificate) and is a valid chain to it (signatures,
 * CA constraints, name constraints; validity periods are reported separately, see {@linkcode leafValidityProblem}).
 */
export async function rootProblem(
  chain: readonly Certificate[],
  roots: readonly Certificate[],
): Promise<string | undefined> {
  const anchor = chain[chain.length - 1];
  if (!anchor) return "the statement has no x5chain to check against --x509-roots";
  if (!roots.some((r) => equalBytes(r.der, anchor.der))) {
    return "the x5chain does not end in a root given with --x509-roots";
  }
  try {
    await verifyChain(chain);
    return undefined;
  } catch (error) {
    if (error instanceof AuditError) return `the x5chain is not valid: ${error.message}`;
    throw error;
  }
}

function iso(date: Date): string {
  return date.toISOString().replace(".000Z", "Z");
}
