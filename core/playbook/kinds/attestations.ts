/**
 * The `attestations` section: evidence captured from a running service's API and verified offline (spec
 * `attestation.md`) — a CCF node-quotes response, a raw SEV-SNP report with its endorsements, or an MAA token
 * with the captured `/certs`. Every check is a finding; a chain that ends in a root the playbook names as
 * non-AMD is a `warn`, never a silent pass. The measured values are published as bytes for `measurements:`.
 *
 * @module
 */

import { fromHex, toHex } from "../../bytes.ts";
import {
  enclaveReportDataMatchesKid,
  type MaaTokenVerification,
  type MinimumTcb,
  type NodeQuote,
  parseNodeQuotes,
  parseSnpEndorsements,
  type SnpVerification,
  type UvmEndorsement,
  verifyMaaToken,
  verifyNodeQuotes,
  type VerifyNodeQuotesOptions,
  verifySnpReport,
  verifyUvmEndorsement,
} from "../../attestation/mod.ts";
import { AuditError } from "../../errors.ts";
import type { Json } from "../../report/model.ts";
import type { ObjectShape } from "../_shape.ts";
import { entry, type MapNode, stringNode, stringNodes } from "../_yaml.ts";
import type { FileRef } from "../model.ts";
import type { Value } from "../reference.ts";
import { FILE_SHAPE, finding, ID_SHAPE } from "./_common.ts";
import type { EvidenceKind, LoadContext, RunContext } from "./kind.ts";
import { formatUtcTime } from "../../time.ts";

/** The evidence forms an item can hold. */
export const ATTESTATION_KINDS = ["ccf-node-quote", "sev-snp-report", "maa-token"] as const;

/** One evidence form. */
export type AttestationKindName = (typeof ATTESTATION_KINDS)[number];

/** What the evidence must show beyond the checks that always run. */
export interface AttestationExpectations {
  /** Highest VMPL accepted (SEV-SNP), e.g. `0`; CCF's 3 when absent. */
  readonly maxVmpl?: number;
  /** Minimum reported TCB (SEV-SNP), component by component. */
  readonly minTcb?: MinimumTcb;
  /** A node quote must carry a (valid) UVM endorsement. */
  readonly uvmEndorsed?: boolean;
  /** Accepted MAA instances (`iss`), e.g. `["https://shareduks.uks.test.attest.azure.net"]`. */
  readonly issuers?: readonly string[];
}

/** One `attestations` item. */
export interface AttestationItem {
  /** Its id, referenced as `attestation.<id>.<field>`. */
  readonly id: string;
  /** The evidence form. */
  readonly kind: AttestationKindName;
  /** The evidence file. */
  readonly file: FileRef;
  /** `sev-snp-report`: the VCEK, ASK and ARK. */
  readonly endorsements?: FileRef;
  /** `sev-snp-report`: a UVM endorsement of its launch measurement. */
  readonly uvmEndorsement?: FileRef;
  /** `maa-token`: the captured `/certs` response. */
  readonly certs?: FileRef;
  /** `ccf-node-quote`: the quote whose values are published, when the response holds several (64 hex digits). */
  readonly nodeId?: string;
  /** Its expectations. */
  readonly expect: AttestationExpectations;
  /** Whether certificate validity and token expiry are checked at the evaluation time. */
  readonly checkValidity: boolean;
}

const TCB_FIELDS = {
  bootloader: "bootLoader",
  tee: "tee",
  snp: "snp",
  microcode: "microcode",
  fmc: "fmc",
} as const satisfies Record<string, keyof MinimumTcb>;

const SPL = (what: string) => ({ shape: { type: "integer", minimum: 0, description: what } }) as const;

const EXPECT_SHAPE: ObjectShape = {
  type: "object",
  description: "What the evidence must show beyond the checks that always run.",
  fields: {
    "debug": {
      shape: {
        type: "boolean",
        const: false,
        description: "SEV-SNP: the guest policy must forbid debugging; always enforced, stated here for readers.",
      },
    },
    "max-vmpl": {
      shape: { type: "integer", minimum: 0, description: "SEV-SNP: the highest VMPL accepted (default 3)." },
    },
    "min-tcb": {
      shape: {
        type: "object",
        description: "SEV-SNP: the minimum reported TCB, compared component by component.",
        fields: {
          bootloader: SPL("Boot loader SPL, e.g. 3."),
          tee: SPL("TEE SPL, e.g. 0."),
          snp: SPL("SNP firmware SPL, e.g. 8."),
          microcode: SPL("Microcode SPL, e.g. 115."),
          fmc: SPL("FMC SPL (Turin only)."),
        },
      },
    },
    "uvm-endorsed": {
      shape: {
        type: "boolean",
        description: "ccf-node-quote: each quote must carry a UVM endorsement (default false).",
      },
    },
    "issuers": {
      shape: {
        type: "array",
        description: "maa-token: accepted MAA instance URLs (the iss claim).",
        items: { type: "string", description: "An MAA instance URL." },
      },
    },
  },
};

