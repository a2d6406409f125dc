/**
 * Writes a report's files into a folder: `report.json` (canonical), `report.cose` (signed, when a key is given),
 * `report.html` and `junit.xml`.
 *
 * @module
 */

import { join } from "node:path";
import { encodeReport } from "../core/report/report_json.ts";
import { type HtmlContext, renderHtml } from "../core/report/html.ts";
import { renderJunit } from "../core/report/junit.ts";
import type { AuditReport } from "../core/report/model.ts";
import { signReport } from "../core/report/sign.ts";
import { importAuditorKey } from "../core/report/signing_key.ts";
import { utf8 } from "../core/bytes.ts";
import { CliError, EXIT } from "./exit.ts";
import { cleanMessage } from "./io.ts";

/** The files {@linkcode writeReports} may write, in the order written. */
export const REPORT_FILES: readonly string[] = ["report.json", "report.cose", "report.html", "junit.xml"];

/** Options for {@linkcode writeReports}. */
export interface WriteReportsOptions {
  /**
   * The auditor's private key (PKCS#8 PEM or private JWK) and the name it is known by in messages, e.g.
   * `{ bytes, name: "keys/auditor.key.pem" }`. Without it no `report.cose` is written.
   */
  readonly signingKey?: { readonly bytes: Uint8Array; readonly name: string };
  /** `iss` of the signed report, e.g. `auditor.example`. Default: the key's kid (hex SHA-256 of its SPKI). */
  readonly issuer?: string;
  /** `iat` of the signed report. Default: now. */
  readonly signedAt?: Date;
  /** Whether existing report files may be replaced (default: yes, for the library call; `run` asks). */
  readonly force?: boolean;
  /** The SHA-256 (hex) of the audit bundle run, shown in the HTML summary. */
  readonly bundleSha256?: string;
  /** Whether the HTML summary names the signing key's kid, the issuer and the signing time (default: no). */
  readonly describeSignature?: boolean;
}

/** Says which folder could not be written and how to choose another, in place of the runtime's wording. */
export function writeProblem(path: string, error: unknown): string {
  if (error instanceof Deno.errors.NotCapable) {
    return `Cannot write ${path}: scitt-audit may write only under the folder it was started in and the --out it ` +
      `names; name this path with --out, or start scitt-audit from a folder that holds ${path}`;
  }
  if (error instanceof Deno.errors.PermissionDenied) {
    return `Cannot write ${path}: the file system does not allow it (permission denied); choose another folder with --out`;
  }
  if (error instanceof Deno.errors.NotFound) return `Cannot write ${path}: its folder does not exist`;
  return `Cannot write ${path}: ${cleanMessage(error)}`;
}

/** What is at `path` without following a symbolic link: "missing", "file", "symlink" or "other". */
function entryAt(path: string): "missing" | "file" | "symlink" | "other" {
  try {
    const info = Deno.lstatSync(path);
    return info.isSymlink ? "symlink" : info.isFile ? "file" : "other";
  } catch (error) {
    if (error instanceof Deno.errors.NotFound) return "missing";
    throw new CliError(EXIT.MISSING, writeProblem(path, error));
  }
}

/**
 * Checks, before any work, that the report folder can be created and written and that no report file there
 * is a symbolic link (a write would follow it out of the folder) or anything but a regular file; existing
 * reports are refused unless `force`. Creates the folder.
 */
export async function prepareOutput(dir: string, options: { readonly force?: boolean } = {}): Promise<void> {
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    if (error instanceof Deno.errors.AlreadyExists) {
      throw new CliError(EXIT.MISSING, `Cannot write reports into ${dir}: it is a file, not a folder`);
    }
    throw new CliError(EXIT.MISSING, writeProblem(dir, error));
  }
  if (!Deno.statSync(dir).isDirectory) {
    throw new CliError(EXIT.MISSING, `Cannot write reports into ${dir}: it is not a folder`);
  }
  const existing: string[] = [];
  for (const name of REPORT_FILES) {
    const path = join(dir, name);
    const kind = entryAt(path);
    if (kind === "symlink") {
      throw new CliError(
        EXIT.MISSING,
        `Cannot write ${path}: it is a symbolic link, which a report is never written through; remove it or choose another --out`,
      );
    }
    if (kind === "other") throw new CliError(EXIT.MISSING, `Cannot write ${path}: it is not a regular file`);
    if (kind === "file") existing.push(name);
  }
  if (existing.length > 0 && !options.force) {
    throw new CliError(
      EXIT.USAGE,
      `${dir} already holds ${existing.join(", ")}; give --force to replace them, or choose another --out`,
    );
  }
  const probe = join(dir, `.scitt-audit-write-check-${crypto.randomUUID()}`);
  try {
    Deno.writeFileSync(probe, new Uint8Array(0), { createNew: true });
    Deno.removeSync(probe);
  } catch (error) {
    throw new CliError(EXIT.MISSING, writeProblem(dir, error));
  }
}

