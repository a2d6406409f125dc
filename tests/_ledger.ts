/**
 * Builders for ledger tests: synthetic ledgers from `fixtures/_gen/ccf_ledger_file.ts` with a few registered
 * statements, audited in memory or written to a temporary folder for the command line.
 */

import { join } from "node:path";
import {
  LedgerAudit,
  type LedgerAuditOptions,
  type LedgerSummary,
  parseChunkName,
  planChunks,
} from "../core/ledger/mod.ts";
import { type LedgerFile, SyntheticLedger } from "../fixtures/_gen/ccf_ledger_file.ts";
import { encodeCoseSign1 } from "../fixtures/_gen/cose_sign1.ts";
import { signStatement } from "../fixtures/_gen/statement.ts";
import { issueTestCa } from "../fixtures/_gen/test_ca.ts";

/** Monday 2 March 2026, 09:00 UTC: inside working hours. */
export const MONDAY_MORNING = new Date("2026-03-02T09:00:00Z");

let statement: Promise<Uint8Array> | undefined;

/** One statement signed by the test CA (its issuer is the CA's did:x509), made once per test run. */
export function testStatement(): Promise<Uint8Array> {
  statement ??= (async () =>
    encodeCoseSign1(
      await signStatement(await issueTestCa(), {
        subject: "contoso-app",
        iat: 1772442000,
        iatTagged: false,
        svn: 3,
        payload: new TextEncoder().encode('{"image-digest":"sha256:00"}'),
        contentType: "application/json",
      }),
    ))();
  return statement;
}

/** A new ledger with its genesis (seqnos 1–4) in the first chunk. */
export async function newLedger(
  seed: string,
  options: { start?: Date; secondsPerTransaction?: number } = {},
): Promise<SyntheticLedger> {
  const ledger = await SyntheticLedger.create({
    seed: `ledger/${seed}`,
    start: options.start ?? MONDAY_MORNING,
    ...(options.secondsPerTransaction ? { secondsPerTransaction: options.secondsPerTransaction } : {}),
  });
  await ledger.genesis();
  await ledger.endChunk();
  return ledger;
}

/** Registers `count` copies of the test statement, signs, and closes the chunk. */
export async function addEntries(ledger: SyntheticLedger, count: number): Promise<void> {
  const bytes = await testStatement();
  for (let i = 0; i < count; i++) ledger.entry(bytes);
  await ledger.sign();
  await ledger.endChunk();
}

/** Audits chunk files in memory, as the command line does (plan, then chunk by chunk). */
export async function audit(
  files: readonly LedgerFile[],
  options: Partial<LedgerAuditOptions> = {},
): Promise<{ summary: LedgerSummary; state: import("../core/ledger/mod.ts").LedgerState | undefined }> {
  const audit = new LedgerAudit({ level: "full", ...options });
  const byName = new Map(files.map((f) => [f.name, f]));
  const plan = planChunks(files.map((f) => parseChunkName(f.name)!), {
    includeOpen: true,
    ...(options.state ? { after: options.state.lastSeqno } : {}),
  });
  for (const finding of plan.findings) audit.report(finding);
  for (const chunk of plan.chunks) await audit.addChunk(chunk, byName.get(chunk.name)!.bytes);
  await audit.settle();
  const { summary, state } = audit.finish();
  return { summary, state };
}

/** The codes of the findings of one severity. */
export function codes(summary: LedgerSummary, severity = "error"): string[] {
  return summary.findings.filter((f) => f.severity === severity).map((f) => f.code);
}

/** Writes files into a new temporary folder and returns its path. */
export async function writeLedger(files: readonly LedgerFile[], dir?: string): Promise<string> {
  const folder = dir ?? await Deno.makeTempDir({ prefix: "scitt-audit-ledger-" });
  for (const file of files) await Deno.writeFile(join(folder, file.name), file.bytes);
  return folder;
}

/** The offset of transaction `index` in a chunk (from its positions table). */
export function txOffset(file: LedgerFile, index: number): number {
  const view = new DataView(file.bytes.buffer, file.bytes.byteOffset, file.bytes.byteLength);
  const table = Number(view.getBigUint64(0, true));
  return view.getUint32(table + 4 * index, true);
}
