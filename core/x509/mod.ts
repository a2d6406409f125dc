/**
 * X.509 certificates, chain validation and did:x509 resolution, offline.
 *
 * - {@linkcode parseCertificate} / {@linkcode parseCertificates}: strict DER parsing (DER or a PEM bundle) into
 *   a typed {@linkcode Certificate}; malformed input is `X509_MALFORMED`.
 * - {@linkcode verifyChain}: RFC 5280 path validation of a supplied chain with its last certificate as trust
 *   anchor, without validity periods unless `validAt` is given.
 * - {@linkcode resolveDidX509}: did:x509 (version 0) resolution with the exact messages of the
 *   microsoft/did-x509 test vectors.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseDidX509, resolveDidX509 } from "./mod.ts";
 * import { VerificationError } from "../errors.ts";
 *
 * const did = parseDidX509("did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2");
 * assert(did.predicates[0]!.name === "eku");
 *
 * // A real caller passes the statement's x5chain (DER certificates, leaf first).
 * try {
 *   await resolveDidX509(did.did, []);
 * } catch (error) {
 *   assert(error instanceof VerificationError && error.code === "X509_CHAIN_INVALID");
 * }
 * ```
 *
 * @module
 */

export { type Certificate, parseCertificate, parseCertificates } from "./certificate.ts";
export { CHAIN_ERROR, verifyChain, type VerifyChainOptions } from "./chain.ts";
export {
  type DidX509,
  type DidX509Document,
  type DidX509FingerprintAlgorithm,
  type DidX509Predicate,
  type DidX509Resolution,
  parseDidX509,
  resolveDidX509,
} from "./did_x509.ts";
export {
  type BasicConstraints,
  type CertificateExtensions,
  type Extension,
  EXTENSION_OID,
  type KeyUsageFlag,
  type NameConstraints,
  parseExtensions,
} from "./extensions.ts";
export { type GeneralName, type OpaqueForm, parseGeneralName, parseGeneralNames } from "./general_name.ts";
export {
  attributeLabel,
  formatName,
  type Name,
  type NameAttribute,
  nameHasPrefix,
  namesEqual,
  parseName,
} from "./name.ts";
export { type NameConstraintViolation, nameConstraintViolation } from "./name_constraints.ts";
export {
  parseSignatureAlgorithm,
  type SignatureAlgorithm,
  type SignedObject,
  verifyCertificateSignature,
} from "./signature_algorithm.ts";
