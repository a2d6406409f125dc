/**
 * Writes a report's files into a folder: `report.json` (canonical), `report.cose` (signed, when a key is given),
 * `report.html` and `junit.xml`.
 *
 * @module
 */

import { join } from "node:path";
import { encodeReport } from "../core/report/report_json.ts";
import { renderHtml } from "../core/report/html.ts";
import { renderJunit } from "../core/report/junit.ts";
import type { AuditReport } from "../core/report/model.ts";
import { signReport } from "../core/report/sign.ts";
import { importAuditorKey } from "../core/report/signing_key.ts";
import { utf8 } from "../core/bytes.ts";
import { CliError, EXIT } from "./exit.ts";

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
}

async function write(path: string, data: Uint8Array): Promise<void> {
  try {
    await Deno.writeFile(path, data);
  } catch (error) {
    throw new CliError(EXIT.MISSING, `Cannot write ${path}: ${(error as Error).message}`);
  }
}

/**
 * Writes the report files into `dir` (created when missing) and returns their paths. The key is read before
 * anything is written, so a bad key leaves no partial output.
 *
 * @example
 * ```ts
 * import { writeReports } from "./report_output.ts";
 * import { summarize } from "../core/report/model.ts";
 * const dir = await Deno.makeTempDir();
 * const { files } = await writeReports({
 *   format: "scitt-audit-report/1", tool: { name: "scitt-audit", version: "0.1.0" }, title: "Demo", subject: "demo",
 *   playbook: { name: "demo", path: "demo.yaml", sha256: "00".repeat(32) }, evaluatedAt: "2026-01-01T00:00:00.000Z",
 *   inputs: [], findings: [], ...summarize([]),
 * }, dir);
 * console.assert(files.length === 3 && files[0]!.endsWith("report.json"));
 * await Deno.remove(dir, { recursive: true });
 * ```
 */
export async function writeReports(
  report: AuditReport,
  dir: string,
  options: WriteReportsOptions = {},
): Promise<{ files: string[] }> {
  const json = encodeReport(report);
  const outputs: [string, Uint8Array][] = [["report.json", json]];
  if (options.signingKey) {
    const key = await importAuditorKey(options.signingKey.bytes, { what: `auditor key ${options.signingKey.name}` });
    const iat = Math.floor((options.signedAt ?? new Date()).getTime() / 1000);
    const cose = await signReport(json, key, { issuer: options.issuer ?? key.kid, subject: report.subject, iat });
    outputs.push(["report.cose", cose]);
  }
  outputs.push(["report.html", utf8(renderHtml(report))], ["junit.xml", utf8(renderJunit(report))]);
  try {
    await Deno.mkdir(dir, { recursive: true });
  } catch (error) {
    throw new CliError(EXIT.MISSING, `Cannot create ${dir}: ${(error as Error).message}`);
  }
  const files: string[] = [];
  for (const [name, data] of outputs) {
    const path = join(dir, name);
    await write(path, data);
    files.push(path);
  }
  return { files };
}