/** Which optional keys each form takes; a key outside its form's list is rejected at load. */
const KEYS_OF: Readonly<Record<AttestationKindName, { readonly item: string[]; readonly expect: string[] }>> = {
  "ccf-node-quote": { item: ["node-id"], expect: ["debug", "max-vmpl", "min-tcb", "uvm-endorsed"] },
  "sev-snp-report": { item: ["endorsements", "uvm-endorsement"], expect: ["debug", "max-vmpl", "min-tcb"] },
  "maa-token": { item: ["certs"], expect: ["issuers"] },
};
const COMMON_KEYS = ["id", "kind", "file", "expect", "check-validity"];
const REQUIRED_OF: Readonly<Record<AttestationKindName, string | undefined>> = {
  "ccf-node-quote": undefined,
  "sev-snp-report": "endorsements",
  "maa-token": "certs",
};

function checkKeys(node: MapNode, kind: AttestationKindName, path: string, context: LoadContext): void {
  const allowed = (map: MapNode, keys: readonly string[], at: string) => {
    for (const e of map.entries) {
      if (keys.includes(e.key)) continue;
      context.fail(
        "PLAYBOOK_INVALID",
        { kind: "scalar", value: e.key, position: e.keyPosition },
        `key '${e.key}' does not apply to kind ${kind} in ${at} (${kind} takes ${keys.join(", ")})`,
      );
    }
  };
  allowed(node, [...COMMON_KEYS, ...KEYS_OF[kind].item], path);
  const expect = entry(node, "expect");
  if (expect?.kind === "map") allowed(expect, KEYS_OF[kind].expect, `${path}.expect`);
  const required = REQUIRED_OF[kind];
  if (required !== undefined && !entry(node, required)) {
    context.fail("PLAYBOOK_INVALID", node, `missing key '${required}' in ${path}: kind ${kind} needs it`);
  }
}

function readExpectations(node: MapNode): AttestationExpectations {
  const expect = entry(node, "expect");
  if (expect?.kind !== "map") return {};
  const integer = (map: MapNode, key: string) => {
    const n = entry(map, key);
    return n?.kind === "scalar" && typeof n.value === "number" ? n.value : undefined;
  };
  const maxVmpl = integer(expect, "max-vmpl");
  const tcbNode = entry(expect, "min-tcb");
  const minTcb: Record<string, number> = {};
  if (tcbNode?.kind === "map") {
    for (const [key, field] of Object.entries(TCB_FIELDS)) {
      const value = integer(tcbNode, key);
      if (value !== undefined) minTcb[field] = value;
    }
  }
  const uvm = entry(expect, "uvm-endorsed");
  return {
    ...(maxVmpl !== undefined ? { maxVmpl } : {}),
    ...(tcbNode ? { minTcb } : {}),
    ...(uvm?.kind === "scalar" && uvm.value === true ? { uvmEndorsed: true } : {}),
    ...(entry(expect, "issuers") ? { issuers: stringNodes(expect, "issuers").map((n) => n.value) } : {}),
  };
}

type Base = { readonly id: string; readonly kind: "attestation"; readonly subject: string };

function snpOptions(item: AttestationItem, context: RunContext): VerifyNodeQuotesOptions {
  const trust = context.trust.attestation;
  return {
    products: trust.amdProducts,
    extraRoots: trust.nonAmdRoots,
    uvmRoots: trust.uvmRoots,
    ...(item.checkValidity ? { validAt: context.at } : {}),
    ...(item.expect.maxVmpl !== undefined ? { maxVmpl: item.expect.maxVmpl } : {}),
    ...(item.expect.minTcb !== undefined ? { minTcb: item.expect.minTcb } : {}),
    ...(item.expect.uvmEndorsed ? { requireUvmEndorsements: true } : {}),
  };
}

