/**
 * The governance timeline of a ledger (spec: ccf-ledger §5, §7): constitution, members, join policy (SNP
 * measurements, host data, UVM endorsement DID → feed → SVN, TCB versions, SGX code ids) and the SCITT
 * configuration, each change with its seqno and the proposal that made it. Flags an SVN or TCB decrease, a
 * measurement or host data added after the service opened, and a node trusted whose measurement was not
 * allowed at that point.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { wasmSha256 } from "../merkle/mod.ts";
import type { GovernanceEvent, LedgerFinding } from "./model.ts";
import { jsonObject, jsonValue, keyText, stringField, TABLE } from "./tables.ts";
import type { LedgerTransaction, TableWrites } from "./transaction.ts";

/** The join policy in force, as a state file keeps it. */
export interface PolicyState {
  /** Allowed measurements per quote format (`snp`, `sgx`, `virtual`). */
  readonly measurements: Readonly<Record<string, readonly string[]>>;
  /** Allowed host data per platform. */
  readonly hostData: Readonly<Record<string, readonly string[]>>;
  /** UVM endorsement DID → feed → SVN. */
  readonly uvm: Readonly<Record<string, Readonly<Record<string, string>>>>;
  /** TCB versions per CPU id. */
  readonly tcb: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Whether the service has opened (additions after it are flagged). */
  readonly opened: boolean;
  /** Node status by node id. */
  readonly nodes: Readonly<Record<string, string>>;
}

const MEASUREMENT_TABLES: Readonly<Record<string, string>> = {
  [TABLE.SNP_MEASUREMENTS]: "snp",
  [TABLE.SGX_CODE_IDS]: "sgx",
  [TABLE.VIRTUAL_MEASUREMENTS]: "virtual",
};
const HOST_DATA_TABLES: Readonly<Record<string, string>> = {
  [TABLE.SNP_HOST_DATA]: "snp",
  [TABLE.VIRTUAL_HOST_DATA]: "virtual",
};
const QUOTE_FORMAT_PLATFORM: Readonly<Record<string, string>> = {
  AMD_SEV_SNP_v1: "snp",
  OE_SGX_v1: "sgx",
  Insecure_Virtual: "virtual",
};
const TCB_FIELDS = ["boot_loader", "tee", "snp", "microcode", "fmc"] as const;

/** Allow-list keys are hex digests or, for virtual services, text; both are compared as lowercase hex. */
function allowListKey(key: Uint8Array): string {
  const text = keyText(key);
  return /^[0-9a-fA-F]+$/.test(text) ? text.toLowerCase() : toHex(key);
}

function short(text: string): string {
  return text.length > 24 ? `${text.slice(0, 16)}…` : text;
}

/** Tracks governance through a ledger, transaction by transaction. */
export class GovernanceTracker {
  readonly events: GovernanceEvent[] = [];
  #measurements = new Map<string, Set<string>>();
  #hostData = new Map<string, Set<string>>();
  #uvm = new Map<string, Map<string, string>>();
  #tcb = new Map<string, Record<string, number>>();
  #nodes = new Map<string, string>();
  #opened = false;
  #complete = false;

  constructor(private readonly report: (finding: LedgerFinding) => void, state?: PolicyState) {
    if (!state) return;
    for (const [k, v] of Object.entries(state.measurements)) this.#measurements.set(k, new Set(v));
    for (const [k, v] of Object.entries(state.hostData)) this.#hostData.set(k, new Set(v));
    for (const [k, v] of Object.entries(state.uvm)) this.#uvm.set(k, new Map(Object.entries(v)));
    for (const [k, v] of Object.entries(state.tcb)) this.#tcb.set(k, { ...v });
    for (const [k, v] of Object.entries(state.nodes)) this.#nodes.set(k, v);
    this.#opened = state.opened;
    this.#complete = true;
  }

  /** Marks that the audit started at seqno 1, so the policy seen is the whole policy. */
  fromGenesis(): void {
    this.#complete = true;
  }

