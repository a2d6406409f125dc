/**
 * Typed errors with stable codes. Every failure the core raises is an {@linkcode AuditError}
 * (or a subclass), so the command line can map it to a one-line message and an exit status.
 *
 * @module
 */

/** Stable error codes; the command line and the reports rely on these names. */
export type ErrorCode =
  | "INPUT_TOO_LARGE"
  | "CBOR_MALFORMED"
  | "CBOR_LIMIT_EXCEEDED"
  | "DER_MALFORMED"
  | "JSON_MALFORMED"
  | "COSE_MALFORMED"
  | "COSE_UNSUPPORTED_ALG"
  | "COSE_SIGNATURE_INVALID"
  | "COSE_DETACHED_PAYLOAD_MISSING"
  | "KEY_MALFORMED"
  | "KEY_UNSUPPORTED"
  | "KEY_PRIVATE_MEMBERS"
  | "KEY_KID_MISMATCH"
  | "KEY_CONFLICT"
  | "KEYSET_MALFORMED"
  | "KEYSET_ISSUER_REQUIRED"
  | "X509_MALFORMED"
  | "X509_CHAIN_INVALID"
  | "X5CHAIN_MISSING"
  | "X5T_MISMATCH"
  | "DIDX509_INVALID"
  | "ISSUER_KEY_MISMATCH"
  | "STATEMENT_MALFORMED"
  | "RECEIPTS_MISSING"
  | "RECEIPT_MALFORMED"
  | "RECEIPT_PROOF_INVALID"
  | "RECEIPT_LEGACY_FORMAT"
  | "RECEIPT_UNSUPPORTED_VDS"
  | "RECEIPT_KEY_NOT_FOUND"
  | "RECEIPT_ALG_MISMATCH"
  | "RECEIPT_KID_MISMATCH"
  | "RECEIPT_SIGNATURE_INVALID"
  | "RECEIPT_CLAIMS_DIGEST_MISMATCH"
  | "RECEIPT_UNKNOWN_ISSUER"
  | "RECEIPT_POLICY_FAILED"
  | "TRUST_LIST_UNTRUSTED"
  | "SNP_MALFORMED"
  | "SNP_SIGNATURE_INVALID"
  | "SNP_CHAIN_INVALID"
  | "SNP_POLICY_FAILED"
  | "UVM_ENDORSEMENT_INVALID"
  | "NODE_QUOTE_INVALID"
  | "ATTESTED_SERVICE_INVALID"
  | "MAA_TOKEN_INVALID"
  | "SGX_QUOTE_MALFORMED"
  | "REPORT_MALFORMED"
  | "REPORT_SIGNATURE_INVALID"
  | "REPORT_KEY_MISMATCH"
  | "SIGNER_NOT_ACCEPTED"
  | "PLAYBOOK_INVALID"
  | "PLAYBOOK_REFERENCE"
  | "PLAYBOOK_FILE_MISSING"
  | "BUNDLE_INVALID"
  | "BUNDLE_TAMPERED"
  | "BUNDLE_PATH_ESCAPE"
  | "COLLECT_UNPINNED"
  | "COLLECT_TLS_FAILED"
  | "COLLECT_NETWORK_FAILED"
  | "COLLECT_HTTP_FAILED"
  | "COLLECT_REDIRECT_REFUSED"
  | "COLLECT_RESPONSE_REFUSED"
  | "COLLECT_EVIDENCE_MISMATCH"
  | "SIGSTORE_BUNDLE_MALFORMED"
  | "SIGSTORE_TRUSTED_ROOT_MALFORMED"
  | "SIGSTORE_TIMESTAMP_INVALID"
  | "SIGSTORE_CERTIFICATE_INVALID"
  | "SIGSTORE_SCT_INVALID"
  | "SIGSTORE_KEY_INVALID"
  | "SIGSTORE_TLOG_INVALID"
  | "SIGSTORE_SET_INVALID"
  | "SIGSTORE_CHECKPOINT_INVALID"
  | "SIGSTORE_INCLUSION_PROOF_INVALID"
  | "SIGSTORE_TLOG_BODY_MISMATCH"
  | "SIGSTORE_ARTIFACT_MISMATCH"
  | "SIGSTORE_SIGNATURE_INVALID"
  | "SIGSTORE_IDENTITY_MISMATCH"
  | "PAYLOAD_MISMATCH"
  | "CERTIFICATE_NOT_VALID";

