/**
 * SEV-SNP endorsements (spec `attestation.md` §4): the VCEK → ASK → ARK certificates in the forms services
 * deliver them — a PEM bundle (CCF `endorsements`), the THIM / `host-amd-cert` JSON (C-ACI, possibly base64),
 * or a DER VCEK with a PEM ASK + ARK chain (AMD KDS) — and the AMD extensions of the VCEK (§4.2).
 *
 * @module
 */

import { fromAscii, fromBase64, fromUtf8, utf8 } from "../bytes.ts";
import { DER, derSmallInt, readDer } from "../der.ts";
import { AuditError } from "../errors.ts";
import { type Certificate, parseCertificates } from "../x509/certificate.ts";

/** The three certificates that endorse a report, and the TCB the host says they were fetched for. */
export interface SnpEndorsements {
  /** The chip's Versioned Chip Endorsement Key certificate (EC P-384). */
  readonly vcek: Certificate;
  /** The AMD SEV signing key certificate, e.g. `CN=SEV-Milan`. */
  readonly ask: Certificate;
  /** The AMD root key certificate, e.g. `CN=ARK-Milan`. */
  readonly ark: Certificate;
  /** THIM `tcbm`: the TCB the VCEK was fetched for, CCF hex, e.g. `"7308000000000003"`. */
  readonly tcbm?: string;
  /** Which delivery form was read. */
  readonly format: "pem-bundle" | "thim-json" | "vcek-and-chain";
}

/** The TCB components a VCEK certifies (spec §4.2). */
export interface VcekTcb {
  readonly bootLoader?: number;
  readonly tee?: number;
  readonly snp?: number;
  readonly microcode?: number;
  /** Turin only. */
  readonly fmc?: number;
}

/** The AMD extensions of a VCEK. */
export interface VcekExtensions {
  /** structVersion (1.3.6.1.4.1.3704.1.1). */
  readonly structVersion?: number;
  /** productName, e.g. `"Milan-B0"`, `"Genoa"`. */
  readonly productName?: string;
  /** The SPL extensions. */
  readonly tcb: VcekTcb;
  /** hwID: raw bytes (64, or 8 on Turin), the chip id the key belongs to. */
  readonly hwId?: Uint8Array;
}

const OID_PREFIX = "1.3.6.1.4.1.3704.1.";
const TCB_OIDS: Readonly<Record<string, keyof VcekTcb>> = {
  "1.3.6.1.4.1.3704.1.3.1": "bootLoader",
  "1.3.6.1.4.1.3704.1.3.2": "tee",
  "1.3.6.1.4.1.3704.1.3.3": "snp",
  "1.3.6.1.4.1.3704.1.3.8": "microcode",
  "1.3.6.1.4.1.3704.1.3.9": "fmc",
};

function malformed(detail: string): never {
  throw new AuditError("SNP_MALFORMED", `Cannot read SEV-SNP endorsements: ${detail}`);
}

function text(input: Uint8Array | string): string | undefined {
  if (typeof input === "string") return input;
  try {
    return fromUtf8(input);
  } catch {
    return undefined;
  }
}

function fromThim(json: unknown): SnpEndorsements {
  if (typeof json !== "object" || json === null) malformed("the THIM document is not a JSON object");
  const { vcekCert, certificateChain, tcbm } = json as Record<string, unknown>;
  if (typeof vcekCert !== "string" || typeof certificateChain !== "string") {
    malformed('the THIM document needs "vcekCert" and "certificateChain" PEM strings');
  }
  if (tcbm !== undefined && (typeof tcbm !== "string" || !/^[0-9a-fA-F]{16}$/.test(tcbm))) {
    malformed('"tcbm" must be 16 hex digits');
  }
  const [vcek, ...more] = parseCertificates(utf8(vcekCert));
  if (!vcek || more.length > 0) malformed('"vcekCert" must hold exactly one certificate');
  const chain = parseCertificates(utf8(certificateChain));
  if (chain.length !== 2) malformed(`"certificateChain" must hold the ASK and the ARK, found ${chain.length}`);
  return {
    vcek,
    ask: chain[0]!,
    ark: chain[1]!,
    ...(typeof tcbm === "string" ? { tcbm: tcbm.toLowerCase() } : {}),
    format: "thim-json",
  };
}