  /** The policy in force, for a state file. */
  state(): PolicyState {
    const sets = (m: Map<string, Set<string>>) => Object.fromEntries([...m].map(([k, v]) => [k, [...v].sort()]));
    return {
      measurements: sets(this.#measurements),
      hostData: sets(this.#hostData),
      uvm: Object.fromEntries([...this.#uvm].map(([k, v]) => [k, Object.fromEntries(v)])),
      tcb: Object.fromEntries(this.#tcb),
      opened: this.#opened,
      nodes: Object.fromEntries(this.#nodes),
    };
  }

  /** Node status by node id (Pending / Trusted / Retired). */
  nodeStatus(node: string): string | undefined {
    return this.#nodes.get(node);
  }

  /** Records a change the audit itself decoded (a service status or identity change). */
  record(seqno: number, kind: string, summary: string): void {
    this.events.push({ seqno, kind, summary });
  }

  /** Marks that the service has opened. */
  serviceOpened(): void {
    this.#opened = true;
  }

  /** Reads one transaction's governance tables, policy before nodes, so a node admitted with its policy passes. */
  add(tx: LedgerTransaction): void {
    const start = this.events.length;
    for (const [table, writes] of tx.tables) {
      if (table === TABLE.CONSTITUTION) this.#constitution(tx, writes);
      else if (table === TABLE.MEMBERS_INFO) this.#members(tx, writes);
      else if (table in MEASUREMENT_TABLES) this.#allowList(tx, table, writes, this.#measurements, "measurement");
      else if (table in HOST_DATA_TABLES) this.#allowList(tx, table, writes, this.#hostData, "host-data");
      else if (table === TABLE.SNP_UVM_ENDORSEMENTS) this.#uvmEndorsements(tx, writes);
      else if (table === TABLE.SNP_TCB_VERSIONS) this.#tcbVersions(tx, writes);
      else if (table === TABLE.SCITT_CONFIGURATION) this.#scittConfiguration(tx, writes);
      else if (table === TABLE.JWT_ISSUERS) this.#jwtIssuers(tx, writes);
    }
    const nodes = tx.tables.get(TABLE.NODES);
    if (nodes) this.#nodeInfo(tx, nodes);
    this.#attribute(tx, start);
  }

  #event(tx: LedgerTransaction, event: Omit<GovernanceEvent, "seqno">): void {
    this.events.push({ seqno: tx.seqno, ...event });
  }

  #constitution(tx: LedgerTransaction, writes: TableWrites): void {
    for (const [, value] of writes.writes) {
      this.#event(tx, { kind: "constitution", summary: `constitution set (sha256 ${toHex(wasmSha256(value))})` });
    }
  }

  #members(tx: LedgerTransaction, writes: TableWrites): void {
    for (const [key, value] of writes.writes) {
      const info = jsonObject(value, TABLE.MEMBERS_INFO, tx.seqno);
      const status = stringField(info, "status") ?? "unknown";
      this.#event(tx, { kind: "member", key: keyText(key), summary: `member ${short(keyText(key))} ${status}` });
    }
    for (const key of writes.removes) {
      this.#event(tx, { kind: "member", key: keyText(key), summary: `member ${short(keyText(key))} removed` });
    }
  }

  #allowList(
    tx: LedgerTransaction,
    table: string,
    writes: TableWrites,
    lists: Map<string, Set<string>>,
    kind: "measurement" | "host-data",
  ): void {
    const platform = MEASUREMENT_TABLES[table] ?? HOST_DATA_TABLES[table]!;
    const allowed = lists.get(platform) ?? new Set<string>();
    lists.set(platform, allowed);
    for (const [key] of writes.writes) {
      const value = allowListKey(key);
      if (allowed.has(value)) continue;
      allowed.add(value);
      this.#event(tx, { kind, key: value, summary: `${platform} ${kind} ${short(value)} allowed` });
      if (this.#opened) {
        this.report({
          code: kind === "measurement" ? "LEDGER_MEASUREMENT_ADDED" : "LEDGER_HOST_DATA_ADDED",
          severity: "warning",
          seqno: tx.seqno,
          message: `Transaction ${tx.seqno} allows a new ${platform} ${kind} ${value} after the service opened`,
        });
      }
    }
    for (const key of writes.removes) {
      const value = allowListKey(key);
      allowed.delete(value);
      this.#event(tx, { kind, key: value, summary: `${platform} ${kind} ${short(value)} no longer allowed` });
    }
  }

  #uvmEndorsements(tx: LedgerTransaction, writes: TableWrites): void {
    for (const [key, value] of writes.writes) {
      const did = keyText(key);
      const feeds = jsonObject(value, TABLE.SNP_UVM_ENDORSEMENTS, tx.seqno);
      const known = this.#uvm.get(did) ?? new Map<string, string>();
      for (const [feed, entry] of Object.entries(feeds)) {
        const svn = typeof entry === "object" && entry !== null ? String((entry as Record<string, unknown>).svn) : "?";
        const before = known.get(feed);
        known.set(feed, svn);
        this.#event(tx, { kind: "uvm-endorsement", key: did, summary: `UVM feed ${feed} minimum SVN ${svn}` });
        if (before !== undefined && Number(svn) < Number(before)) {
          this.report({
            code: "LEDGER_UVM_SVN_ROLLBACK",
            severity: "error",
            seqno: tx.seqno,
            message: `Transaction ${tx.seqno} lowers the minimum SVN of UVM feed ${feed} from ${before} to ${svn}`,
          });
        }
      }
      this.#uvm.set(did, known);
    }
  }

  #tcbVersions(tx: LedgerTransaction, writes: TableWrites): void {
    for (const [key, value] of writes.writes) {
      const cpu = keyText(key);
      const versions = jsonObject(value, TABLE.SNP_TCB_VERSIONS, tx.seqno);
      const now: Record<string, number> = {};
      for (const field of TCB_FIELDS) if (typeof versions[field] === "number") now[field] = versions[field] as number;
      const before = this.#tcb.get(cpu);
      this.#tcb.set(cpu, now);
      const shown = Object.entries(now).map(([k, v]) => `${k} ${v}`).join(", ");
      this.#event(tx, { kind: "tcb", key: cpu, summary: `minimum TCB for CPU ${cpu}: ${shown}` });
      const lowered = before ? Object.keys(now).filter((f) => before[f] !== undefined && now[f]! < before[f]!) : [];
      if (lowered.length > 0) {
        this.report({
          code: "LEDGER_TCB_ROLLBACK",
          severity: "error",
          seqno: tx.seqno,
          message: `Transaction ${tx.seqno} lowers the minimum TCB for CPU ${cpu}: ${
            lowered.map((f) => `${f} ${before![f]} → ${now[f]}`).join(", ")
          }`,
        });
      }
    }
  }

