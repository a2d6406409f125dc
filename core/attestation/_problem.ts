/**
 * Turns a coded error into a {@linkcode Problem} for a result object; anything else is a bug and is rethrown.
 *
 * @module
 */

import { AuditError } from "../errors.ts";
import type { Problem } from "../statement.ts";

/** The problem an {@linkcode AuditError} describes; other errors are rethrown. */
export function problemOf(error: unknown): Problem {
  if (error instanceof AuditError) return { code: error.code, message: error.message };
  throw error;
}
