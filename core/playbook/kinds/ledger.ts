/**
 * The `ledger` section: a CCF service's ledger chunk files audited whole (`core/ledger`), with a watch list of
 * expected issuers, working hours, a period, and the playbook's statements whose receipts must agree with the
 * ledger. The report gains the ledger's range, identities, governance timeline, signing events per issuer and
 * every finding.
 *
 * @module
 */

import { fromHex } from "../../bytes.ts";
import {
  IssuerPatterns,
  LEDGER_LEVELS,
  LedgerAudit,
  ledgerChecks,
  type LedgerLevel,
  parseChunkName,
  parseWorkingHours,
  planChunks,
  type ReceiptClaim,
  receiptClaims,
  type WorkingHours,
} from "../../ledger/mod.ts";
import { entry, type MapNode, stringNode, stringNodes } from "../_yaml.ts";
import type { FileRef } from "../model.ts";
import type { ValueRef } from "../reference.ts";
import { FILE_SHAPE, finding, ID_SHAPE, placed, TIME_SHAPE } from "./_common.ts";
import type { EvidenceKind, RunContext } from "./kind.ts";

/** One `ledger` item. */
export interface LedgerItem {
  readonly id: string;
  readonly files: readonly FileRef[];
  readonly level: LedgerLevel;
  readonly expectIssuers?: readonly string[];
  readonly workingHours?: WorkingHours;
  readonly from?: Date;
  readonly to?: Date;
  /** References to the statements (`statement.<id>.cose`) whose receipts must agree with the ledger. */
  readonly statements: readonly { readonly id: string; readonly ref: ValueRef }[];
}

function basename(path: string): string {
  return path.split(/[\\/]/).pop() ?? path;
}

async function receiptsOf(item: LedgerItem, context: RunContext): Promise<ReceiptClaim[] | string> {
  const claims: ReceiptClaim[] = [];
  for (const { id, ref } of item.statements) {
    const resolved = await context.resolve(ref);
    if (!resolved.ok) return resolved.message;
    if (resolved.value.type !== "bytes") return `statement '${id}' is not bytes`;
    try {
      claims.push(...receiptClaims(resolved.value.bytes, `statement '${id}'`));
    } catch (error) {
      return `statement '${id}': ${(error as Error).message}`;
    }
  }
  return claims;
}

async function evaluateLedger(item: LedgerItem, context: RunContext): Promise<void> {
  const base = { kind: "ledger", subject: item.id } as const;
  const receipts = await receiptsOf(item, context);
  if (typeof receipts === "string") {
    context.add(finding({ ...base, id: `ledger.${item.id}.receipts`, status: "fail", message: receipts }, {
      code: "PLAYBOOK_REFERENCE",
    }));
    return;
  }
  const audit = new LedgerAudit({
    level: item.level,
    receipts,
    ...(item.expectIssuers ? { watch: new IssuerPatterns(item.expectIssuers) } : {}),
    ...(item.workingHours ? { workingHours: item.workingHours } : {}),
    ...(item.from ? { from: item.from } : {}),
    ...(item.to ? { to: item.to } : {}),
  });
  const byName = new Map(item.files.map((f) => [basename(f.path), f]));
  const names = [...byName.keys()].map((n) => parseChunkName(n)!);
  const plan = planChunks(names, { includeOpen: true });
  for (const f of plan.findings) audit.report(f);
  for (const chunk of plan.chunks) {
    if (audit.stopped) break;
    await audit.addChunk(chunk, await context.read(byName.get(chunk.name)!));
  }
  await audit.settle();
  const { summary: s } = audit.finish();
  for (const check of ledgerChecks(s)) context.add(placed(check, { prefix: `ledger.${item.id}`, ...base }));
  context.publish("ledger", item.id, {
    "last-root": s.lastSignedRoot ? { type: "bytes", bytes: fromHex(s.lastSignedRoot) } : undefined,
    "last-txid": s.lastSignedTxid ? { type: "text", text: s.lastSignedTxid } : undefined,
    "transactions": { type: "number", number: s.transactions },
    "entries": { type: "number", number: s.entries.registered },
  }, `ledger '${item.id}' has no signed root`);
}

/** The `ledger` kind. */
export const ledgerKind: EvidenceKind<LedgerItem> = {
  section: "ledger",
  description: "Ledger chunk files of a CCF service, audited whole: integrity, identities, governance, signing events.",
  item: {
    type: "object",
    description: "One service's ledger.",
    fields: {
      id: { shape: ID_SHAPE, required: true },
      files: {
        shape: {
          type: "array",
          description: "The chunk files (ledger_<start>-<end>.committed), in any order.",
          items: FILE_SHAPE,
          minItems: 1,
        },
        required: true,
      },
      level: {
        shape: { type: "string", enum: [...LEDGER_LEVELS], description: "How deep to check (default full)." },
      },
      "expect-issuers": {
        shape: {
          type: "array",
          description: "The watch list: issuer patterns ('*' matches anything); any other issuer is a finding.",
          items: { type: "string", description: "An issuer pattern, e.g. did:x509:0:sha256:*" },
        },
      },
      "working-hours": {
        shape: {
          type: "string",
          description: "Registrations outside these hours are findings, e.g. 'Mon-Fri 08:00-18:00 +01:00'.",
        },
      },
      from: { shape: { ...TIME_SHAPE, description: "Judge only entries registered at or after this time." } },
      to: { shape: { ...TIME_SHAPE, description: "Judge only entries registered before this time." } },
      statements: {
        shape: {
          type: "array",
          description: "Ids of statements whose CCF receipts must sign roots this ledger signed (split view).",
          items: ID_SHAPE,
        },
      },
    },
  },
  refs: {
    prefix: "ledger",
    fields: { "last-root": "bytes", "last-txid": "text", transactions: "number", entries: "number" },
  },
  idOf: (node: MapNode) => stringNode(node, "id"),
  async build(node, path, context) {
    const files: FileRef[] = [];
    for (const [i, file] of stringNodes(node, "files").entries()) {
      if (!parseChunkName(basename(file.value))) {
        context.fail("PLAYBOOK_INVALID", file, `${path}.files[${i}]: '${file.value}' is not a ledger chunk name`);
      }
      files.push(await context.evidenceFile(file, `${path}.files[${i}]`, "ledger"));
    }
    const level = stringNode(node, "level")?.value as LedgerLevel | undefined;
    const hoursNode = stringNode(node, "working-hours");
    let workingHours: WorkingHours | undefined;
    if (hoursNode) {
      try {
        workingHours = parseWorkingHours(hoursNode.value);
      } catch (error) {
        context.fail("PLAYBOOK_INVALID", hoursNode, `${path}.working-hours: ${(error as Error).message}`);
      }
    }
    const time = (key: string) => {
      const n = stringNode(node, key);
      return n ? context.time(n, `${path}.${key}`) : undefined;
    };
    const from = time("from");
    const to = time("to");
    const statements = stringNodes(node, "statements").map((n, i) => ({
      id: n.value,
      ref: context.reference({ ...n, value: `statement.${n.value}.cose` }, `${path}.statements[${i}]`),
    }));
    return {
      id: stringNode(node, "id")!.value,
      files,
      level: level ?? "full",
      ...(entry(node, "expect-issuers")
        ? { expectIssuers: stringNodes(node, "expect-issuers").map((n) => n.value) }
        : {}),
      ...(workingHours ? { workingHours } : {}),
      ...(from ? { from } : {}),
      ...(to ? { to } : {}),
      statements,
    };
  },
  async evaluate(items, context) {
    for (const item of items) await evaluateLedger(item, context);
  },
};
