/**
 * Runs a loaded playbook: trust first (one finding per key file), then every evidence kind in registry order,
 * each adding findings and publishing the values later kinds reference. Deterministic: files are read one at a
 * time in playbook order, nothing reads the clock, and the same inputs and `at` give the same report.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import { type AuditReport, type Finding, type InputFile, summarize } from "../report/model.ts";
import { finding } from "./kinds/_common.ts";
import type { RunContext } from "./kinds/kind.ts";
import { KINDS } from "./kinds/registry.ts";
import type { FileRef, Playbook } from "./model.ts";
import { resolveValue, type ValueLookup } from "./reference.ts";
import type { Value } from "./value.ts";
import { formatUtcTime } from "../time.ts";
import { loadTrust } from "./trust.ts";

/** Options for {@linkcode runPlaybook}. */
export interface RunPlaybookOptions {
  /** Reads a file the playbook names (the path as written); the caller resolves it against the playbook's folder. */
  read(path: string): Promise<Uint8Array>;
  /** The evaluation time: the caller's override, else the playbook's `at:`, else the caller's clock. */
  readonly at: Date;
  /** The tool version recorded in the report, e.g. `0.1.0`. */
  readonly toolVersion: string;
}

interface Published {
  readonly values: Readonly<Record<string, Value | undefined>>;
  readonly missing: string;
}

/**
 * Runs a playbook and returns its report.
 *
 * @param playbook The loaded playbook.
 * @param options How to read the files it names, the evaluation time and the tool version.
 * @returns The audit report.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadPlaybook } from "./load.ts";
 * import { runPlaybook } from "./engine.ts";
 * const yaml = `playbook: 1
 * name: example
 * trust:
 *   transparency: [{ issuer: ledger.example, keys: keys.json }]
 *   signers: ["did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"]
 * measurements:
 *   - name: the digest of "a"
 *     value: literal "a" | sha256
 *     equals: hex:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb
 * `;
 * const jwks = '{"keys":[{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}';
 * const playbook = await loadPlaybook(new TextEncoder().encode(yaml), { file: "example.yaml", exists: () => true });
 * const report = await runPlaybook(playbook, {
 *   read: () => Promise.resolve(new TextEncoder().encode(jwks)),
 *   at: new Date(Date.UTC(2026, 10, 1)),
 *   toolVersion: "0.1.0",
 * });
 * equal(report.verdict, "pass");
 * equal(report.evaluatedAt, "2026-11-01T00:00:00Z");
 * ```
 */
export async function runPlaybook(playbook: Playbook, options: RunPlaybookOptions): Promise<AuditReport> {
  const findings: Finding[] = [];
  const inputs: InputFile[] = [{
    path: playbook.file,
    role: "playbook",
    sha256: playbook.sha256,
    size: playbook.size,
  }];
  const cache = new Map<string, Uint8Array>();
  const read = async (file: FileRef): Promise<Uint8Array> => {
    const cached = cache.get(file.path);
    if (cached) return cached;
    const bytes = await options.read(file.path);
    cache.set(file.path, bytes);
    inputs.push({ path: file.path, role: file.role, sha256: toHex(await sha256(bytes)), size: bytes.length });
    return bytes;
  };
  const add = (f: Finding) => findings.push(f);
  const evaluatedAt = formatUtcTime(options.at);
  add(finding({
    id: "playbook",
    status: "pass",
    kind: "playbook",
    subject: playbook.file,
    message:
      `Loaded playbook '${playbook.name}' (${playbook.files.length} evidence files), evaluated at ${evaluatedAt}`,
  }, { details: { name: playbook.name, sha256: playbook.sha256, evaluatedAt } }));

  const trust = await loadTrust(playbook.trust, read, add);
  const published = new Map<string, Published>();
  const lookup: ValueLookup = (source) => {
    const item = published.get(`${source.prefix}.${source.id}`);
    if (!item) return { missing: `${source.prefix} '${source.id}' has not been evaluated` };
    const value = item.values[source.field];
    return value ? { value } : { missing: `${item.missing} (${source.field})` };
  };
  const context: RunContext = {
    at: options.at,
    trust,
    read,
    add,
    publish(prefix, id, values, missing = `${prefix} '${id}' has no such value`) {
      published.set(`${prefix}.${id}`, { values, missing });
    },
    resolve: (ref) => resolveValue(ref, lookup),
  };
  for (const kind of KINDS) await kind.evaluate(playbook.evidence[kind.section] ?? [], context);

  return {
    format: "scitt-audit-report/1",
    tool: { name: "scitt-audit", version: options.toolVersion },
    title: playbook.report.title ?? playbook.name,
    subject: playbook.report.subject ?? playbook.name,
    playbook: { name: playbook.name, path: playbook.file, sha256: playbook.sha256 },
    evaluatedAt,
    inputs,
    findings,
    ...summarize(findings),
  };
}
