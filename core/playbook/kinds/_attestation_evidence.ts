/**
 * Evaluating each form of attestation evidence (CCF node quotes, a raw SEV-SNP report, an MAA token) into findings
 * and published values, for the `attestations` kind.
 *
 * @module
 */

import { fromHex } from "../../bytes.ts";
import {
  maaTokenChecks,
  type NodeQuote,
  parseNodeQuotes,
  parseSnpEndorsements,
  snpReportChecks,
  type SnpVerification,
  type UvmEndorsement,
  uvmEndorsementCheck,
  verifyMaaToken,
  verifyNodeQuotes,
  type VerifyNodeQuotesOptions,
  verifySnpReport,
  verifyUvmEndorsement,
} from "../../attestation/mod.ts";
import type { Value } from "../value.ts";
import { finding, placed, type Placement } from "./_common.ts";
import { check } from "../../check.ts";
import type { RunContext } from "./kind.ts";
import type { AttestationItem, AttestationKindName } from "./_attestation_model.ts";
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

function addSnpFindings(prefix: string, item: AttestationItem, snp: SnpVerification, context: RunContext): void {
  const where = { prefix, kind: "attestation", subject: item.id } as const;
  for (const check of snpReportChecks(snp)) context.add(placed(check, where));
}

function addUvmFinding(
  where: Placement,
  uvm: UvmEndorsement | undefined,
  required: boolean,
  context: RunContext,
): void {
  const found = uvm
    ? uvmEndorsementCheck(uvm)
    : required
    ? check("uvm-endorsement", "fail", "The evidence carries no UVM endorsement", { code: "UVM_ENDORSEMENT_INVALID" })
    : check("uvm-endorsement", "skip", "No UVM endorsement to check");
  context.add(placed(found, where));
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
    for (const check of q.checks) context.add(placed(check, { prefix, kind: "attestation", subject: item.id }));
    addUvmFinding({ prefix, kind: "attestation", subject: item.id }, q.uvm, item.expect.uvmEndorsed === true, context);
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
    addUvmFinding({ prefix, kind: "attestation", subject: item.id }, uvm, true, context);
  }
  skipValidity(
    { id: `${prefix}.validity`, kind: "attestation", subject: item.id },
    item,
    "Certificate validity",
    context,
  );
  context.publish("attestation", item.id, snpValues(snp, uvm), `attestation '${item.id}' has no such value`);
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
  for (const check of maaTokenChecks(maa)) {
    context.add(placed(check, { prefix, kind: "attestation", subject: item.id }));
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