function tcbJson(tcb: MinimumTcb): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const [key, field] of Object.entries(TCB_FIELDS)) {
    const value = tcb[field];
    if (typeof value === "number") out[key] = value;
  }
  return out;
}

function checkDetails(id: string, snp: SnpVerification, item: AttestationItem, context: RunContext): {
  [key: string]: Json;
} {
  const r = snp.report;
  switch (id) {
    case "chain":
      return { validityCheckedAt: item.checkValidity ? formatUtcTime(context.at) : null };
    case "root":
      return {
        ...(snp.root ? { name: snp.root.name, amd: snp.root.amd, sha256: snp.root.sha256 } : {}),
        acceptedAmdRoots: [...context.trust.attestation.amdProducts],
        namedNonAmdRoots: context.trust.attestation.nonAmdRoots.map((root) => root.name),
      };
    case "product":
      return snp.product ? { product: snp.product.name, source: snp.product.source } : {};
    case "signature":
      return { signatureAlgo: r.signatureAlgo };
    case "signer":
      return { signingKey: r.signer.signingKey, maskChipKey: r.signer.maskChipKey };
    case "vmpl":
      return { vmpl: r.vmpl, maxVmpl: item.expect.maxVmpl ?? 3 };
    case "debug":
    case "migrate-ma":
      return { policy: r.policy.value, debug: r.policy.debug, migrateMa: r.policy.migrateMa };
    case "vcek-tcb":
      return { vcek: tcbJson(snp.vcek.tcb), reported: tcbJson(r.reportedTcb), reportedHex: r.reportedTcb.hex };
    case "chip-id":
      return { chipId: toHex(r.chipId), vcekHwId: snp.vcek.hwId ? toHex(snp.vcek.hwId) : null };
    case "endorsed-tcb":
      return { reportedHex: r.reportedTcb.hex };
    case "min-tcb":
      return { reported: tcbJson(r.reportedTcb), minimum: tcbJson(item.expect.minTcb ?? {}) };
    default:
      return {};
  }
}

const NON_AMD_NOTE = /^The chain ends in ".*", a root named by the caller, not an AMD root$/;

function addSnpFindings(prefix: string, item: AttestationItem, snp: SnpVerification, context: RunContext): void {
  const base = (id: string): Base => ({ id: `${prefix}.${id}`, kind: "attestation", subject: item.id });
  const r = snp.report;
  context.add(finding({
    ...base("report"),
    status: "pass",
    message: `SEV-SNP report version ${r.version}${
      snp.product ? ` from ${snp.product.name}` : ""
    }, VMPL ${r.vmpl}, policy ${r.policy.value}, reported TCB ${r.reportedTcb.hex}`,
  }, {
    details: {
      version: r.version,
      guestSvn: r.guestSvn,
      policy: r.policy.value,
      vmpl: r.vmpl,
      reportedTcb: r.reportedTcb.hex,
      measurement: toHex(r.measurement),
      hostData: toHex(r.hostData),
      reportData: toHex(r.reportData),
      chipId: toHex(r.chipId),
    },
  }));
  for (const check of snp.checks) {
    const nonAmd = check.id === "root" && check.ok && snp.root?.amd === false;
    context.add(finding({
      ...base(check.id),
      status: !check.ok ? "fail" : nonAmd ? "warn" : "pass",
      message: nonAmd
        ? `Root is "${snp.root!.name}" (SHA-256 ${
          snp.root!.sha256
        }), named in trust.non-amd-roots: NOT an AMD root, so this report is not AMD-attested`
        : check.message,
    }, { code: check.code, details: checkDetails(check.id, snp, item, context) }));
  }
  snp.notes.filter((note) => !NON_AMD_NOTE.test(note)).forEach((note, i) =>
    context.add(finding({ ...base(`note.${i}`), status: "warn", message: note }))
  );
}

