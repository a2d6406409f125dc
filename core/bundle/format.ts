/**
 * The audit bundle format (version 1): one file carrying a playbook and every file it names, each with its
 * SHA-256, so an audit crosses an air gap in one piece and arrives provably whole.
 *
 * Layout (all of it covered by the checks below; no compression, no padding):
 *
 * ```text
 * magic            21 bytes  "scitt-audit-bundle/1\n"
 * manifest length   4 bytes  unsigned big-endian
 * manifest          n bytes  canonical JSON (RFC 8785), UTF-8:
 *                            {"files":[{"path","sha256","size"}, ...],   sorted by path, each path once
 *                             "format":"scitt-audit-bundle/1",
 *                             "playbook":"<the path of the playbook member>"}
 * members                    each file's bytes, in manifest order, back to back
 * checksum         32 bytes  SHA-256 of every byte before it (so a change to any byte, paths included, is caught)
 * ```
 *
 * Reading refuses (coded {@linkcode AuditError}): a wrong magic, a manifest that is not canonical JSON of this
 * shape, a size mismatch or trailing bytes (`BUNDLE_INVALID`); a member path that could leave the bundle
 * (`BUNDLE_PATH_ESCAPE`); a member whose SHA-256 differs from the manifest, or a wrong checksum
 * (`BUNDLE_TAMPERED`). Members are read
 * in memory; nothing is unpacked.
 *
 * @module
 */

import { concat, fromUtf8, toHex, utf8 } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import { AuditError } from "../errors.ts";
import { canonicalJson } from "../report/canonical_json.ts";
import { checkMemberPath } from "./member_path.ts";

/** The first bytes of every bundle. */
export const BUNDLE_MAGIC = "scitt-audit-bundle/1\n";
/** The format identifier in the manifest. */
export const BUNDLE_FORMAT = "scitt-audit-bundle/1";
/** The largest manifest accepted. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;
/** The most members accepted. */
export const MAX_MEMBERS = 10_000;