  #scittConfiguration(tx: LedgerTransaction, writes: TableWrites): void {
    for (const [, value] of writes.writes) {
      const parsed = jsonValue(value, TABLE.SCITT_CONFIGURATION, tx.seqno);
      const policy = typeof parsed === "object" && parsed !== null ? (parsed as Record<string, unknown>).policy : null;
      const kinds = typeof policy === "object" && policy !== null ? Object.keys(policy).join(", ") : "none";
      this.#event(tx, {
        kind: "scitt-configuration",
        summary: `SCITT configuration set (policy: ${kinds}; sha256 ${toHex(wasmSha256(value)).slice(0, 16)}…)`,
      });
    }
  }

  #jwtIssuers(tx: LedgerTransaction, writes: TableWrites): void {
    for (const [key] of writes.writes) {
      this.#event(tx, { kind: "jwt-issuer", key: keyText(key), summary: `JWT issuer ${keyText(key)} set` });
    }
  }

  #nodeInfo(tx: LedgerTransaction, writes: TableWrites): void {
    for (const [key, value] of writes.writes) {
      const node = keyText(key);
      const info = jsonObject(value, TABLE.NODES, tx.seqno);
      const status = stringField(info, "status") ?? "unknown";
      const before = this.#nodes.get(node);
      this.#nodes.set(node, status);
      if (before === status) continue;
      const quote = typeof info.quote_info === "object" && info.quote_info !== null
        ? info.quote_info as Record<string, unknown>
        : {};
      const format = stringField(quote, "format");
      const measurement = stringField(info, "code_digest")?.toLowerCase();
      this.#event(tx, {
        kind: "node",
        key: node,
        summary: `node ${short(node)} ${status}${
          format ? ` (${format}${measurement ? ` ${short(measurement)}` : ""})` : ""
        }`,
      });
      if (status === "Trusted" && format && measurement) this.#checkMeasurement(tx, node, format, measurement, quote);
    }
    for (const key of writes.removes) {
      this.#nodes.delete(keyText(key));
      this.#event(tx, { kind: "node", key: keyText(key), summary: `node ${short(keyText(key))} removed` });
    }
  }

  #checkMeasurement(
    tx: LedgerTransaction,
    node: string,
    format: string,
    measurement: string,
    quote: Record<string, unknown>,
  ): void {
    const platform = QUOTE_FORMAT_PLATFORM[format];
    // Judged only when the whole policy is known (the audit began at seqno 1 or from a saved state) and the
    // ledger has an allow-list for the platform; a test service built without one admits any node.
    const allowed = platform === undefined ? undefined : this.#measurements.get(platform);
    if (!this.#complete || allowed === undefined || allowed.has(measurement)) return;
    // An SNP node may instead be admitted by a UVM endorsement matching the policy's DID and feed.
    if (platform === "snp" && quote.uvm_endorsements !== undefined && this.#uvm.size > 0) return;
    this.report({
      code: "LEDGER_NODE_MEASUREMENT_NOT_ALLOWED",
      severity: "error",
      seqno: tx.seqno,
      message:
        `Transaction ${tx.seqno} trusts node ${node} whose ${platform} measurement ${measurement} was not allowed`,
    });
  }

  /** Attaches the accepted proposal of this transaction (proposer, voters) to the events it made. */
  #attribute(tx: LedgerTransaction, from: number): void {
    if (this.events.length === from) return;
    const proposals = tx.tables.get(TABLE.PROPOSALS_INFO)?.writes ?? [];
    for (const [, value] of proposals) {
      const info = jsonObject(value, TABLE.PROPOSALS_INFO, tx.seqno);
      if (info.state !== "Accepted") continue;
      const proposer = stringField(info, "proposer_id");
      const ballots = typeof info.ballots === "object" && info.ballots !== null ? Object.keys(info.ballots) : [];
      for (let i = from; i < this.events.length; i++) {
        this.events[i] = {
          ...this.events[i]!,
          ...(proposer ? { proposer } : {}),
          ...(ballots.length ? { voters: ballots } : {}),
        };
      }
      return;
    }
  }
}
