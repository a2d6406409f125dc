/**
 * Opens a playbook or an audit bundle from disk and runs it: the file-system side of `core/playbook`.
 * A bundle is recognised by its first bytes and verified (every member's SHA-256) before anything is used.
 *
 * @module
 */

import { basename, dirname, isAbsolute, join } from "node:path";
import { isBundle, readBundle, resolveMemberPath } from "../core/bundle/mod.ts";
import { loadPlaybook, type Playbook, PlaybookError, runPlaybook } from "../core/playbook/mod.ts";
import type { AuditReport } from "../core/report/model.ts";
import { CliError, EXIT } from "./exit.ts";
import { readInput } from "./io.ts";
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
    return (await Deno.stat(path)).isFile;
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return false;
    throw new CliError(EXIT.MISSING, `Cannot read ${path}: ${(error as Error).message}`);
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

/**
 * Opens a playbook file or a bundle: verifies the bundle, loads and checks the playbook. A file the playbook
 * names that does not exist is exit 4; a malformed playbook or bundle is an {@linkcode AuditError} (exit 3).
 */
export async function openAudit(path: string): Promise<OpenedAudit> {
  const bytes = await readInput(path);
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
    const key = playbook.report.signingKey?.path;
    return {
      playbook,
      bundled,
      read: source.read,
      ...(key !== undefined ? { signingKeyPath: isAbsolute(key) ? key : join(dirname(path), key) } : {}),
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
 * @example
 * ```ts ignore
 * import { runAudit } from "./audit.ts";
 * const report = await runAudit("fixtures/demo/demo.yaml", {});
 * console.log(report.verdict);
 * ```
 */
export async function runAudit(playbookPath: string, options: { at?: Date }): Promise<AuditReport> {
  return runOpenedAudit(await openAudit(playbookPath), options);
}