function addUvmFinding(base: Base, uvm: UvmEndorsement | undefined, required: boolean, context: RunContext): void {
  if (!uvm) {
    context.add(finding({
      ...base,
      status: required ? "fail" : "skip",
      message: required ? "The evidence carries no UVM endorsement" : "No UVM endorsement to check",
    }, { code: required ? "UVM_ENDORSEMENT_INVALID" : undefined }));
    return;
  }
  const details: { [key: string]: Json } = {
    format: uvm.format,
    did: uvm.did ?? null,
    feed: uvm.feed ?? null,
    svn: uvm.svn ?? null,
    measurement: uvm.measurement ?? null,
    signer: uvm.signer ?? null,
    root: uvm.root ? { did: uvm.root.did, feed: uvm.root.feed, minSvn: uvm.root.minSvn } : null,
    measurementMatches: uvm.measurementMatches ?? null,
  };
  context.add(finding({
    ...base,
    status: uvm.valid ? "pass" : "fail",
    message: uvm.valid
      ? `UVM endorsement (${uvm.format}) by ${uvm.did}, feed ${uvm.feed}, svn ${uvm.svn}, endorses the launch measurement`
      : uvm.error!.message,
  }, { code: uvm.error?.code, details }));
}

function svnValue(svn: string | undefined): Value | undefined {
  const n = svn === undefined ? NaN : Number(svn);
  return Number.isSafeInteger(n) ? { type: "number", number: n } : undefined;
}

function hexValue(hex: string | undefined): Value | undefined {
  if (hex === undefined || !/^(?:[0-9a-fA-F]{2})+$/.test(hex)) return undefined;
  return { type: "bytes", bytes: fromHex(hex.toLowerCase()) };
}

function snpValues(
  snp: SnpVerification | undefined,
  uvm: UvmEndorsement | undefined,
): Record<string, Value | undefined> {
  const bytes = (b: Uint8Array | undefined): Value | undefined => b ? { type: "bytes", bytes: b } : undefined;
  const r = snp?.report;
  return {
    "host-data": bytes(r?.hostData),
    "measurement": bytes(r?.measurement),
    "report-data": bytes(r?.reportData),
    "chip-id": bytes(r?.chipId),
    "uvm-measurement": hexValue(uvm?.measurement),
    "uvm-svn": svnValue(uvm?.svn),
  };
}

function skipValidity(base: Base, item: AttestationItem, what: string, context: RunContext): void {
  if (item.checkValidity) return;
  context.add(finding({
    ...base,
    status: "skip",
    message: `${what} not checked (check-validity: false): the evidence is audited after the fact`,
  }));
}

async function evaluateNodeQuotes(item: AttestationItem, bytes: Uint8Array, context: RunContext): Promise<void> {
  const quotes: readonly NodeQuote[] = parseNodeQuotes(bytes).quotes;
  const result = await verifyNodeQuotes(bytes, snpOptions(item, context));
  const several = quotes.length > 1;
  result.quotes.forEach((q, i) => {
    const prefix = several ? `attestation.${item.id}.quote.${i}` : `attestation.${item.id}`;
    const base = (id: string): Base => ({ id: `${prefix}.${id}`, kind: "attestation", subject: item.id });
    if (!q.snp) {
      context.add(finding({ ...base("quote"), status: "fail", message: q.error!.message }, {
        code: q.error!.code,
        details: { nodeId: q.nodeId, format: q.format },
      }));
      return;
    }
    addSnpFindings(prefix, item, q.snp, context);
    const reportData = toHex(q.snp.report.reportData.subarray(0, 32));
    context.add(finding({
      ...base("node-id"),
      status: q.nodeIdMatches ? "pass" : "fail",
      message: q.nodeIdMatches
        ? `node_id ${q.nodeId} is report_data[0:32]`
        : `node_id ${q.nodeId} is not report_data[0:32] ${reportData}`,
    }, { code: q.nodeIdMatches ? undefined : "NODE_QUOTE_INVALID", details: { nodeId: q.nodeId, reportData } }));
    const field = quotes[i]!.measurement;
    if (field !== undefined) {
      const measurement = toHex(q.snp.report.measurement);
      context.add(finding({
        ...base("measurement-field"),
        status: field === measurement ? "pass" : "fail",
        message: field === measurement
          ? `The "measurement" field is the report measurement`
          : `The "measurement" field ${field} is not the report measurement ${measurement}`,
      }, { code: field === measurement ? undefined : "NODE_QUOTE_INVALID", details: { field, measurement } }));
    }
    addUvmFinding(base("uvm-endorsement"), q.uvm, item.expect.uvmEndorsed === true, context);
  });
  skipValidity(
    { id: `attestation.${item.id}.validity`, kind: "attestation", subject: item.id },
    item,
    "Certificate validity",
    context,
  );
  const chosen = item.nodeId === undefined
    ? (several ? undefined : result.quotes[0])
    : result.quotes.find((q) => q.nodeId === item.nodeId);
  const missing = chosen
    ? `attestation '${item.id}' has no such value`
    : item.nodeId === undefined
    ? `attestation '${item.id}' holds ${result.quotes.length} quotes: name the one to bind with node-id`
    : `attestation '${item.id}' holds no quote with node_id ${item.nodeId}`;
  context.publish("attestation", item.id, {
    ...snpValues(chosen?.snp, chosen?.uvm),
    "node-id": chosen ? hexValue(chosen.nodeId) : undefined,
  }, missing);
}