/**
 * An error about evidence or configuration, carrying a stable {@linkcode ErrorCode}.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { AuditError } from "./errors.ts";
 * const error = new AuditError("CBOR_MALFORMED", "Cannot decode CBOR: unexpected end of input at byte 3");
 * assert(error.code === "CBOR_MALFORMED");
 * ```
 */
export class AuditError extends Error {
  /** The stable code of this error. */
  readonly code: ErrorCode;

  /** Creates an error with a code and a one-line message. */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(message, options);
    this.name = "AuditError";
    this.code = code;
  }
}

/** A coded problem, as result objects carry it: the error's stable code and its one-line message. */
export interface Problem {
  /** Stable code. */
  readonly code: ErrorCode;
  /** One-line message (the SDK's text where there is one). */
  readonly message: string;
}

/**
 * The problem an {@linkcode AuditError} describes, for a result that reports rather than throws; any other error
 * is a bug and is rethrown.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { AuditError, problemOf } from "./errors.ts";
 * deepEqual(problemOf(new AuditError("CBOR_MALFORMED", "Cannot decode CBOR: truncated")), {
 *   code: "CBOR_MALFORMED",
 *   message: "Cannot decode CBOR: truncated",
 * });
 * ```
 */
export function problemOf(error: unknown): Problem {
  if (error instanceof AuditError) return { code: error.code, message: error.message };
  throw error;
}

/**
 * Evidence that parsed but did not verify: a signature, a digest or a proof is wrong.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { VerificationError } from "./errors.ts";
 * const error = new VerificationError("COSE_SIGNATURE_INVALID", "Signature verification failed");
 * assert(error instanceof Error);
 * ```
 */
export class VerificationError extends AuditError {
  /** Creates a verification error. */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "VerificationError";
  }
}

/**
 * Evidence that verified but is not what the caller trusts (issuer not allowed, receipt policy failed).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { PolicyError } from "./errors.ts";
 * const error = new PolicyError("RECEIPT_POLICY_FAILED", "Receipt issuer 'a.example' is not in the authorized domain list.");
 * assert(error.code === "RECEIPT_POLICY_FAILED");
 * ```
 */
export class PolicyError extends AuditError {
  /** Creates a policy error. */
  constructor(code: ErrorCode, message: string, options?: ErrorOptions) {
    super(code, message, options);
    this.name = "PolicyError";
  }
}

const MALFORMED_CODES: ReadonlySet<ErrorCode> = new Set<ErrorCode>([
  "INPUT_TOO_LARGE",
  "CBOR_MALFORMED",
  "CBOR_LIMIT_EXCEEDED",
  "DER_MALFORMED",
  "JSON_MALFORMED",
  "COSE_MALFORMED",
  "KEY_MALFORMED",
  "KEYSET_MALFORMED",
  "X509_MALFORMED",
  "STATEMENT_MALFORMED",
  "RECEIPT_MALFORMED",
  "RECEIPT_LEGACY_FORMAT",
  "REPORT_MALFORMED",
  "SNP_MALFORMED",
  "SGX_QUOTE_MALFORMED",
]);

/**
 * Whether a code means the input could not be read (as opposed to evidence that failed a check).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { isMalformedCode } from "./errors.ts";
 * assert(isMalformedCode("CBOR_MALFORMED") && !isMalformedCode("COSE_SIGNATURE_INVALID"));
 * ```
 */
export function isMalformedCode(code: ErrorCode): boolean {
  return MALFORMED_CODES.has(code);
}

/**
 * A value from the evidence, shown in a message: text quoted with control characters escaped, numbers as they are,
 * anything else by what it is — never `undefined`, `null`, `NaN` or `[object Object]`.
 *
 * @example
 * ```ts
 * import { shownValue } from "./errors.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(shownValue("EC\0"), '"EC\\u0000"');
 * strictEqual(shownValue(new Map()), "a map");
 * strictEqual(shownValue(undefined), "missing");
 * strictEqual(shownValue(-35), "-35");
 * ```
 */
export function shownValue(value: unknown): string {
  if (value === undefined || value === null) return "missing";
  if (typeof value === "string") return JSON.stringify(value);
  if (typeof value === "number") return Number.isFinite(value) ? String(value) : "a non-finite number";
  if (typeof value === "bigint" || typeof value === "boolean") return String(value);
  if (value instanceof Uint8Array) return `a byte string of ${value.length} bytes`;
  if (Array.isArray(value)) return `an array of ${value.length} items`;
  return "a map";
}
