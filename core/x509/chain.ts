/**
 * Certificate path validation (RFC 5280 §6) of a supplied chain, leaf first, with the last certificate as
 * trust anchor — the rules did:x509 and x5chain use (spec `cose-and-statements.md` §5 and §6.3).
 *
 * @module
 */

import { equalBytes } from "../bytes.ts";
import { VerificationError } from "../errors.ts";
import type { Certificate } from "./certificate.ts";
import { EXTENSION_OID } from "./extensions.ts";
import { namesEqual } from "./name.ts";
import { nameConstraintViolation } from "./name_constraints.ts";
import { verifyCertificateSignature } from "./signature_algorithm.ts";

/** Options for {@linkcode verifyChain}. */
export interface VerifyChainOptions {
  /**
   * Check every certificate's validity period at this time, e.g. a statement's `iat`. Absent (the default):
   * validity periods are not checked, as the MST service does.
   */
  readonly validAt?: Date;
}

/** Extensions that may be critical (spec §6.3 step 3); any other critical extension fails the chain. */
const ALLOWED_CRITICAL: ReadonlySet<string> = new Set([
  EXTENSION_OID.extKeyUsage,
  EXTENSION_OID.subjectAltName,
  EXTENSION_OID.basicConstraints,
  EXTENSION_OID.keyUsage,
  EXTENSION_OID.nameConstraints,
  EXTENSION_OID.policyConstraints,
  EXTENSION_OID.policyMappings,
  EXTENSION_OID.certificatePolicies,
  EXTENSION_OID.inhibitAnyPolicy,
]);

/** The chain failure messages; the first eight are the exact did:x509 test-vector strings (spec §6.4), the rest follow their form. */
export const CHAIN_ERROR = {
  tooShort: "Certificate chain must contain at least two certificates.",
  signature: "Certificate chain verification failed: certificate signature failure.",
  invalidCa: "Certificate chain verification failed: invalid CA certificate.",
  pathLength: "Certificate chain verification failed: path length constraint exceeded.",
  permitted: "Certificate chain verification failed: permitted subtree violation.",
  excluded: "Certificate chain verification failed: excluded subtree violation.",
  criticalExtension: "Certificate chain verification failed: unhandled critical extension.",
  pathMismatch: "Supplied chain does not match the verified chain.",
  noIssuer: "Certificate chain verification failed: unable to get local issuer certificate.",
  selfSignedInChain: "Certificate chain verification failed: self-signed certificate in certificate chain.",
  unsupportedConstraint: "Certificate chain verification failed: unsupported name constraint type.",
  unsupportedAlgorithm: "Certificate chain verification failed: unsupported signature algorithm.",
  expired: "Certificate chain verification failed: certificate has expired.",
  notYetValid: "Certificate chain verification failed: certificate is not yet valid.",
  tooLong: "Certificate chain verification failed: certificate chain too long.",
} as const;

/** Path building is quadratic in the chain length, and real chains hold three or four certificates. */
const MAX_CHAIN_LENGTH = 16;

function fail(message: string): never {
  throw new VerificationError("X509_CHAIN_INVALID", message);
}

/**
 * Validates a chain given leaf first, with its last certificate as trust anchor:
 *
 * 1. at least two certificates, at most 16;
 * 2. a path is built from the leaf to the anchor by issuer name (and key identifier when both are present),
 *    preferring the anchor, from the supplied certificates;
 * 3. every issuer on the path is a CA (basicConstraints cA, keyCertSign when keyUsage is present) within its
 *    pathLenConstraint;
 * 4. each certificate's signature verifies with the next one's key, and the anchor's own signature when it
 *    is self-signed;
 * 5. validity periods, only when `validAt` is given;
 * 6. name constraints;
 * 7. no critical extension outside the allowed list;
 * 8. the path is exactly the supplied list.
 *
 * Failures are `VerificationError` `X509_CHAIN_INVALID` with the spec's exact message (see {@linkcode CHAIN_ERROR}).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { verifyChain } from "./chain.ts";
 * import { VerificationError } from "../errors.ts";
 * try {
 *   await verifyChain([]);
 * } catch (error) {
 *   assert(
 *     error instanceof VerificationError && error.message === "Certificate chain must contain at least two certificates.",
 *   );
 * }
 * ```
 */