async function evaluateSnpReport(item: AttestationItem, bytes: Uint8Array, context: RunContext): Promise<void> {
  const endorsements = parseSnpEndorsements(await context.read(item.endorsements!));
  const snp = await verifySnpReport(bytes, endorsements, snpOptions(item, context));
  const prefix = `attestation.${item.id}`;
  addSnpFindings(prefix, item, snp, context);
  let uvm: UvmEndorsement | undefined;
  if (item.uvmEndorsement) {
    const cose = await context.read(item.uvmEndorsement);
    uvm = await verifyUvmEndorsement(cose, {
      roots: context.trust.attestation.uvmRoots,
      measurement: snp.report.measurement,
      ...(item.checkValidity ? { validAt: context.at } : {}),
    });
    addUvmFinding({ id: `${prefix}.uvm-endorsement`, kind: "attestation", subject: item.id }, uvm, true, context);
  }
  skipValidity(
    { id: `${prefix}.validity`, kind: "attestation", subject: item.id },
    item,
    "Certificate validity",
    context,
  );
  context.publish("attestation", item.id, snpValues(snp, uvm), `attestation '${item.id}' has no such value`);
}

function maaDetails(maa: MaaTokenVerification): { [key: string]: Json } {
  const text = (v: unknown) => typeof v === "string" ? v : null;
  const number = (v: unknown) => typeof v === "number" ? v : null;
  return {
    alg: text(maa.header.alg),
    kid: text(maa.header.kid),
    iss: text(maa.claims.iss),
    attestationType: maa.values.attestationType ?? null,
    mrenclave: maa.values.mrenclave ?? null,
    mrsigner: maa.values.mrsigner ?? null,
    nbf: number(maa.claims.nbf),
    exp: number(maa.claims.exp),
    timeChecked: maa.timeChecked,
    signer: maa.signer ?? null,
  };
}

async function evaluateMaaToken(item: AttestationItem, bytes: Uint8Array, context: RunContext): Promise<void> {
  const certs = await context.read(item.certs!);
  const maa = await verifyMaaToken(bytes, {
    certs,
    ...(item.checkValidity ? { validAt: context.at } : {}),
    ...(item.expect.issuers ? { issuers: item.expect.issuers } : {}),
  });
  const prefix = `attestation.${item.id}`;
  const base = (id: string): Base => ({ id: `${prefix}.${id}`, kind: "attestation", subject: item.id });
  context.add(finding({
    ...base("token"),
    status: maa.valid ? "pass" : "fail",
    message: maa.valid
      ? `MAA token (RS256) verifies with /certs key ${String(maa.header.kid)}, issued by ${String(maa.claims.iss)}`
      : maa.error!.message,
  }, { code: maa.error?.code, details: maaDetails(maa) }));
  if (maa.enclave) {
    const kid = typeof maa.header.kid === "string" ? maa.header.kid : "";
    const bound = enclaveReportDataMatchesKid(maa.enclave.body.reportData, kid);
    context.add(finding({
      ...base("maa-enclave"),
      status: bound ? "pass" : "fail",
      message: bound
        ? `The MAA signing certificate's SGX quote binds the signing key (report_data = kid)`
        : `The MAA signing certificate's SGX quote does not bind the signing key: report_data[0:32] is not the kid`,
    }, {
      code: bound ? undefined : "MAA_TOKEN_INVALID",
      details: { mrenclave: maa.enclave.body.mrEnclave, mrsigner: maa.enclave.body.mrSigner, kid },
    }));
  }
  skipValidity(base("validity"), item, "Token expiry", context);
  const snp = maa.values.sevsnpvm;
  const claim = (name: string) => typeof snp[name] === "string" ? hexValue(snp[name] as string) : undefined;
  context.publish("attestation", item.id, {
    "mrenclave": hexValue(maa.values.mrenclave),
    "mrsigner": hexValue(maa.values.mrsigner),
    "host-data": claim("hostdata"),
    "measurement": claim("launchmeasurement"),
    "report-data": claim("reportdata"),
    "chip-id": claim("chipid"),
  }, `attestation '${item.id}' (MAA token) has no such claim`);
}

