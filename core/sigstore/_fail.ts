/**
 * How the Sigstore verifier fails: one helper per error class, each message naming the step that failed, e.g.
 * `Sigstore step 'tlog-set': the signed entry timestamp does not verify with the log key`.
 *
 * @module
 */

import { AuditError, type ErrorCode, PolicyError, VerificationError } from "../errors.ts";

/** The verification steps, in pipeline order (spec `sigstore.md` §2). */
export type SigstoreStep =
  | "bundle"
  | "trusted-root"
  | "timestamp"
  | "certificate"
  | "sct"
  | "public-key"
  | "tlog"
  | "tlog-set"
  | "tlog-checkpoint"
  | "tlog-inclusion"
  | "tlog-body"
  | "artifact"
  | "signature"
  | "identity";

/** An error raised by one step; `step` says which. */
export interface SigstoreFailure {
  /** The step that failed. */
  readonly step: SigstoreStep;
}

function message(step: SigstoreStep, detail: string): string {
  return `Sigstore step '${step}': ${detail}`;
}

/** Throws the malformed-input error for the bundle (`SIGSTORE_BUNDLE_MALFORMED`, exit 3). */
export function malformedBundle(detail: string): never {
  throw Object.assign(new AuditError("SIGSTORE_BUNDLE_MALFORMED", message("bundle", detail)), { step: "bundle" });
}

/** Throws the malformed-input error for the trusted root (`SIGSTORE_TRUSTED_ROOT_MALFORMED`, exit 3). */
export function malformedRoot(detail: string): never {
  throw Object.assign(new AuditError("SIGSTORE_TRUSTED_ROOT_MALFORMED", message("trusted-root", detail)), {
    step: "trusted-root",
  });
}

/** Throws a verification failure of a step. */
export function failStep(code: ErrorCode, step: SigstoreStep, detail: string): never {
  throw Object.assign(new VerificationError(code, message(step, detail)), { step });
}

/** Throws an identity policy failure (`SIGSTORE_IDENTITY_MISMATCH`). */
export function failPolicy(detail: string): never {
  throw Object.assign(new PolicyError("SIGSTORE_IDENTITY_MISMATCH", message("identity", detail)), {
    step: "identity",
  });
}

/** The step an error names, when it came from this verifier. */
export function stepOf(error: unknown): SigstoreStep | undefined {
  return error instanceof AuditError && typeof (error as AuditError & Partial<SigstoreFailure>).step === "string"
    ? (error as AuditError & SigstoreFailure).step
    : undefined;
}
