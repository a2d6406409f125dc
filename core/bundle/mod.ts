/**
 * Audit bundles: one file with a playbook and every file it names, each with its SHA-256 in a manifest.
 * Read in memory and verified before use; member paths can never leave the bundle.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { encodeBundle, readBundle, resolveMemberPath } from "./mod.ts";
 * const bytes = await encodeBundle("demo/demo.yaml", [
 *   { path: "demo/demo.yaml", bytes: new TextEncoder().encode("playbook: 1\n") },
 *   { path: "mst/statements/a.cose", bytes: new Uint8Array([0xd2]) },
 * ]);
 * const bundle = await readBundle(bytes);
 * const member = resolveMemberPath(bundle.playbook, "../mst/statements/a.cose");
 * assert(member !== undefined && bundle.files.has(member));
 * ```
 *
 * @module
 */

export {
  type Bundle,
  BUNDLE_FORMAT,
  BUNDLE_MAGIC,
  encodeBundle,
  isBundle,
  type ManifestEntry,
  MAX_MANIFEST_BYTES,
  MAX_MEMBERS,
  readBundle,
} from "./format.ts";
export { checkMemberPath, MAX_MEMBER_PATH, resolveMemberPath } from "./member_path.ts";
