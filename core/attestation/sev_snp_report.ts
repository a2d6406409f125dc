/**
 * The AMD SEV-SNP `ATTESTATION_REPORT` (ABI spec #56860, Table 21; spec `attestation.md` §2): a strict,
 * bounded parser from the raw 1184 bytes (or their base64 / hex text) into typed fields. Parsing does no
 * cryptography; see `sev_snp_verify.ts`.
 *
 * @module
 */

import { fromBase64, fromHex, fromUtf8, toHex } from "../bytes.ts";
import { AuditError } from "../errors.ts";

/** Size of an attestation report: 0x4A0 bytes. */
export const SNP_REPORT_SIZE = 0x4a0;

/** The signed part of the report: bytes 0x000–0x29F. */
export const SNP_SIGNED_LENGTH = 0x2a0;

/** A TCB_VERSION (spec §2.2): security patch levels of each firmware component. */
export interface TcbVersion {
  /** Boot loader SPL, e.g. `4`. */
  readonly bootLoader: number;
  /** TEE (PSP OS) SPL, e.g. `0`. */
  readonly tee: number;
  /** SNP firmware SPL, e.g. `24`. */
  readonly snp: number;
  /** Microcode SPL, e.g. `219`. */
  readonly microcode: number;
  /** FMC SPL; Turin only. */
  readonly fmc?: number;
  /** The 8 bytes as stored in the report, hex, e.g. `"04000000000018db"`. */
  readonly stored: string;
  /** The CCF / THIM `tcbm` form: the 8 bytes reversed, hex, e.g. `"db18000000000004"`. */
  readonly hex: string;
}

/** The guest policy (offset 0x008, spec §2.1). */
export interface GuestPolicy {
  /** The 64-bit value as hex, e.g. `"0x3001f"`. */
  readonly value: string;
  /** ABI minor version (bits 0–7). */
  readonly abiMinor: number;
  /** ABI major version (bits 8–15). */
  readonly abiMajor: number;
  /** SMT allowed (bit 16). */
  readonly smt: boolean;
  /** Reserved bit 17, which must be 1. */
  readonly reservedOne: boolean;
  /** MIGRATE_MA: a migration agent may be associated (bit 18); must be off. */
  readonly migrateMa: boolean;
  /** DEBUG allowed (bit 19); must be off. */
  readonly debug: boolean;
  /** SINGLE_SOCKET (bit 20). */
  readonly singleSocket: boolean;
  /** CXL allowed (bit 21). */
  readonly cxlAllowed: boolean;
  /** MEM_AES_256_XTS required (bit 22). */
  readonly memAes256Xts: boolean;
  /** RAPL_DIS (bit 23). */
  readonly raplDisabled: boolean;
  /** Ciphertext hiding (bit 24). */
  readonly ciphertextHiding: boolean;
  /** Page-swap disable (bit 25). */
  readonly pageSwapDisabled: boolean;
}

/** Which key signed the report (offset 0x048 bits 2–4). */
export type SnpSigningKey = "vcek" | "vlek" | "none" | `reserved-${number}`;

/** The signer information word (offset 0x048). */
export interface SnpSignerInfo {
  /** AUTHOR_KEY_EN (bit 0): an author key digest is present. */
  readonly authorKeyEn: boolean;
  /** MASK_CHIP_KEY (bit 1): chip_id is zeroed. */
  readonly maskChipKey: boolean;
  /** SIGNING_KEY (bits 2–4). */
  readonly signingKey: SnpSigningKey;
}