/** Writes one file without following a symbolic link: the old file (never a link) is replaced by a new one. */
function write(path: string, data: Uint8Array, force: boolean): void {
  const kind = entryAt(path);
  if (kind === "symlink" || kind === "other") {
    throw new CliError(
      EXIT.MISSING,
      `Cannot write ${path}: it is ${kind === "symlink" ? "a symbolic link" : "not a regular file"}`,
    );
  }
  if (kind === "file" && !force) {
    throw new CliError(EXIT.USAGE, `Cannot write ${path}: it exists; give --force to replace it`);
  }
  try {
    if (kind === "file") Deno.removeSync(path);
    // createNew fails on anything (a link included) that appeared in between, so no write follows a link.
    Deno.writeFileSync(path, data, { createNew: true });
  } catch (error) {
    throw new CliError(EXIT.MISSING, writeProblem(path, error));
  }
}

/**
 * Writes the report files into `dir` (created when missing) and returns their paths. The key is read before
 * anything is written, so a bad key leaves no partial output. No write follows a symbolic link.
 *
 * @param report The report.
 * @param dir The output folder.
 * @param options The signing key, the signed report's claims, and whether files may be replaced.
 * @returns The paths written: `report.json`, `report.cose` (with a key), `report.html` and `junit.xml`.
 * @throws {CliError} When the report cannot be encoded, or the folder or a file cannot be written.
 * @throws {AuditError} `KEY_MALFORMED` or `KEY_UNSUPPORTED` for a bad signing key, before anything is written.
 *
 * @example Usage
 * ```ts
 * import { equal, match } from "node:assert/strict";
 * import { writeReports } from "./report_output.ts";
 * import { summarize } from "../core/report/model.ts";
 * const dir = await Deno.makeTempDir();
 * const { files } = await writeReports({
 *   format: "scitt-audit-report/1", tool: { name: "scitt-audit", version: "0.1.0" }, title: "Demo", subject: "demo",
 *   playbook: { name: "demo", path: "demo.yaml", sha256: "00".repeat(32) }, evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   inputs: [], findings: [], ...summarize([]),
 * }, dir);
 * equal(files.length, 3);
 * match(files[0]!, /report\.json$/);
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeReports(
  report: AuditReport,
  dir: string,
  options: WriteReportsOptions = {},
): Promise<{ files: string[] }> {
  const json = encodeOrFail(report);
  const outputs: [string, Uint8Array][] = [["report.json", json]];
  let signature: HtmlContext["signature"];
  if (options.signingKey) {
    const key = await importAuditorKey(options.signingKey.bytes, { what: `auditor key ${options.signingKey.name}` });
    const iat = Math.floor((options.signedAt ?? new Date()).getTime() / 1000);
    const issuer = options.issuer ?? key.kid;
    const cose = await signReport(json, key, { issuer, subject: report.subject, iat });
    outputs.push(["report.cose", cose]);
    signature = { kid: key.kid, issuer, signedAt: new Date(iat * 1000).toISOString().replace(".000Z", "Z") };
  }
  const context: HtmlContext = {
    ...(options.bundleSha256 !== undefined ? { bundleSha256: options.bundleSha256 } : {}),
    ...(options.describeSignature && signature ? { signature } : {}),
  };
  outputs.push(["report.html", utf8(renderHtml(report, context))], ["junit.xml", utf8(renderJunit(report))]);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(EXIT.MISSING, writeProblem(dir, error));
  }
  const files: string[] = [];
  for (const [name, data] of outputs) {
    const path = join(dir, name);
    write(path, data, options.force ?? true);
    files.push(path);
  }
  return { files };
}

/**
 * Encodes a report as canonical JSON; a value the evidence or playbook put in it that JSON cannot carry
 * (a non-finite number, a lone surrogate, too deep a nesting) is exit 3 with one line, not an internal error.
 */
export function encodeOrFail(report: AuditReport): Uint8Array {
  try {
    return encodeReport(report);
  } catch (error) {
    if (error instanceof RangeError || error instanceof TypeError) {
      throw new CliError(EXIT.MALFORMED, `Cannot write the report: ${cleanMessage(error)}`);
    }
    throw error;
  }
}
