/**
 * Exit statuses and the error type the command line raises for usage problems and missing files.
 *
 * @module
 */

import { AuditError, PolicyError, VerificationError } from "../core/errors.ts";

/** Exit statuses (DESIGN.md, Outputs). */
export const EXIT = { OK: 0, FAILED: 1, USAGE: 2, MALFORMED: 3, MISSING: 4, INTERNAL: 70 } as const;

/** An exit status. */
export type ExitStatus = (typeof EXIT)[keyof typeof EXIT];

/** An error the command line reports as one line with a given exit status. */
export class CliError extends Error {
  /** Creates an error with its exit status. */
  constructor(readonly exit: ExitStatus, message: string) {
    super(message);
    this.name = "CliError";
  }
}

/** A usage error (exit 2). */
export function usage(message: string): CliError {
  return new CliError(EXIT.USAGE, message);
}

/** The exit status for an error raised by the core. */
export function exitFor(error: AuditError): ExitStatus {
  if (error.code === "KEYSET_ISSUER_REQUIRED") return EXIT.USAGE;
  if (error instanceof VerificationError || error instanceof PolicyError) return EXIT.FAILED;
  return EXIT.MALFORMED;
}

/** The most severe of several statuses: missing file, then malformed input, then failed checks. */
export function worstExit(statuses: readonly ExitStatus[]): ExitStatus {
  for (const s of [EXIT.INTERNAL, EXIT.MISSING, EXIT.MALFORMED, EXIT.USAGE, EXIT.FAILED] as const) {
    if (statuses.includes(s)) return s;
  }
  return EXIT.OK;
}
