/**
 * SEV-SNP report verification (spec `attestation.md` §3–§5): the VCEK → ASK → ARK chain to a pinned root,
 * the report signature with the VCEK, the VCEK's binding to this chip and TCB, and the guest checks CCF
 * applies (signer, VMPL, debug, migration agent, minimum TCB). Every check is reported; the first failure
 * decides.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { type Check, check as made, type CheckExtra } from "../check.ts";
import { verifySignature } from "../crypto/signature.ts";
import { AuditError, type ErrorCode, type Problem } from "../errors.ts";
import type { Json } from "../report/canonical_json.ts";
import { formatUtcTime } from "../time.ts";
import type { Certificate } from "../x509/certificate.ts";
import { verifyChain } from "../x509/chain.ts";
import { AMD_PRODUCTS, type AmdProduct, type ExtraRoot, matchPinnedRoot, type RootMatch } from "./amd_roots.ts";
import { parseSnpReport, type SnpReport, type TcbVersion } from "./sev_snp_report.ts";
import { readVcekExtensions, type SnpEndorsements, type VcekExtensions } from "./snp_endorsements.ts";

/** A minimum TCB, component by component (never compared as one integer, spec §2.2). */
export interface MinimumTcb {
  /** e.g. `3` */
  readonly bootLoader?: number;
  /** e.g. `0` */
  readonly tee?: number;
  /** e.g. `8` */
  readonly snp?: number;
  /** e.g. `115` */
  readonly microcode?: number;
  /** Turin only, e.g. `0` */
  readonly fmc?: number;
}

/** Options for {@linkcode verifySnpReport}. */
export interface VerifySnpOptions {
  /** AMD products accepted (playbook `amd-roots`), e.g. `["Milan", "Genoa"]`; all pinned products when absent. */
  readonly products?: readonly AmdProduct[];
  /** Non-AMD roots trusted by name, e.g. a test chain; results that use one say `root.amd === false`. */
  readonly extraRoots?: readonly ExtraRoot[];
  /** Check certificate validity periods at this time; absent (the default): not checked. */
  readonly validAt?: Date;
  /** Highest VMPL accepted; `3` by default (CCF). C-ACI reports come from VMPL 0. */
  readonly maxVmpl?: number;
  /** Minimum reported TCB, e.g. `{ bootLoader: 3, tee: 0, snp: 8, microcode: 115 }`. */
  readonly minTcb?: MinimumTcb;
  /** A TCB the endorsements were fetched for (CCF hex); the THIM `tcbm` is used when absent. */
  readonly endorsedTcb?: string;
}

/**
 * One check of a report, with the values it compared in its details. Ids: `chain`, `root`, `product`, `signature`,
 * `signer`, `vmpl`, `debug`, `migrate-ma`, `vcek-tcb`, `chip-id`, `endorsed-tcb`, `min-tcb`. A chain that ends in
 * a root the caller named (not AMD's) makes the `root` check a warning.
 */
export type SnpCheck = Check;

/** The outcome of {@linkcode verifySnpReport}. */
export interface SnpVerification {
  /** Whether every check passed. */
  readonly valid: boolean;
  /** The first failed check. */
  readonly error?: Problem;
  /** The parsed report. */
  readonly report: SnpReport;
  /** The root the chain ended in, when it matched one. */
  readonly root?: RootMatch;
  /** The product, and where it was read from. */
  readonly product?: { readonly name: AmdProduct; readonly source: "cpuid" | "vcek" };
  /** The VCEK's AMD extensions. */
  readonly vcek: VcekExtensions;
  /** Every check, in order. */
  readonly checks: readonly SnpCheck[];
  /** Information that does not decide validity (v2 report, Turin, report warnings). */
  readonly notes: readonly string[];
}

/** CCF's CPUID → product table (spec §4.1). */
const CPUID_PRODUCTS: ReadonlyMap<string, AmdProduct> = new Map([
  ["19/01", "Milan"],
  ["19/11", "Genoa"],
  ["1a/01", "Turin"],
]);

const hex2 = (n: number) => n.toString(16).padStart(2, "0");