/** A parsed report. Byte fields are views into {@linkcode SnpReport.bytes}. */
export interface SnpReport {
  /** The 1184 bytes as received. */
  readonly bytes: Uint8Array;
  /** Report version: 2, 3 or 5 seen in the wild. */
  readonly version: number;
  /** Guest SVN. */
  readonly guestSvn: number;
  /** Guest policy. */
  readonly policy: GuestPolicy;
  /** Family id (16 bytes). */
  readonly familyId: Uint8Array;
  /** Image id (16 bytes). */
  readonly imageId: Uint8Array;
  /** VMPL of the request: 0..3, or `0xffffffff` for a host-generated report. */
  readonly vmpl: number;
  /** Signature algorithm: 1 = ECDSA P-384 with SHA-384. */
  readonly signatureAlgo: number;
  /** The platform's current TCB. */
  readonly currentTcb: TcbVersion;
  /** Platform info (offset 0x040): `smt` bit 0, `tsme` bit 1; `value` as hex. */
  readonly platformInfo: { readonly value: string; readonly smt: boolean; readonly tsme: boolean };
  /** Signer information. */
  readonly signer: SnpSignerInfo;
  /** Guest-supplied data (64 bytes). */
  readonly reportData: Uint8Array;
  /** Launch measurement (48 bytes). */
  readonly measurement: Uint8Array;
  /** Host-supplied data (32 bytes); C-ACI puts SHA-256 of the security policy here. */
  readonly hostData: Uint8Array;
  /** SHA-384 of the ID key (48 bytes). */
  readonly idKeyDigest: Uint8Array;
  /** SHA-384 of the author key (48 bytes). */
  readonly authorKeyDigest: Uint8Array;
  /** Report id (32 bytes). */
  readonly reportId: Uint8Array;
  /** Report id of the migration agent (32 bytes). */
  readonly reportIdMa: Uint8Array;
  /** The TCB the VCEK was derived from. */
  readonly reportedTcb: TcbVersion;
  /** CPUID family / model / stepping (version ≥ 3; all zero in version 2). */
  readonly cpuid: { readonly family: number; readonly model: number; readonly stepping: number };
  /** Chip id (64 bytes); equals the VCEK hwID extension. */
  readonly chipId: Uint8Array;
  /** The committed TCB. */
  readonly committedTcb: TcbVersion;
  /** Current firmware version bytes at 0x1E8 (build, minor, major as go-sev-guest names them). */
  readonly currentFirmware: { readonly build: number; readonly minor: number; readonly major: number };
  /** Committed firmware version bytes at 0x1EC. */
  readonly committedFirmware: { readonly build: number; readonly minor: number; readonly major: number };
  /** The TCB at launch. */
  readonly launchTcb: TcbVersion;
  /** Launch mitigation vector (version ≥ 5), hex. */
  readonly launchMitVector?: string;
  /** Current mitigation vector (version ≥ 5), hex. */
  readonly currentMitVector?: string;
  /** The signed bytes 0x000–0x29F. */
  readonly signedBytes: Uint8Array;
  /** The signature as raw big-endian `r‖s` (96 bytes), ready for WebCrypto. */
  readonly signature: Uint8Array;
  /** Whether the TCB fields were read in the Turin layout (CPUID family 0x1A). */
  readonly turinLayout: boolean;
  /** Reserved or must-be-zero bits that are set, and similar oddities that do not prevent verification. */
  readonly warnings: readonly string[];
}

function malformed(detail: string): never {
  throw new AuditError("SNP_MALFORMED", `Cannot parse SEV-SNP report: ${detail}`);
}

/** CPUID family of Turin (spec §4.1); its TCB_VERSION layout differs (spec §2.2). */
const TURIN_FAMILY = 0x1a;

/**
 * Reads a TCB_VERSION from its 8 stored bytes, in the Milan/Genoa or the Turin layout.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseTcbVersion } from "./sev_snp_report.ts";
 * import { fromHex } from "../bytes.ts";
 * const tcb = parseTcbVersion(fromHex("04000000000018db"), false);
 * assert(tcb.microcode === 219 && tcb.snp === 24 && tcb.bootLoader === 4 && tcb.hex === "db18000000000004");
 * ```
 */
export function parseTcbVersion(bytes: Uint8Array, turin: boolean): TcbVersion {
  if (bytes.length !== 8) throw new RangeError(`Cannot read TCB_VERSION: expected 8 bytes, found ${bytes.length}`);
  const stored = toHex(bytes);
  const hex = toHex(bytes.slice().reverse());
  const b = (i: number) => bytes[i]!;
  return turin
    ? { fmc: b(0), bootLoader: b(1), tee: b(2), snp: b(3), microcode: b(7), stored, hex }
    : { bootLoader: b(0), tee: b(1), snp: b(6), microcode: b(7), stored, hex };
}

/**
 * Reads the guest policy bits.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseGuestPolicy } from "./sev_snp_report.ts";
 * const policy = parseGuestPolicy(0xb0000n);
 * assert(policy.debug && policy.smt && policy.reservedOne && !policy.migrateMa);
 * ```
 */
export function parseGuestPolicy(value: bigint): GuestPolicy {
  const bit = (n: number) => ((value >> BigInt(n)) & 1n) === 1n;
  return {
    value: `0x${value.toString(16)}`,
    abiMinor: Number(value & 0xffn),
    abiMajor: Number((value >> 8n) & 0xffn),
    smt: bit(16),
    reservedOne: bit(17),
    migrateMa: bit(18),
    debug: bit(19),
    singleSocket: bit(20),
    cxlAllowed: bit(21),
    memAes256Xts: bit(22),
    raplDisabled: bit(23),
    ciphertextHiding: bit(24),
    pageSwapDisabled: bit(25),
  };
}

const SIGNING_KEYS: Readonly<Record<number, SnpSigningKey>> = { 0: "vcek", 1: "vlek", 7: "none" };

/**
 * Turns the evidence as captured into the 1184 report bytes: raw bytes, or text holding base64 (CCF `raw`)
 * or hex (virtee test data). Anything else is `SNP_MALFORMED`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { snpReportBytes } from "./sev_snp_report.ts";
 * assert(snpReportBytes("00".repeat(1184)).length === 1184);
 * ```
 */
