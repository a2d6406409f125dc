/**
 * Error bodies of a transparency service made readable: CBOR concise problem details (RFC 9290,
 * `{-1: title, -2: detail}`) from the SCITT application, and CCF's JSON `{"error": {"code", "message"}}`.
 *
 * @module
 */

import { type CborValue, decodeCbor } from "../cbor.ts";
import { fromUtf8 } from "../bytes.ts";
import { mediaType } from "./endpoints.ts";

/** The content type of concise problem details. */
export const PROBLEM_DETAILS_TYPE = "application/concise-problem-details+cbor";

const MAX_TEXT = 240;

/** What an error body says. */
export interface ProblemDetails {
  /** The title or error code, e.g. `IndexingInProgressRetryLater`. */
  readonly title?: string;
  /** The detail or message. */
  readonly detail?: string;
}

function clean(value: unknown): string | undefined {
  if (typeof value !== "string") return undefined;
  // deno-lint-ignore no-control-regex
  const text = value.replace(/[\u0000-\u001f\u007f]+/g, " ").trim();
  if (text === "") return undefined;
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT)}…` : text;
}

function fromCbor(body: Uint8Array): ProblemDetails | undefined {
  let value: CborValue;
  try {
    value = decodeCbor(body, { maxDepth: 4 });
  } catch {
    return undefined;
  }
  if (!(value instanceof Map)) return undefined;
  const title = clean(value.get(-1));
  const detail = clean(value.get(-2));
  return title === undefined && detail === undefined ? undefined : { ...title && { title }, ...detail && { detail } };
}

function fromJson(body: Uint8Array): ProblemDetails | undefined {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(body));
  } catch {
    return undefined;
  }
  const error = (value as { error?: unknown } | null)?.error;
  if (typeof error !== "object" || error === null) return undefined;
  const title = clean((error as { code?: unknown }).code);
  const detail = clean((error as { message?: unknown }).message);
  return title === undefined && detail === undefined ? undefined : { ...title && { title }, ...detail && { detail } };
}

/**
 * Reads an error body, or `undefined` when it is neither problem details nor a CCF JSON error.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { readProblem } from "./problem.ts";
 * // {-1: "IndexingInProgressRetryLater", -2: "retry"}
 * const body = new Uint8Array([0xa2, 0x20, 0x78, 0x1c, ...new TextEncoder().encode("IndexingInProgressRetryLater"),
 *   0x21, 0x65, ...new TextEncoder().encode("retry")]);
 * assert(readProblem(body, "application/concise-problem-details+cbor")?.title === "IndexingInProgressRetryLater");
 * ```
 */
export function readProblem(body: Uint8Array, contentType: string | null): ProblemDetails | undefined {
  const type = mediaType(contentType);
  if (type === PROBLEM_DETAILS_TYPE || type === "application/cbor") return fromCbor(body);
  if (type === "application/json") return fromJson(body);
  return undefined;
}

/**
 * One line for a problem: `title: detail`, either alone, or `""`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { problemText } from "./problem.ts";
 * assert(problemText({ title: "NotFound", detail: "No such entry" }) === "NotFound: No such entry");
 * ```
 */
export function problemText(problem: ProblemDetails | undefined): string {
  if (!problem) return "";
  return [problem.title, problem.detail].filter((p) => p !== undefined).join(": ");
}
