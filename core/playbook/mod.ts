/**
 * Audit playbooks (version 1): strict YAML loading with `file:line:column` errors, value references with pipes,
 * and the engine that turns a playbook and its evidence into an {@linkcode AuditReport}. The core reads no
 * files: the caller supplies `exists` (when loading) and `read` (when running).
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadPlaybook, runPlaybook } from "./mod.ts";
 * const yaml = `playbook: 1
 * name: example
 * at: 2026-11-01T00:00:00Z
 * trust:
 *   transparency: [{ issuer: ledger.example, keys: keys.json }]
 *   signers: ["did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"]
 * measurements:
 *   - name: a value and its hex
 *     value: literal "hi" | sha256
 *     equals: literal "8f434346648f6b96df89dda901c5176b10a6d83961dd3c1ac88b59b2dc327aa4" | hex
 * `;
 * const jwks = '{"keys":[{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}';
 * const playbook = await loadPlaybook(new TextEncoder().encode(yaml), { file: "example.yaml", exists: () => true });
 * const report = await runPlaybook(playbook, {
 *   read: () => Promise.resolve(new TextEncoder().encode(jwks)),
 *   at: playbook.at!,
 *   toolVersion: "0.1.0",
 * });
 * equal(report.verdict, "pass");
 * ```
 *
 * @module
 */

export type { ArtifactItem } from "./kinds/artifacts.ts";
export type { AttestationExpectations, AttestationItem, AttestationKindName } from "./kinds/attestations.ts";
export type { EvidenceKind, LoadContext, RunContext, RunTrust } from "./kinds/kind.ts";
export type { MeasurementItem } from "./kinds/measurements.ts";
export type { StatementExpectations, StatementItem } from "./kinds/statements.ts";
export { KINDS } from "./kinds/registry.ts";
export { loadPlaybook, type LoadPlaybookOptions } from "./load.ts";
export type { AttestationTrust, FileRef, Playbook, ReportSpec, TransparencyKeys, TrustSpec } from "./model.ts";
export { PlaybookError, type PlaybookErrorCode, type Position } from "./playbook_error.ts";
export { type Pipe, PIPES } from "./pipes.ts";
export { parseValueRef, resolveValue, type ValueRef } from "./reference.ts";
export { type Value, valuesEqual, type ValueType } from "./value.ts";
export { runPlaybook, type RunPlaybookOptions } from "./engine.ts";
export { PLAYBOOK_SHAPE, playbookJsonSchema } from "./schema.ts";
export { formatUtcTime, parseUtcTime } from "../time.ts";
