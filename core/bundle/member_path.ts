/**
 * Member paths of an audit bundle: relative, `/`-separated, inside the bundle. Anything that could name a place
 * outside it (`..`, `.`, an absolute path, a backslash, a drive letter, an empty segment, a control character)
 * is refused with `BUNDLE_PATH_ESCAPE`.
 *
 * @module
 */

import { AuditError } from "../errors.ts";

/** The longest member path accepted. */
export const MAX_MEMBER_PATH = 1024;

/** Why a member path is refused, or `undefined` when it is a safe relative path. */
function problemOf(path: string): string | undefined {
  if (path.length === 0) return "it is empty";
  if (path.length > MAX_MEMBER_PATH) return `it is longer than ${MAX_MEMBER_PATH} characters`;
  if (path.startsWith("/")) return "it is absolute";
  if (path.includes("\\")) return "it contains a backslash";
  if (/^[A-Za-z]:/.test(path)) return "it starts with a drive letter";
  // deno-lint-ignore no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(path)) return "it contains a control character";
  const segments = path.split("/");
  if (segments.some((s) => s === "")) return "it has an empty segment";
  if (segments.some((s) => s === "." || s === "..")) return "it has a '.' or '..' segment";
  return undefined;
}

/**
 * Checks a member path; throws `BUNDLE_PATH_ESCAPE` when it could name a place outside the bundle.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { checkMemberPath } from "./member_path.ts";
 * checkMemberPath("demo/demo.yaml");
 * try {
 *   checkMemberPath("../etc/passwd");
 * } catch (error) {
 *   assert((error as { code: string }).code === "BUNDLE_PATH_ESCAPE");
 * }
 * ```
 */
export function checkMemberPath(path: string): void {
  const problem = problemOf(path);
  if (problem) {
    throw new AuditError("BUNDLE_PATH_ESCAPE", `Cannot accept bundle member '${path}': ${problem}`);
  }
}

/**
 * Resolves a path written in a member (relative to that member's folder) to a member path, or `undefined` when
 * it is absolute or leaves the bundle.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { resolveMemberPath } from "./member_path.ts";
 * assert(resolveMemberPath("demo/demo.yaml", "../mst/a.cose") === "mst/a.cose");
 * assert(resolveMemberPath("demo/demo.yaml", "../../x") === undefined);
 * ```
 */
export function resolveMemberPath(from: string, relative: string): string | undefined {
  if (relative.startsWith("/") || relative.includes("\\") || /^[A-Za-z]:/.test(relative)) return undefined;
  const parts = from.split("/").slice(0, -1);
  for (const segment of relative.split("/")) {
    if (segment === "" || segment === ".") continue;
    if (segment === "..") {
      if (parts.length === 0) return undefined;
      parts.pop();
    } else {
      parts.push(segment);
    }
  }
  const path = parts.join("/");
  return problemOf(path) ? undefined : path;
}