/**
 * Reads endorsements: a PEM bundle of exactly VCEK, ASK, ARK (CCF requires three); THIM JSON
 * `{"vcekCert", "certificateChain", "tcbm"}`; either of those base64-encoded (CCF `endorsements`, C-ACI
 * `host-amd-cert-base64`); or a DER VCEK with `chain` holding the ASK then the ARK.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseSnpEndorsements } from "./snp_endorsements.ts";
 * import { AuditError } from "../errors.ts";
 * try {
 *   parseSnpEndorsements('{"vcekCert": 1}');
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "SNP_MALFORMED");
 * }
 * ```
 */
export function parseSnpEndorsements(input: Uint8Array | string, chain?: Uint8Array | string): SnpEndorsements {
  if (chain !== undefined) {
    const [vcek, ...extra] = parseCertificates(typeof input === "string" ? utf8(input) : input);
    const authorities = parseCertificates(typeof chain === "string" ? utf8(chain) : chain);
    if (!vcek || extra.length > 0) malformed("expected exactly one VCEK certificate");
    if (authorities.length !== 2) malformed(`the chain must hold the ASK and the ARK, found ${authorities.length}`);
    return { vcek, ask: authorities[0]!, ark: authorities[1]!, format: "vcek-and-chain" };
  }
  const body = text(input)?.trim();
  if (body?.startsWith("{")) {
    let json: unknown;
    try {
      json = JSON.parse(body);
    } catch {
      return malformed("the THIM document is not valid JSON");
    }
    return fromThim(json);
  }
  if (body !== undefined && !body.includes("-----BEGIN") && /^[A-Za-z0-9+/=_\s-]+$/.test(body)) {
    let decoded: Uint8Array;
    try {
      decoded = fromBase64(body);
    } catch {
      return malformed("the text is neither PEM, JSON nor base64");
    }
    return parseSnpEndorsements(decoded);
  }
  const certificates = parseCertificates(typeof input === "string" ? utf8(input) : input);
  if (certificates.length !== 3) {
    malformed(`expected 3 certificates (VCEK, ASK, ARK), found ${certificates.length}`);
  }
  const [vcek, ask, ark] = certificates as [Certificate, Certificate, Certificate];
  return { vcek, ask, ark, format: "pem-bundle" };
}

function integer(value: Uint8Array, oid: string): number {
  try {
    const node = readDer(value);
    if (node.tag !== DER.INTEGER) malformed(`VCEK extension ${oid} is not an INTEGER`);
    return derSmallInt(node);
  } catch (error) {
    if (error instanceof AuditError && error.code === "DER_MALFORMED") {
      malformed(`VCEK extension ${oid}: ${error.message}`);
    }
    throw error;
  }
}

/**
 * Reads the AMD extensions of a VCEK certificate (spec §4.2). The SPLs are DER INTEGERs; hwID is raw bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { readVcekExtensions } from "./snp_endorsements.ts";
 * const ext = readVcekExtensions({ extensions: { list: [{ oid: "1.3.6.1.4.1.3704.1.3.8", critical: false, value: new Uint8Array([2, 2, 0, 0xdb]) }] } } as never);
 * assert(ext.tcb.microcode === 219);
 * ```
 */
export function readVcekExtensions(vcek: Certificate): VcekExtensions {
  const tcb: Record<string, number> = {};
  let structVersion: number | undefined;
  let productName: string | undefined;
  let hwId: Uint8Array | undefined;
  for (const { oid, value } of vcek.extensions.list) {
    if (!oid.startsWith(OID_PREFIX)) continue;
    const field = TCB_OIDS[oid];
    if (field) tcb[field] = integer(value, oid);
    else if (oid === `${OID_PREFIX}1`) structVersion = integer(value, oid);
    else if (oid === `${OID_PREFIX}2`) {
      const node = readDer(value);
      if (node.tag !== DER.IA5_STRING) malformed("VCEK productName is not an IA5String");
      productName = fromAscii(node.value) ?? malformed("VCEK productName is not ASCII");
    } else if (oid === `${OID_PREFIX}4`) hwId = value;
  }
  return {
    ...(structVersion !== undefined ? { structVersion } : {}),
    ...(productName !== undefined ? { productName } : {}),
    tcb,
    ...(hwId ? { hwId } : {}),
  };
}
