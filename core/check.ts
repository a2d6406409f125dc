/**
 * The one result vocabulary of the core: every verifier says what it decided as a list of {@linkcode Check}s next
 * to its typed facts. A report only places them (a prefix for the id, the kind and subject of the evidence); it
 * never rebuilds a check from facts, switches on check ids or reads message text.
 *
 * @module
 */

import type { Json } from "./report/canonical_json.ts";

/** The outcome of one check: it held, it did not, it is worth a look, or it was not made. */
export type CheckStatus = "pass" | "fail" | "warn" | "skip";

/** One check and its outcome. */
export interface Check {
  /** Stable id within its verifier, e.g. `signature`, `receipt.0`, `vcek-tcb`. */
  readonly id: string;
  /** pass | fail | warn | skip. */
  readonly status: CheckStatus;
  /** One line saying what was found. */
  readonly message: string;
  /** The stable error code when the check failed (or warned) on a coded problem. */
  readonly code?: string;
  /** Structured facts: the values compared, digests, txids. */
  readonly details?: { readonly [key: string]: Json };
}

/** What a check may carry besides its id, status and message; absent members are left out. */
export interface CheckExtra {
  /** The error code, when there is one. */
  readonly code?: string | undefined;
  /** Structured facts. */
  readonly details?: { readonly [key: string]: Json } | undefined;
}

/**
 * Builds a check, leaving out absent optional members (so a check compares and serialises the same however it
 * was built).
 *
 * @param id The check's id.
 * @param status Its outcome.
 * @param message One line saying what was found.
 * @param extra The code and details, when there are any.
 * @returns The check.
 *
 * @example Usage
 * ```ts
 * import { deepEqual } from "node:assert/strict";
 * import { check } from "./check.ts";
 * deepEqual(check("vmpl", "pass", "VMPL 0", { code: undefined }), { id: "vmpl", status: "pass", message: "VMPL 0" });
 * ```
 */
export function check(id: string, status: CheckStatus, message: string, extra: CheckExtra = {}): Check {
  return {
    id,
    status,
    message,
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ...(extra.details !== undefined ? { details: extra.details } : {}),
  };
}

/**
 * The first failed check, if any.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { check, firstFailure } from "./check.ts";
 * equal(firstFailure([check("a", "pass", "ok"), check("b", "fail", "no", { code: "X" })])?.id, "b");
 * ```
 */
export function firstFailure(checks: readonly Check[]): Check | undefined {
  return checks.find((c) => c.status === "fail");
}