/** A member as the manifest lists it. */
export interface ManifestEntry {
  /** Relative `/`-separated path inside the bundle. */
  readonly path: string;
  /** Hex SHA-256 of its bytes. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly size: number;
}

/** A bundle read and verified. */
export interface Bundle {
  /** The playbook member's path. */
  readonly playbook: string;
  /** The manifest entries, sorted by path. */
  readonly manifest: readonly ManifestEntry[];
  /** Every member's bytes by path. */
  readonly files: ReadonlyMap<string, Uint8Array>;
}

const MAGIC = utf8(BUNDLE_MAGIC);
const CHECKSUM_BYTES = 32;

function invalid(detail: string): never {
  throw new AuditError("BUNDLE_INVALID", `Cannot read bundle: ${detail}`);
}

/**
 * Whether bytes start like a bundle (the magic), for telling a bundle from a playbook.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { isBundle } from "./format.ts";
 * assert(!isBundle(new TextEncoder().encode("playbook: 1\n")));
 * ```
 */
export function isBundle(bytes: Uint8Array): boolean {
  return bytes.length >= MAGIC.length && MAGIC.every((b, i) => bytes[i] === b);
}

function byPath(a: { path: string }, b: { path: string }): number {
  return a.path < b.path ? -1 : a.path > b.path ? 1 : 0;
}

/**
 * Writes a bundle from its members (the playbook among them). The output depends only on the members.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { encodeBundle, readBundle } from "./format.ts";
 * const bytes = await encodeBundle("p/play.yaml", [
 *   { path: "p/play.yaml", bytes: new TextEncoder().encode("playbook: 1\n") },
 *   { path: "e/a.cose", bytes: new Uint8Array([1, 2]) },
 * ]);
 * const bundle = await readBundle(bytes);
 * assert(bundle.playbook === "p/play.yaml" && bundle.files.get("e/a.cose")!.length === 2);
 * ```
 */
export async function encodeBundle(
  playbook: string,
  members: readonly { readonly path: string; readonly bytes: Uint8Array }[],
): Promise<Uint8Array> {
  const sorted = [...members].sort(byPath);
  sorted.forEach((m, i) => {
    checkMemberPath(m.path);
    if (i > 0 && sorted[i - 1]!.path === m.path) invalid(`member '${m.path}' is given twice`);
  });
  if (!sorted.some((m) => m.path === playbook)) invalid(`the playbook '${playbook}' is not a member`);
  const files = await Promise.all(
    sorted.map(async (m) => ({ path: m.path, sha256: toHex(await sha256(m.bytes)), size: m.bytes.length })),
  );
  const manifest = utf8(canonicalJson({ files, format: BUNDLE_FORMAT, playbook }));
  const length = new Uint8Array(4);
  new DataView(length.buffer).setUint32(0, manifest.length);
  const body = concat([MAGIC, length, manifest, ...sorted.map((m) => m.bytes)]);
  return concat([body, await sha256(body)]);
}

function parseManifest(bytes: Uint8Array): { playbook: string; files: ManifestEntry[] } {
  let text: string;
  let value: unknown;
  try {
    text = fromUtf8(bytes);
    value = JSON.parse(text);
  } catch {
    return invalid("the manifest is not JSON");
  }
  const m = value as { files?: unknown; format?: unknown; playbook?: unknown };
  if (typeof m !== "object" || m === null || Array.isArray(m)) invalid("the manifest is not a JSON object");
  if (m.format !== BUNDLE_FORMAT) invalid(`the manifest format is not '${BUNDLE_FORMAT}'`);
  if (typeof m.playbook !== "string") invalid("the manifest names no playbook");
  if (!Array.isArray(m.files)) invalid("the manifest has no file list");
  if (m.files.length > MAX_MEMBERS) invalid(`the manifest lists more than ${MAX_MEMBERS} files`);
  const files = m.files.map((f: unknown, i: number): ManifestEntry => {
    const e = f as Partial<ManifestEntry>;
    if (
      typeof e !== "object" || e === null || typeof e.path !== "string" || typeof e.sha256 !== "string" ||
      !/^[0-9a-f]{64}$/.test(e.sha256) || typeof e.size !== "number" || !Number.isSafeInteger(e.size) || e.size < 0 ||
      Object.keys(e).length !== 3
    ) {
      invalid(`manifest entry ${i} is not {path, sha256, size}`);
    }
    checkMemberPath(e.path);
    return { path: e.path, sha256: e.sha256, size: e.size };
  });
  if (Object.keys(m).length !== 3 || canonicalJson(value as never) !== text!) {
    invalid("the manifest is not in canonical form");
  }
  files.forEach((f, i) => {
    if (i > 0 && byPath(files[i - 1]!, f) >= 0) invalid(`manifest entry '${f.path}' is out of order or repeated`);
  });
  if (!files.some((f) => f.path === m.playbook)) invalid(`the playbook '${m.playbook}' is not a member`);
  return { playbook: m.playbook as string, files };
}

/**
 * Reads and verifies a bundle in memory: the layout, every member path, every member's size and SHA-256.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { encodeBundle, readBundle } from "./format.ts";
 * const bytes = await encodeBundle("a.yaml", [{ path: "a.yaml", bytes: new Uint8Array([65]) }]);
 * bytes[bytes.length - 33] = 66; // the member's only byte
 * try {
 *   await readBundle(bytes);
 * } catch (error) {
 *   assert((error as { code: string }).code === "BUNDLE_TAMPERED");
 * }
 * ```
 */
export async function readBundle(bytes: Uint8Array): Promise<Bundle> {
  if (!isBundle(bytes)) invalid(`it does not start with '${BUNDLE_MAGIC.trim()}'`);
  if (bytes.length < MAGIC.length + 4 + CHECKSUM_BYTES) invalid("it is too short");
  const length = new DataView(bytes.buffer, bytes.byteOffset + MAGIC.length, 4).getUint32(0);
  if (length > MAX_MANIFEST_BYTES) invalid(`the manifest is ${length} bytes, more than ${MAX_MANIFEST_BYTES}`);
  let offset = MAGIC.length + 4;
  if (bytes.length - CHECKSUM_BYTES < offset + length) invalid("it ends inside the manifest");
  const { playbook, files: manifest } = parseManifest(bytes.subarray(offset, offset + length));
  offset += length;
  const total = manifest.reduce((sum, f) => sum + f.size, 0);
  const end = bytes.length - CHECKSUM_BYTES;
  if (end - offset !== total) {
    invalid(`the manifest lists ${total} bytes of members, the bundle holds ${Math.max(0, end - offset)}`);
  }
  const files = new Map<string, Uint8Array>();
  for (const entry of manifest) {
    const member = bytes.slice(offset, offset + entry.size);
    offset += entry.size;
    const actual = toHex(await sha256(member));
    if (actual !== entry.sha256) {
      throw new AuditError(
        "BUNDLE_TAMPERED",
        `Bundle member '${entry.path}' does not match the manifest: SHA-256 is ${actual}, the manifest says ${entry.sha256}`,
      );
    }
    files.set(entry.path, member);
  }
  const checksum = toHex(await sha256(bytes.subarray(0, end)));
  if (checksum !== toHex(bytes.subarray(end))) {
    throw new AuditError("BUNDLE_TAMPERED", `Bundle checksum does not match: SHA-256 of its contents is ${checksum}`);
  }
  return { playbook, manifest, files };
}
