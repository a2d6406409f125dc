/**
 * The whole-ledger audit of a CCF service (MST, Azure Confidential Ledger, any CCF application), offline, from
 * its ledger chunk files: layout, Merkle tree, node and service signatures, identities, governance, registered
 * statements, and receipts checked against the ledger.
 *
 * @example
 * ```ts
 * import { LedgerAudit, parseChunkName, planChunks } from "./mod.ts";
 * import { strictEqual } from "node:assert/strict";
 * const plan = planChunks([parseChunkName("ledger_1-4.committed")!], { includeOpen: false });
 * const audit = new LedgerAudit({ level: "full" });
 * // A chunk whose header puts the positions table past the end of the file.
 * await audit.addChunk(plan.chunks[0]!, new Uint8Array([64, 0, 0, 0, 0, 0, 0, 0]));
 * await audit.settle();
 * strictEqual(audit.finish().summary.findings[0]?.code, "LEDGER_CHUNK_TRUNCATED");
 * ```
 *
 * @module
 */

export * from "./audit.ts";
export * from "./checks.ts";
export * from "./compare.ts";
export * from "./chunk_name.ts";
export * from "./entries.ts";
export * from "./model.ts";
export * from "./plan.ts";
export * from "./receipts.ts";
export * from "./state.ts";
export { type TreeState } from "./tree.ts";
export { type PolicyState } from "./governance.ts";