const EVALUATE: Readonly<
  Record<AttestationKindName, (item: AttestationItem, bytes: Uint8Array, context: RunContext) => Promise<void>>
> = {
  "ccf-node-quote": evaluateNodeQuotes,
  "sev-snp-report": evaluateSnpReport,
  "maa-token": evaluateMaaToken,
};

async function evaluateAttestation(item: AttestationItem, context: RunContext): Promise<void> {
  const bytes = await context.read(item.file);
  try {
    await EVALUATE[item.kind](item, bytes, context);
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    context.add(finding(
      {
        id: `attestation.${item.id}.decode`,
        status: "fail",
        kind: "attestation",
        subject: item.id,
        message: error.message,
      },
      { code: error.code, details: { file: item.file.path, kind: item.kind } },
    ));
    context.publish("attestation", item.id, {}, `attestation '${item.id}' could not be read: ${error.message}`);
  }
}

/** The `attestations` kind. */
export const attestationsKind: EvidenceKind<AttestationItem> = {
  section: "attestations",
  description:
    "Attestation evidence captured from a running service (CCF node quotes, SEV-SNP reports, MAA tokens), verified offline.",
  item: {
    type: "object",
    description: "One piece of attestation evidence and what it must show.",
    fields: {
      "id": { shape: ID_SHAPE, required: true },
      "kind": {
        required: true,
        shape: { type: "string", enum: ATTESTATION_KINDS, description: "The evidence form." },
      },
      "file": {
        required: true,
        shape: {
          ...FILE_SHAPE,
          description:
            "The evidence: a /node/quotes(/self) JSON body, a raw 1184-byte report (or its base64 / hex), or an MAA JWT.",
        },
      },
      "endorsements": {
        shape: {
          ...FILE_SHAPE,
          description: "sev-snp-report (required): VCEK, ASK, ARK as a PEM bundle, THIM JSON, or its base64.",
        },
      },
      "uvm-endorsement": {
        shape: { ...FILE_SHAPE, description: "sev-snp-report: a UVM endorsement (COSE) of the launch measurement." },
      },
      "certs": { shape: { ...FILE_SHAPE, description: "maa-token (required): the captured /certs response." } },
      "node-id": {
        shape: {
          type: "string",
          description: "ccf-node-quote: the quote whose values are referenceable when the response holds several.",
          pattern: { source: "[0-9a-f]{64}", meaning: "64 lowercase hex digits" },
        },
      },
      "check-validity": {
        shape: {
          type: "boolean",
          description:
            "Check certificate validity and token expiry at the playbook's evaluation time (default true); false for evidence audited after it expired.",
        },
      },
      "expect": { shape: EXPECT_SHAPE },
    },
  },
  refs: {
    prefix: "attestation",
    fields: {
      "host-data": "bytes",
      "measurement": "bytes",
      "report-data": "bytes",
      "chip-id": "bytes",
      "mrenclave": "bytes",
      "mrsigner": "bytes",
      "uvm-measurement": "bytes",
      "uvm-svn": "number",
      "node-id": "bytes",
    },
  },
  idOf: (node) => stringNode(node, "id"),
  async build(node, path, context) {
    const kind = stringNode(node, "kind")!.value as AttestationKindName;
    checkKeys(node, kind, path, context);
    const file = async (key: string, role: string) => {
      const n = stringNode(node, key);
      return n ? { [camel(key)]: await context.evidenceFile(n, `${path}.${key}`, role) } : {};
    };
    const validity = entry(node, "check-validity");
    const nodeId = stringNode(node, "node-id")?.value;
    return {
      id: stringNode(node, "id")!.value,
      kind,
      file: await context.evidenceFile(stringNode(node, "file")!, `${path}.file`, "attestation"),
      ...await file("endorsements", "snp-endorsements"),
      ...await file("uvm-endorsement", "uvm-endorsement"),
      ...await file("certs", "maa-certs"),
      ...(nodeId !== undefined ? { nodeId } : {}),
      expect: readExpectations(node),
      checkValidity: !(validity?.kind === "scalar" && validity.value === false),
    };
  },
  async evaluate(items, context) {
    for (const item of items) await evaluateAttestation(item, context);
  },
};

function camel(key: string): string {
  return key.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}