export function snpReportBytes(input: Uint8Array | string): Uint8Array {
  if (input instanceof Uint8Array && input.length === SNP_REPORT_SIZE) return input;
  let text: string;
  try {
    text = typeof input === "string" ? input : fromUtf8(input);
  } catch {
    return malformed(`expected ${SNP_REPORT_SIZE} bytes, found ${input.length}`);
  }
  const compact = text.replace(/\s+/g, "");
  let bytes: Uint8Array;
  try {
    bytes = /^[0-9a-fA-F]+$/.test(compact) && compact.length === 2 * SNP_REPORT_SIZE
      ? fromHex(compact)
      : fromBase64(compact);
  } catch {
    return malformed(`expected ${SNP_REPORT_SIZE} bytes or their base64 or hex, found ${text.length} characters`);
  }
  if (bytes.length !== SNP_REPORT_SIZE) malformed(`expected ${SNP_REPORT_SIZE} bytes, found ${bytes.length}`);
  return bytes;
}

function isZero(bytes: Uint8Array): boolean {
  return bytes.every((b) => b === 0);
}

/**
 * Parses a report (spec §2). The size must be exactly 0x4A0 and the version at least 2; the unused upper 24
 * bytes of each signature component must be zero (spec §3 step 3). Set reserved bits become warnings.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseSnpReport } from "./sev_snp_report.ts";
 * import { AuditError } from "../errors.ts";
 * try {
 *   parseSnpReport(new Uint8Array(100));
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "SNP_MALFORMED");
 * }
 * ```
 */
export function parseSnpReport(input: Uint8Array | string): SnpReport {
  const bytes = snpReportBytes(input);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const u32 = (offset: number) => view.getUint32(offset, true);
  const u64 = (offset: number) => view.getBigUint64(offset, true);
  const at = (offset: number, length: number) => bytes.subarray(offset, offset + length);
  const warnings: string[] = [];

  const version = u32(0x000);
  if (version < 2) malformed(`version ${version} is below 2`);
  const cpuid = { family: bytes[0x188]!, model: bytes[0x189]!, stepping: bytes[0x18a]! };
  const turin = cpuid.family === TURIN_FAMILY;
  const tcb = (offset: number) => parseTcbVersion(at(offset, 8), turin);

  const policyValue = u64(0x008);
  const policy = parseGuestPolicy(policyValue);
  if (!policy.reservedOne) warnings.push("Guest policy reserved bit 17 is 0; it must be 1");
  if (policyValue >> 26n !== 0n) warnings.push(`Guest policy sets must-be-zero bits 26-63: ${policy.value}`);

  const info = u32(0x048);
  const signer: SnpSignerInfo = {
    authorKeyEn: (info & 1) === 1,
    maskChipKey: (info & 2) === 2,
    signingKey: SIGNING_KEYS[(info >> 2) & 7] ?? `reserved-${(info >> 2) & 7}`,
  };
  if (info >>> 5 !== 0) warnings.push(`Signer information sets must-be-zero bits: 0x${info.toString(16)}`);
  if (u32(0x04c) !== 0) warnings.push("Reserved word at 0x04C is not zero");
  if (!isZero(at(0x330, 368))) warnings.push("Reserved bytes 0x330-0x49F are not zero");

  const platform = u64(0x040);
  const firmware = (offset: number) => ({
    build: bytes[offset]!,
    minor: bytes[offset + 1]!,
    major: bytes[offset + 2]!,
  });
  return {
    bytes,
    version,
    guestSvn: u32(0x004),
    policy,
    familyId: at(0x010, 16),
    imageId: at(0x020, 16),
    vmpl: u32(0x030),
    signatureAlgo: u32(0x034),
    currentTcb: tcb(0x038),
    platformInfo: { value: `0x${platform.toString(16)}`, smt: (platform & 1n) === 1n, tsme: (platform & 2n) === 2n },
    signer,
    reportData: at(0x050, 64),
    measurement: at(0x090, 48),
    hostData: at(0x0c0, 32),
    idKeyDigest: at(0x0e0, 48),
    authorKeyDigest: at(0x110, 48),
    reportId: at(0x140, 32),
    reportIdMa: at(0x160, 32),
    reportedTcb: tcb(0x180),
    cpuid,
    chipId: at(0x1a0, 64),
    committedTcb: tcb(0x1e0),
    currentFirmware: firmware(0x1e8),
    committedFirmware: firmware(0x1ec),
    launchTcb: tcb(0x1f0),
    ...(version >= 5 ? { launchMitVector: toHex(at(0x1f8, 8)), currentMitVector: toHex(at(0x200, 8)) } : {}),
    signedBytes: at(0, SNP_SIGNED_LENGTH),
    signature: readSignature(at(0x2a0, 144)),
    turinLayout: turin,
    warnings,
  };
}

/** r and s are 72-byte little-endian fields whose upper 24 bytes are zero (spec §3 step 3). */
function readSignature(field: Uint8Array): Uint8Array {
  const r = field.subarray(0, 72);
  const s = field.subarray(72, 144);
  if (!isZero(r.subarray(48)) || !isZero(s.subarray(48))) {
    malformed("signature component bytes 48-71 must be zero");
  }
  const raw = new Uint8Array(96);
  raw.set(r.slice(0, 48).reverse(), 0);
  raw.set(s.slice(0, 48).reverse(), 48);
  return raw;
}
