/**
 * Evaluating each form of attestation evidence (CCF node quotes, a raw SEV-SNP report, an MAA token) into findings
 * and published values, for the `attestations` kind.
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
import type { Json } from "../../report/model.ts";
import type { Value } from "../value.ts";
import { finding } from "./_common.ts";
import type { RunContext } from "./kind.ts";
import { formatUtcTime } from "../../time.ts";
import { type AttestationItem, type AttestationKindName, TCB_FIELDS } from "./_attestation_model.ts";
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

export const EVALUATE: Readonly<
  Record<AttestationKindName, (item: AttestationItem, bytes: Uint8Array, context: RunContext) => Promise<void>>
> = {
  "ccf-node-quote": evaluateNodeQuotes,
  "sev-snp-report": evaluateSnpReport,
  "maa-token": evaluateMaaToken,
};