export async function verifyChain(chain: readonly Certificate[], options: VerifyChainOptions = {}): Promise<void> {
  if (chain.length < 2) fail(CHAIN_ERROR.tooShort);
  if (chain.length > MAX_CHAIN_LENGTH) fail(CHAIN_ERROR.tooLong);
  const path = buildPath(chain);
  checkIssuers(path);
  await checkSignatures(path);
  if (options.validAt) checkValidity(path, options.validAt);
  checkNameConstraints(path);
  checkCriticalExtensions(path);
  if (path.length !== chain.length || path.some((cert, i) => cert !== chain[i])) fail(CHAIN_ERROR.pathMismatch);
}

function issues(issuer: Certificate, subject: Certificate): boolean {
  if (!namesEqual(issuer.subject, subject.issuer)) return false;
  const keyId = subject.extensions.authorityKeyId;
  const ownId = issuer.extensions.subjectKeyId;
  return !keyId || !ownId || equalBytes(keyId, ownId);
}

function selfIssued(cert: Certificate): boolean {
  return namesEqual(cert.subject, cert.issuer);
}

function selfSigned(cert: Certificate): boolean {
  return selfIssued(cert) && issues(cert, cert);
}

/** Builds the path leaf → anchor from the supplied certificates; each may be used once. */
function buildPath(chain: readonly Certificate[]): Certificate[] {
  const anchor = chain[chain.length - 1]!;
  const candidates = [anchor, ...chain.slice(1, -1)];
  const path = [chain[0]!];
  let current = chain[0]!;
  while (current !== anchor) {
    if (path.length > 1 && selfSigned(current)) fail(CHAIN_ERROR.selfSignedInChain);
    const issuer = candidates.find((candidate) => !path.includes(candidate) && issues(candidate, current));
    if (!issuer) fail(CHAIN_ERROR.noIssuer);
    path.push(issuer);
    current = issuer;
  }
  return path;
}

/** Every certificate above the leaf must be a CA allowed to sign certificates, within its path length. */
function checkIssuers(path: readonly Certificate[]): void {
  for (let i = 1; i < path.length; i++) {
    const { basicConstraints, keyUsage } = path[i]!.extensions;
    if (!basicConstraints?.ca || (keyUsage && !keyUsage.includes("keyCertSign"))) fail(CHAIN_ERROR.invalidCa);
    const below = path.slice(1, i).filter((cert) => !selfIssued(cert)).length;
    if (basicConstraints.pathLength !== undefined && below > basicConstraints.pathLength) fail(CHAIN_ERROR.pathLength);
  }
}

async function checkSignatures(path: readonly Certificate[]): Promise<void> {
  const anchor = path[path.length - 1]!;
  const signed = path.map((cert, i) => ({ cert, issuer: path[i + 1] ?? (selfSigned(anchor) ? anchor : undefined) }));
  for (const { cert, issuer } of signed.toReversed()) {
    if (!issuer) continue;
    if (!cert.signatureAlgorithm.scheme) fail(CHAIN_ERROR.unsupportedAlgorithm);
    if (!await verifyCertificateSignature(cert, issuer.publicKey)) fail(CHAIN_ERROR.signature);
  }
}

function checkValidity(path: readonly Certificate[], at: Date): void {
  for (const cert of path) {
    if (at < cert.notBefore) fail(CHAIN_ERROR.notYetValid);
    if (at > cert.notAfter) fail(CHAIN_ERROR.expired);
  }
}

/** A CA's constraints apply to every certificate below it, except self-issued intermediates (RFC 5280 §6.1.3). */
function checkNameConstraints(path: readonly Certificate[]): void {
  for (let i = path.length - 1; i >= 1; i--) {
    const constraints = path[i]!.extensions.nameConstraints;
    if (!constraints) continue;
    for (let j = i - 1; j >= 0; j--) {
      if (j > 0 && selfIssued(path[j]!)) continue;
      const violation = nameConstraintViolation(constraints, path[j]!);
      if (violation === "permitted") fail(CHAIN_ERROR.permitted);
      if (violation === "excluded") fail(CHAIN_ERROR.excluded);
      if (violation === "unsupported") fail(CHAIN_ERROR.unsupportedConstraint);
    }
  }
}

function checkCriticalExtensions(path: readonly Certificate[]): void {
  for (const cert of path) {
    if (cert.extensions.list.some((e) => e.critical && !ALLOWED_CRITICAL.has(e.oid))) {
      fail(CHAIN_ERROR.criticalExtension);
    }
  }
}
