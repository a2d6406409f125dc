/**
 * Readable, JSON-ready descriptions of attestation evidence for `scitt-audit inspect`: an SEV-SNP report field
 * by field, a CCF node-quotes response (each quote's report, endorsement certificates and UVM endorsement), and
 * an MAA token's header and claims. Nothing is verified here; the input's form is recognised from its bytes.
 *
 * @module
 */

import { fromUtf8, toHex } from "../bytes.ts";
import { certificateSummary, describeCose, type Json } from "../cose/describe.ts";
import { AuditError } from "../errors.ts";
import { decodeMaaToken } from "./maa_token.ts";
import { parseNodeQuotes } from "./ccf_node_quotes.ts";
import { parseSnpReport, SNP_REPORT_SIZE, type SnpReport, type TcbVersion } from "./sev_snp_report.ts";
import { parseSnpEndorsements, readVcekExtensions } from "./snp_endorsements.ts";
import { formatEpochSeconds } from "../time.ts";

/** What an attestation description describes. */
export type AttestationDescriptionKind = "SEV-SNP report" | "CCF node quotes" | "MAA token";

/** A description: its kind, then JSON fields in reading order. */
export interface AttestationDescription {
  readonly kind: AttestationDescriptionKind;
  readonly [field: string]: Json;
}

const JWT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

function text(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8(bytes).trim();
  } catch {
    return undefined;
  }
}

/**
 * Recognises attestation evidence: 1184 raw bytes (or their base64 / hex) are an SEV-SNP report, a JSON object
 * with `quotes`, `attestations` or `node_id` is a node-quotes response, and three base64url parts are a JWT.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { attestationKindOf } from "./describe.ts";
 * assert(attestationKindOf(new Uint8Array(1184)) === "SEV-SNP report");
 * assert(attestationKindOf(new TextEncoder().encode('{"quotes": []}')) === "CCF node quotes");
 * assert(attestationKindOf(new Uint8Array([0xd2, 0x84])) === undefined);
 * ```
 */
export function attestationKindOf(bytes: Uint8Array): AttestationDescriptionKind | undefined {
  // A report starts with its version as a small little-endian u32; COSE (0xd2, 0x84) and text cannot.
  if (bytes.length === SNP_REPORT_SIZE && bytes[0]! < 0x10 && bytes[1] === 0 && bytes[2] === 0 && bytes[3] === 0) {
    return "SEV-SNP report";
  }
  const body = text(bytes);
  if (body === undefined) return undefined;
  if (body.startsWith("{")) return /"(?:quotes|attestations|node_id)"\s*:/.test(body) ? "CCF node quotes" : undefined;
  if (JWT.test(body)) return "MAA token";
  const compact = body.replace(/\s+/g, "");
  const hexReport = compact.length === 2 * SNP_REPORT_SIZE && /^[0-9a-fA-F]+$/.test(compact);
  const base64Report = /^[A-Za-z0-9+/]+={0,2}$/.test(compact) && Math.floor(compact.length * 3 / 4) -
          (compact.match(/=+$/)?.[0].length ?? 0) === SNP_REPORT_SIZE;
  return hexReport || base64Report ? "SEV-SNP report" : undefined;
}

function tcb(value: TcbVersion): Json {
  return {
    bootLoader: value.bootLoader,
    tee: value.tee,
    snp: value.snp,
    microcode: value.microcode,
    ...(value.fmc !== undefined ? { fmc: value.fmc } : {}),
    tcbm: value.hex,
  };
}

const firmware = (f: SnpReport["currentFirmware"]) => `${f.major}.${f.minor}.${f.build}`;
const hex2 = (n: number) => `0x${n.toString(16).padStart(2, "0")}`;

/**
 * Describes a parsed SEV-SNP report field by field (spec `attestation.md` §2); byte fields as lowercase hex.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { describeSnpReport } from "./describe.ts";
 * import { parseSnpReport } from "./sev_snp_report.ts";
 * const bytes = new Uint8Array(1184);
 * bytes[0] = 2;
 * const d = describeSnpReport(parseSnpReport(bytes));
 * assert(d.kind === "SEV-SNP report" && d.version === 2 && d.hostData === "00".repeat(32));
 * ```
 */
export function describeSnpReport(report: SnpReport): AttestationDescription {
  const { policy } = report;
  return {
    kind: "SEV-SNP report",
    version: report.version,
    guestSvn: report.guestSvn,
    policy: {
      value: policy.value,
      abi: `${policy.abiMajor}.${policy.abiMinor}`,
      smt: policy.smt,
      reservedOne: policy.reservedOne,
      migrateMa: policy.migrateMa,
      debug: policy.debug,
      singleSocket: policy.singleSocket,
      cxlAllowed: policy.cxlAllowed,
      memAes256Xts: policy.memAes256Xts,
      raplDisabled: policy.raplDisabled,
      ciphertextHiding: policy.ciphertextHiding,
      pageSwapDisabled: policy.pageSwapDisabled,
    },
    familyId: toHex(report.familyId),
    imageId: toHex(report.imageId),
    vmpl: report.vmpl,
    signatureAlgo: report.signatureAlgo === 1 ? "1 (ECDSA P-384 SHA-384)" : report.signatureAlgo,
    currentTcb: tcb(report.currentTcb),
    platformInfo: { ...report.platformInfo },
    signer: { ...report.signer },
    reportData: toHex(report.reportData),
    measurement: toHex(report.measurement),
    hostData: toHex(report.hostData),
    idKeyDigest: toHex(report.idKeyDigest),
    authorKeyDigest: toHex(report.authorKeyDigest),
    reportId: toHex(report.reportId),
    reportIdMa: toHex(report.reportIdMa),
    reportedTcb: tcb(report.reportedTcb),
    cpuid: { family: hex2(report.cpuid.family), model: hex2(report.cpuid.model), stepping: report.cpuid.stepping },
    chipId: toHex(report.chipId),
    committedTcb: tcb(report.committedTcb),
    currentFirmware: firmware(report.currentFirmware),
    committedFirmware: firmware(report.committedFirmware),
    launchTcb: tcb(report.launchTcb),
    ...(report.launchMitVector !== undefined ? { launchMitVector: report.launchMitVector } : {}),
    ...(report.currentMitVector !== undefined ? { currentMitVector: report.currentMitVector } : {}),
    signature: { r: toHex(report.signature.subarray(0, 48)), s: toHex(report.signature.subarray(48)) },
    warnings: [...report.warnings],
  };
}