function productFromVcek(vcek: Certificate, extensions: VcekExtensions): AmdProduct | undefined {
  const name = extensions.productName?.split("-")[0] ?? commonName(vcek.issuer)?.replace(/^SEV-/, "");
  return name === "Milan" || name === "Genoa" || name === "Turin" ? name : undefined;
}

function commonName(name: Certificate["subject"]): string | undefined {
  for (const rdn of name.rdns) {
    for (const attribute of rdn) if (attribute.oid === "2.5.4.3") return attribute.value;
  }
  return undefined;
}

const TCB_FIELDS = ["bootLoader", "tee", "snp", "microcode", "fmc"] as const;

function describeTcb(tcb: Partial<Record<(typeof TCB_FIELDS)[number], number>>): string {
  return TCB_FIELDS.filter((f) => tcb[f] !== undefined).map((f) => `${f} ${tcb[f]}`).join(", ");
}

class Checks {
  readonly list: Check[] = [];
  pass(id: string, message: string, details?: CheckExtra["details"]): void {
    this.list.push(made(id, "pass", message, { details }));
  }
  fail(id: string, code: ErrorCode, message: string, details?: CheckExtra["details"]): void {
    this.list.push(made(id, "fail", message, { code, details }));
  }
  check(id: string, ok: boolean, code: ErrorCode, pass: string, fail: string, details?: CheckExtra["details"]): void {
    if (ok) this.pass(id, pass, details);
    else this.fail(id, code, fail, details);
  }
  async run(id: string, step: () => Promise<string>, details: () => CheckExtra["details"]): Promise<boolean> {
    try {
      this.pass(id, await step(), details());
      return true;
    } catch (error) {
      if (!(error instanceof AuditError)) throw error;
      const code = error.code === "X509_CHAIN_INVALID" ? "SNP_CHAIN_INVALID" : error.code;
      this.fail(id, code, error.message, details());
      return false;
    }
  }
  /** Turns the last check, when it passed, into a warning with this message. */
  warnLast(message: string): void {
    const last = this.list.pop()!;
    this.list.push(last.status === "pass" ? { ...last, status: "warn", message } : last);
  }
}

/** A TCB as report details: each component present, by its playbook name. */
function tcbJson(tcb: Partial<Record<(typeof TCB_FIELDS)[number], number>>): { [key: string]: Json } {
  const out: { [key: string]: Json } = {};
  for (const field of TCB_FIELDS) {
    const value = tcb[field];
    if (typeof value === "number") out[field === "bootLoader" ? "bootloader" : field] = value;
  }
  return out;
}

/** AMD signs all three certificates with RSASSA-PSS, SHA-384, MGF1-SHA-384, salt 48 (spec §4). */
function checkAmdAlgorithms(chain: readonly Certificate[]): void {
  for (const cert of chain) {
    const scheme = cert.signatureAlgorithm.scheme;
    if (scheme?.name !== "RSA-PSS" || scheme.hash !== "SHA-384" || scheme.saltLength !== 48) {
      throw new AuditError(
        "SNP_CHAIN_INVALID",
        `Cannot trust chain: ${
          commonName(cert.subject)
        } is signed with ${cert.signatureAlgorithm.name}, not RSASSA-PSS SHA-384 salt 48`,
      );
    }
  }
}

/**
 * Verifies a report with its endorsements (spec §3–§5). Never throws for a failed check: each one is listed in
 * `checks`, and `error` is the first failure (`SNP_CHAIN_INVALID`, `SNP_SIGNATURE_INVALID` or
 * `SNP_POLICY_FAILED`). A report that cannot be parsed is `AuditError` `SNP_MALFORMED`.
 *
 * @param input The report: parsed, its 1184 bytes, or base64 or hex text of them.
 * @param endorsements The VCEK, ASK and ARK.
 * @param options The accepted products and roots, and the guest checks' limits.
 * @returns Every check, the first failure, the root the chain ended in and the parsed report.
 * @throws {AuditError} `SNP_MALFORMED` when the report cannot be parsed.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { toHex } from "../bytes.ts";
 * import { verifySnpReport } from "./sev_snp_verify.ts";
 * import { parseSnpEndorsements } from "./snp_endorsements.ts";
 *
 * const fixture = (name: string) => Deno.readFileSync(new URL(`../../fixtures/attestation/${name}`, import.meta.url));
 * const report = fixture("snp_report.bin");
 * const endorsements = parseSnpEndorsements(fixture("snp_endorsements.pem"));
 * // The fixture's chain ends in a test ARK, not AMD's: it is trusted only when named as a non-AMD root.
 * const testArk = {
 *   name: "scitt-audit test ARK",
 *   sha256: "3c7df2c76f22be98a611e582ae98e45c1d5a8bba130d474d0d2ecab8967de665",
 * };
 *
 * const result = await verifySnpReport(report, endorsements, { extraRoots: [testArk] });
 * equal(result.valid, true);
 * deepEqual(result.root, { ...testArk, amd: false });
 * equal(toHex(result.report.hostData), "a4c6a59191457cf36ac191fbaf9b3a04a43a0bbcd51fcd5761280c0d301d10d0");
 * equal((await verifySnpReport(report, endorsements)).error?.code, "SNP_CHAIN_INVALID");
 * ```
 */
