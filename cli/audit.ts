/**
 * Opens a playbook or an audit bundle from disk and runs it: the file-system side of `core/playbook`.
 * A bundle is recognised by its first bytes and verified (every member's SHA-256) before anything is used.
 *
 * @module
 */

import { basename, dirname, isAbsolute, join } from "node:path";
import { toHex } from "../core/bytes.ts";
import { isBundle, readBundle, resolveMemberPath } from "../core/bundle/mod.ts";
import { sha256 } from "../core/crypto/digest.ts";
import { loadPlaybook, type Playbook, PlaybookError, runPlaybook } from "../core/playbook/mod.ts";
import type { AuditReport } from "../core/report/model.ts";
import { CliError, EXIT } from "./exit.ts";
import { cleanMessage, readInput } from "./io.ts";
import { VERSION } from "./version.ts";

/** Where a playbook's files come from. */
interface Source {
  exists(path: string): Promise<boolean>;
  read(path: string): Promise<Uint8Array>;
}

/** A playbook opened from disk or from a bundle, ready to run. */
export interface OpenedAudit {
  /** The loaded playbook. */
  readonly playbook: Playbook;
  /** Whether it came from a bundle. */
  readonly bundled: boolean;
  /** The bundle's SHA-256 (hex), when it came from a bundle. */
  readonly bundleSha256?: string;
  /** The SHA-256 (hex) of the file opened: the bundle, or the playbook. */
  readonly sha256: string;
  /** Reads a file the playbook names. */
  read(path: string): Promise<Uint8Array>;
  /**
   * Where the report's signing key is on disk: beside the playbook, or beside the bundle file (a bundle never
   * carries the auditor's key).
   */
  readonly signingKeyPath?: string;
}

async function fileExists(path: string): Promise<boolean> {
  try {
    const info = await Deno.stat(path);
    // A device, pipe or folder is named but refused when read, with its own message.
    return info.isFile || !info.isDirectory;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new CliError(EXIT.MISSING, `Cannot read ${path}: ${cleanMessage(error)}`);
  }
}

function diskSource(playbookPath: string): Source {
  const folder = dirname(playbookPath);
  const resolve = (path: string) => isAbsolute(path) ? path : join(folder, path);
  return { exists: (path) => fileExists(resolve(path)), read: (path) => readInput(resolve(path)) };
}

function bundleSource(bundlePath: string, playbook: string, files: ReadonlyMap<string, Uint8Array>): Source {
  const member = (path: string) => {
    const resolved = resolveMemberPath(playbook, path);
    return resolved === undefined ? undefined : files.get(resolved);
  };
  return {
    exists: (path) => Promise.resolve(member(path) !== undefined),
    read(path) {
      const bytes = member(path);
      if (!bytes) throw new CliError(EXIT.MISSING, `Cannot read ${path}: not in bundle ${bundlePath}`);
      return Promise.resolve(bytes);
    },
  };
}

/** Whether a bundle's signing-key path stays in the bundle's folder: relative, no `..`, no drive or root. */
function isBesideBundle(path: string): boolean {
  if (isAbsolute(path) || /^[A-Za-z]:/.test(path) || path.startsWith("~")) return false;
  return path.split(/[\\/]/).every((part) => part !== "..");
}

/**
 * Opens a playbook file or a bundle: verifies the bundle, loads and checks the playbook. A file the playbook
 * names that does not exist is exit 4; a malformed playbook or bundle is an {@linkcode AuditError} (exit 3).
 */
export async function openAudit(path: string, options: { readonly expectSha256?: string } = {}): Promise<OpenedAudit> {
  const bytes = await readInput(path);
  const digest = toHex(await sha256(bytes));
  if (options.expectSha256 !== undefined && digest !== options.expectSha256) {
    throw new CliError(
      EXIT.FAILED,
      `${path}: SHA-256 is ${digest}, not the ${options.expectSha256} given with --expect-sha256; nothing was run`,
    );
  }
  let source: Source;
  let playbookBytes = bytes;
  let file = basename(path);
  const bundled = isBundle(bytes);
  if (bundled) {
    const bundle = await readBundle(bytes);
    playbookBytes = bundle.files.get(bundle.playbook)!;
    file = bundle.playbook.split("/").pop()!;
    source = bundleSource(path, bundle.playbook, bundle.files);
  } else {
    source = diskSource(path);
  }
  try {
    const playbook = await loadPlaybook(playbookBytes, { file, exists: source.exists });
    const key = playbook.report.signingKey;
    if (key !== undefined && bundled && !isBesideBundle(key.path)) {
      throw new CliError(
        EXIT.MALFORMED,
        `${key.at}: a bundle's report.signing-key may only name a file beside the bundle, not '${key.path}'; ` +
          `give your own key with --signing-key FILE`,
      );
    }
    return {
      playbook,
      bundled,
      sha256: digest,
      ...(bundled ? { bundleSha256: digest } : {}),
      read: source.read,
      ...(key !== undefined ? { signingKeyPath: isAbsolute(key.path) ? key.path : join(dirname(path), key.path) } : {}),
    };
  } catch (error) {
    if (error instanceof PlaybookError && error.code === "PLAYBOOK_FILE_MISSING") {
      throw new CliError(EXIT.MISSING, error.message);
    }
    throw error;
  }
}

/** Runs an opened audit at `at` (default: the playbook's `at:`, else now). */
export function runOpenedAudit(opened: OpenedAudit, options: { at?: Date } = {}): Promise<AuditReport> {
  return runPlaybook(opened.playbook, {
    read: opened.read,
    at: options.at ?? opened.playbook.at ?? new Date(),
    toolVersion: VERSION,
  });
}

/**
 * Runs a playbook file or an audit bundle and returns its report; `at` overrides the playbook's `at:`.
 *
 * @param playbookPath The playbook (YAML) or audit bundle.
 * @param options The evaluation time, when not the playbook's.
 * @returns The audit report.
 * @throws {CliError} Exit 4 when the playbook or a file it names is missing.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { fileURLToPath } from "node:url";
 * import { runAudit } from "./audit.ts";
 *
 * const report = await runAudit(fileURLToPath(new URL("../fixtures/demo/demo.yaml", import.meta.url)), {});
 * equal(report.verdict, "pass");
 * equal(report.evaluatedAt, "2026-11-01T00:00:00Z");
 * ```
 */
export async function runAudit(playbookPath: string, options: { at?: Date }): Promise<AuditReport> {
  return runOpenedAudit(await openAudit(playbookPath), options);
}