/** A part of a quote that could not be read is shown with the reason instead of failing the whole response. */
function attempt(describe: () => Json): Json {
  try {
    return describe();
  } catch (error) {
    if (error instanceof AuditError) return { error: error.message };
    throw error;
  }
}

function describeEndorsements(bytes: Uint8Array): Json {
  const e = parseSnpEndorsements(bytes);
  const vcek = readVcekExtensions(e.vcek);
  return {
    format: e.format,
    ...(e.tcbm !== undefined ? { tcbm: e.tcbm } : {}),
    vcek: certificateSummary(e.vcek.der),
    vcekExtensions: {
      ...(vcek.structVersion !== undefined ? { structVersion: vcek.structVersion } : {}),
      ...(vcek.productName !== undefined ? { productName: vcek.productName } : {}),
      tcb: { ...vcek.tcb },
      ...(vcek.hwId ? { hwId: toHex(vcek.hwId) } : {}),
    },
    ask: certificateSummary(e.ask.der),
    ark: certificateSummary(e.ark.der),
  };
}

/**
 * Describes a `/node/quotes/self`, `/node/quotes` or `/node/attestations` body: per quote its node id and
 * format, the SNP report, the endorsement certificates and the UVM endorsement.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { describeNodeQuotes } from "./describe.ts";
 * const d = describeNodeQuotes(new TextEncoder().encode('{"quotes": []}'));
 * assert(d.kind === "CCF node quotes" && d.shape === "quotes");
 * ```
 */
export function describeNodeQuotes(bytes: Uint8Array): AttestationDescription {
  const document = parseNodeQuotes(bytes);
  return {
    kind: "CCF node quotes",
    shape: document.shape,
    quotes: document.quotes.map((q) => ({
      nodeId: q.nodeId,
      format: q.format,
      ...(q.measurement !== undefined ? { measurement: q.measurement } : {}),
      raw: q.format === "AMD_SEV_SNP_v1"
        ? attempt(() => {
          const { kind: _, ...fields } = describeSnpReport(parseSnpReport(q.raw));
          return fields;
        })
        : `${q.raw.length} bytes`,
      endorsements: q.format === "AMD_SEV_SNP_v1"
        ? attempt(() => describeEndorsements(q.endorsements))
        : `${q.endorsements.length} bytes`,
      ...(q.uvmEndorsements
        ? { uvmEndorsements: attempt(() => describeCose(q.uvmEndorsements!) as unknown as Json) }
        : {}),
    })),
  };
}

const TIME_CLAIMS = ["iat", "nbf", "exp"];

/**
 * Describes an MAA token (a JWT): its header, its claims with times also in UTC, and its signature size.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { describeMaaToken } from "./describe.ts";
 * const d = describeMaaToken("eyJhbGciOiJSUzI1NiJ9.eyJleHAiOjB9.AQID");
 * assert(d.kind === "MAA token" && (d.claims as { exp: string }).exp === "0 (1970-01-01T00:00:00Z)");
 * ```
 */
export function describeMaaToken(token: Uint8Array | string): AttestationDescription {
  const { header, claims, signature } = decodeMaaToken(token);
  const shown = Object.fromEntries(
    Object.entries(claims).map(([name, value]) => {
      if (TIME_CLAIMS.includes(name) && typeof value === "number" && Number.isSafeInteger(value)) {
        return [name, `${value} (${formatEpochSeconds(value)})`];
      }
      return [name, value as Json];
    }),
  );
  return {
    kind: "MAA token",
    header: header as { [key: string]: Json },
    claims: shown,
    signature: { length: signature.length, hex: toHex(signature) },
  };
}

/**
 * Describes attestation evidence of any recognised form ({@linkcode attestationKindOf}), or returns `undefined`
 * when the bytes are none of them. Evidence of a recognised form that cannot be read throws its `AuditError`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { describeAttestation } from "./describe.ts";
 * const bytes = new Uint8Array(1184);
 * bytes[0] = 3;
 * assert(describeAttestation(bytes)?.kind === "SEV-SNP report");
 * assert(describeAttestation(new Uint8Array([0xd2])) === undefined);
 * ```
 */
export function describeAttestation(bytes: Uint8Array): AttestationDescription | undefined {
  switch (attestationKindOf(bytes)) {
    case "SEV-SNP report":
      return describeSnpReport(parseSnpReport(bytes));
    case "CCF node quotes":
      return describeNodeQuotes(bytes);
    case "MAA token":
      return describeMaaToken(bytes);
    case undefined:
      return undefined;
  }
}