export async function verifySnpReport(
  input: SnpReport | Uint8Array | string,
  endorsements: SnpEndorsements,
  options: VerifySnpOptions = {},
): Promise<SnpVerification> {
  const report = typeof input === "string" || input instanceof Uint8Array ? parseSnpReport(input) : input;
  const { vcek, ask, ark } = endorsements;
  const extensions = readVcekExtensions(vcek);
  const checks = new Checks();
  const notes = [...report.warnings];

  await checks.run("chain", async () => {
    await verifyChain([vcek, ask, ark], options.validAt ? { validAt: options.validAt } : {});
    return `VCEK → ${commonName(ask.subject)} → ${commonName(ark.subject)} verifies`;
  }, () => ({ validityCheckedAt: options.validAt ? formatUtcTime(options.validAt) : null }));
  let root: RootMatch | undefined;
  await checks.run("root", async () => {
    root = await matchPinnedRoot(ark, options);
    if (root.amd) checkAmdAlgorithms([vcek, ask, ark]);
    return `Root is the pinned ${root.name}`;
  }, () => ({
    ...(root ? { name: root.name, amd: root.amd, sha256: root.sha256 } : {}),
    acceptedAmdRoots: [...(options.products ?? AMD_PRODUCTS)],
    namedNonAmdRoots: (options.extraRoots ?? []).map((r) => r.name),
  }));
  if (root && !root.amd) {
    checks.warnLast(
      `Root is "${root.name}" (SHA-256 ${root.sha256}), named by the caller as a non-AMD root: NOT an AMD root, so this report is not AMD-attested`,
    );
  }

  const product = checkProduct(report, vcek, ask, extensions, root, checks, notes);
  await checkSignature(report, vcek, checks);
  checkGuest(report, options, checks);
  checkVcekBinding(report, extensions, endorsements, options, checks);

  const failed = checks.list.find((c) => c.status === "fail");
  return {
    valid: failed === undefined,
    ...(failed ? { error: { code: failed.code as ErrorCode, message: failed.message } } : {}),
    report,
    ...(root ? { root } : {}),
    ...(product ? { product } : {}),
    vcek: extensions,
    checks: checks.list,
    notes,
  };
}

function checkProduct(
  report: SnpReport,
  vcek: Certificate,
  ask: Certificate,
  extensions: VcekExtensions,
  root: RootMatch | undefined,
  checks: Checks,
  notes: string[],
): SnpVerification["product"] {
  const { family, model } = report.cpuid;
  const fromCpuid = CPUID_PRODUCTS.get(`${hex2(family)}/${hex2(model)}`);
  const fromVcek = productFromVcek(vcek, extensions);
  if (family === 0 && model === 0) {
    notes.push(`Version ${report.version} report without CPUID: product read from the VCEK; CCF cannot derive it`);
  } else if (!fromCpuid) {
    notes.push(`CPUID family 0x${hex2(family)} model 0x${hex2(model)} is not in CCF's product table`);
  }
  const name = fromCpuid ?? fromVcek;
  if (!name) {
    checks.fail(
      "product",
      "SNP_CHAIN_INVALID",
      "Cannot determine the AMD product from the report CPUID or the VCEK",
      {},
    );
    return undefined;
  }
  if (name === "Turin") notes.push("Turin chains are accepted here but not (yet) by CCF");
  const problems: string[] = [];
  if (root?.product && root.product !== name) problems.push(`the root is ${root.name}`);
  if (commonName(vcek.issuer) !== `SEV-${name}`) problems.push(`the VCEK issuer is ${commonName(vcek.issuer)}`);
  if (commonName(ask.subject) !== `SEV-${name}`) problems.push(`the ASK is ${commonName(ask.subject)}`);
  if (fromVcek && fromVcek !== name) problems.push(`the VCEK is for ${extensions.productName}`);
  const source = fromCpuid ? "cpuid" : "vcek";
  checks.check(
    "product",
    problems.length === 0,
    "SNP_CHAIN_INVALID",
    `Product ${name} (from the ${source === "cpuid" ? "report CPUID" : "VCEK"}) matches the chain`,
    `The report is from ${name} but ${problems.join(", ")}`,
    { product: name, source },
  );
  return { name, source };
}

