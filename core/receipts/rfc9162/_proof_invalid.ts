/**
 * The one error a malformed or non-verifying RFC 9162 proof raises, shared by the decoder and the verifier.
 *
 * @module
 */

import { VerificationError } from "../../errors.ts";

/** Throws a {@linkcode VerificationError} `RECEIPT_PROOF_INVALID`, keeping `cause` when there is one. */
export function proofInvalid(message: string, cause?: unknown): never {
  throw new VerificationError("RECEIPT_PROOF_INVALID", message, cause === undefined ? undefined : { cause });
}
