/**
 * Sigstore bundles verified offline from a trusted root file: bundle v0.1–v0.3, message signatures and DSSE
 * (in-toto) envelopes, Fulcio chains and SCTs, RFC 3161 timestamps, Rekor SETs, checkpoints and inclusion proofs,
 * entry bodies, identity policy, and a public-key mode. No TUF, no network.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseTrustedRoot, verifySigstoreBundle } from "./mod.ts";
 * import { AuditError } from "../errors.ts";
 * const root = parseTrustedRoot(new TextEncoder().encode(
 *   '{"mediaType": "application/vnd.dev.sigstore.trustedroot+json;version=0.1"}',
 * ));
 * try {
 *   await verifySigstoreBundle(new TextEncoder().encode('{"mediaType": "x"}'), {
 *     artifact: { bytes: new Uint8Array() },
 *     trustedRoot: root,
 *   });
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "SIGSTORE_BUNDLE_MALFORMED");
 * }
 * ```
 *
 * @module
 */

export { type SigstoreFailure, type SigstoreStep, stepOf } from "./_fail.ts";
export {
  type BundleContent,
  type BundleKeyMaterial,
  type BundleVersion,
  type InclusionProof,
  parseBundle,
  type SigstoreBundle,
  type TlogEntry,
} from "./bundle.ts";
export { dssePae, IN_TOTO_PAYLOAD_TYPE, type InTotoSubject, inTotoSubjects } from "./dsse.ts";
export { FULCIO_ISSUER_OID, type SignerIdentity, signerIdentity, verifyFulcioChain } from "./fulcio.ts";
export { parseTimestamp, type TimestampToken, verifyTimestamp } from "./rfc3161.ts";
export { parseSctList, precertificateTbs, type Sct, SCT_LIST_OID, verifyScts } from "./sct.ts";
export { type Checkpoint, parseCheckpoint, verifyCheckpoint, verifyInclusion, verifySet } from "./tlog.ts";
export { type Signer, verifyTlogBody } from "./tlog_body.ts";
export {
  type CertificateAuthority,
  inRange,
  type LogAuthority,
  parseTrustedRoot,
  type TimeRange,
  type TrustedRoot,
} from "./trusted_root.ts";
export {
  type Expected,
  type IdentityPolicy,
  type SigningTime,
  type SigstoreArtifact,
  type SigstoreVerification,
  type SigstoreVerifyOptions,
  type VerifiedEntry,
  verifySigstoreBundle,
} from "./verify.ts";