async function checkSignature(report: SnpReport, vcek: Certificate, checks: Checks): Promise<void> {
  if (report.signatureAlgo !== 1) {
    checks.fail(
      "signature",
      "SNP_SIGNATURE_INVALID",
      `Signature algorithm ${report.signatureAlgo} is not 1 (ECDSA P-384 SHA-384)`,
      { signatureAlgo: report.signatureAlgo },
    );
    return;
  }
  const key = vcek.publicKey;
  if (key.kty !== "EC" || key.crv !== "P-384") {
    checks.fail("signature", "SNP_SIGNATURE_INVALID", "The VCEK key is not an EC P-384 key", {
      signatureAlgo: report.signatureAlgo,
    });
    return;
  }
  const ok = await verifySignature(key, { name: "ECDSA", hash: "SHA-384" }, report.signedBytes, report.signature);
  checks.check(
    "signature",
    ok,
    "SNP_SIGNATURE_INVALID",
    "Report signature verifies with the VCEK (ECDSA P-384 SHA-384)",
    "Report signature does not verify with the VCEK",
    { signatureAlgo: report.signatureAlgo },
  );
}

function checkGuest(report: SnpReport, options: VerifySnpOptions, checks: Checks): void {
  const { signer, policy, vmpl } = report;
  checks.check(
    "signer",
    signer.signingKey === "vcek" && !signer.maskChipKey,
    "SNP_POLICY_FAILED",
    "Signed by the VCEK, chip id not masked",
    `Signer is ${signer.signingKey}${signer.maskChipKey ? " with the chip id masked" : ""}; only the VCEK is accepted`,
    { signingKey: signer.signingKey, maskChipKey: signer.maskChipKey },
  );
  const maxVmpl = options.maxVmpl ?? 3;
  checks.check(
    "vmpl",
    vmpl <= maxVmpl,
    "SNP_POLICY_FAILED",
    `VMPL ${vmpl} ≤ ${maxVmpl}`,
    vmpl === 0xffffffff ? "VMPL 0xffffffff: the report was generated by the host" : `VMPL ${vmpl} exceeds ${maxVmpl}`,
    { vmpl, maxVmpl },
  );
  const policyDetails = { policy: policy.value, debug: policy.debug, migrateMa: policy.migrateMa };
  checks.check(
    "debug",
    !policy.debug,
    "SNP_POLICY_FAILED",
    "Guest policy forbids debugging",
    `Guest policy ${policy.value} allows debugging (bit 19)`,
    policyDetails,
  );
  checks.check(
    "migrate-ma",
    !policy.migrateMa,
    "SNP_POLICY_FAILED",
    "Guest policy forbids a migration agent",
    `Guest policy ${policy.value} allows a migration agent (bit 18)`,
    policyDetails,
  );
}

function checkVcekBinding(
  report: SnpReport,
  extensions: VcekExtensions,
  endorsements: SnpEndorsements,
  options: VerifySnpOptions,
  checks: Checks,
): void {
  const reported = report.reportedTcb;
  const fields = TCB_FIELDS.filter((f) => f !== "fmc" || report.turinLayout);
  const missing = fields.filter((f) => extensions.tcb[f] === undefined);
  const above = fields.filter((f) => (extensions.tcb[f] ?? 0) > (reported[f] ?? 0));
  checks.check(
    "vcek-tcb",
    missing.length === 0 && above.length === 0,
    "SNP_CHAIN_INVALID",
    `VCEK TCB (${describeTcb(extensions.tcb)}) fits the reported TCB ${reported.hex}`,
    missing.length > 0
      ? `The VCEK lacks the TCB extensions ${missing.join(", ")}`
      : `The VCEK is for a higher TCB (${describeTcb(extensions.tcb)}) than reported (${reported.hex})`,
    { vcek: tcbJson(extensions.tcb), reported: tcbJson(reported), reportedHex: reported.hex },
  );
  checks.check(
    "chip-id",
    extensions.hwId !== undefined && chipIdMatches(extensions.hwId, report.chipId),
    "SNP_CHAIN_INVALID",
    "VCEK hwID equals the report chip_id",
    extensions.hwId ? "The VCEK is for a different chip: hwID differs from chip_id" : "The VCEK has no hwID extension",
    { chipId: toHex(report.chipId), vcekHwId: extensions.hwId ? toHex(extensions.hwId) : null },
  );
  const endorsed = options.endorsedTcb?.toLowerCase() ?? endorsements.tcbm;
  if (endorsed !== undefined) {
    checks.check(
      "endorsed-tcb",
      endorsed === reported.hex,
      "SNP_CHAIN_INVALID",
      `Endorsed TCB ${endorsed} equals the reported TCB`,
      `Endorsed TCB ${endorsed} differs from the reported TCB ${reported.hex}`,
      { reportedHex: reported.hex },
    );
  }
  if (options.minTcb) checkMinTcb(reported, options.minTcb, checks);
}

/** Turin VCEKs carry an 8-byte hwID; it is compared with the start of chip_id (go-sev-guest does the same). */
function chipIdMatches(hwId: Uint8Array, chipId: Uint8Array): boolean {
  if (hwId.length === 64) return equalBytes(hwId, chipId);
  return hwId.length === 8 && equalBytes(hwId, chipId.subarray(0, 8));
}

function checkMinTcb(reported: TcbVersion, minimum: MinimumTcb, checks: Checks): void {
  const below = TCB_FIELDS.filter((f) => minimum[f] !== undefined && (reported[f] ?? 0) < minimum[f]!);
  checks.check(
    "min-tcb",
    below.length === 0,
    "SNP_POLICY_FAILED",
    `Reported TCB (${describeTcb(reported)}) meets the minimum (${describeTcb(minimum)})`,
    `Reported TCB is below the minimum in ${below.map((f) => `${f} ${reported[f]} < ${minimum[f]}`).join(", ")}`,
    { reported: tcbJson(reported), minimum: tcbJson(minimum) },
  );
}

/**
 * Everything a verification says about a report, as checks in report order: `report` (what the report is, with its
 * fields in the details), every check of {@linkcode SnpVerification.checks}, and one `note.<i>` warning per note.
 */
export function snpReportChecks(snp: SnpVerification): Check[] {
  const r = snp.report;
  const about = made(
    "report",
    "pass",
    `SEV-SNP report version ${r.version}${
      snp.product ? ` from ${snp.product.name}` : ""
    }, VMPL ${r.vmpl}, policy ${r.policy.value}, reported TCB ${r.reportedTcb.hex}`,
    {
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
    },
  );
  return [about, ...snp.checks, ...snp.notes.map((note, i) => made(`note.${i}`, "warn", note))];
}

/**
 * The report fields an audit binds to registered values, as lowercase hex.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { snpBindingValues } from "./sev_snp_verify.ts";
 * import { parseSnpReport } from "./sev_snp_report.ts";
 * const bytes = new Uint8Array(1184);
 * bytes[0] = 2;
 * assert(snpBindingValues(parseSnpReport(bytes))["host-data"] === "00".repeat(32));
 * ```
 */
export function snpBindingValues(report: SnpReport): Readonly<Record<string, string>> {
  return {
    "host-data": toHex(report.hostData),
    "measurement": toHex(report.measurement),
    "report-data": toHex(report.reportData),
    "chip-id": toHex(report.chipId),
    "reported-tcb": report.reportedTcb.hex,
  };
}
