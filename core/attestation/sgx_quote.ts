/**
 * Intel SGX ECDSA quotes, version 3 (spec `attestation.md` §11.2), and the Open Enclave evidence header that
 * wraps them (§11.1): a strict, bounded parser of the fields an audit compares — MRENCLAVE, MRSIGNER, product id,
 * SVN and report data. It does not verify the quote's signatures or the PCK chain.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { AuditError } from "../errors.ts";

/** The ISV enclave report body (384 bytes). Hex fields are lowercase. */
export interface SgxReportBody {
  /** CPUSVN, 16 bytes hex. */
  readonly cpuSvn: string;
  /** MISCSELECT. */
  readonly miscSelect: number;
  /** ATTRIBUTES, 16 bytes hex. */
  readonly attributes: string;
  /** MRENCLAVE, 32 bytes hex. */
  readonly mrEnclave: string;
  /** MRSIGNER, 32 bytes hex. */
  readonly mrSigner: string;
  /** ISVPRODID. */
  readonly isvProdId: number;
  /** ISVSVN. */
  readonly isvSvn: number;
  /** REPORTDATA, 64 bytes. */
  readonly reportData: Uint8Array;
}

/** A parsed quote. */
export interface SgxQuote {
  /** Quote version (3). */
  readonly version: number;
  /** Attestation key type (2 = ECDSA P-256). */
  readonly attestationKeyType: number;
  /** QE SVN. */
  readonly qeSvn: number;
  /** PCE SVN. */
  readonly pceSvn: number;
  /** QE vendor id, hex (`939a7233f79c4ca9940a0db3957f0607` = Intel). */
  readonly qeVendorId: string;
  /** The enclave report body. */
  readonly body: SgxReportBody;
  /** Length of the signature data that follows the 436-byte header and body. */
  readonly signatureDataLength: number;
}

const HEADER_AND_BODY = 432;
const OE_HEADER = 16;

function malformed(detail: string): never {
  throw new AuditError("SGX_QUOTE_MALFORMED", `Cannot parse SGX quote: ${detail}`);
}

/**
 * Parses an SGX ECDSA quote v3; its signature data must fit in the input.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseSgxQuote } from "./sgx_quote.ts";
 * import { AuditError } from "../errors.ts";
 * try {
 *   parseSgxQuote(new Uint8Array(10));
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "SGX_QUOTE_MALFORMED");
 * }
 * ```
 */
export function parseSgxQuote(bytes: Uint8Array): SgxQuote {
  if (bytes.length < HEADER_AND_BODY + 4) malformed(`${bytes.length} bytes is shorter than a quote header and body`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint16(0, true);
  if (version !== 3) malformed(`version ${version} is not 3`);
  const signatureDataLength = view.getUint32(HEADER_AND_BODY, true);
  if (HEADER_AND_BODY + 4 + signatureDataLength > bytes.length) {
    malformed(`signature data of ${signatureDataLength} bytes runs past the end of the quote`);
  }
  const body = (offset: number, length: number) => bytes.subarray(48 + offset, 48 + offset + length);
  return {
    version,
    attestationKeyType: view.getUint16(2, true),
    qeSvn: view.getUint16(8, true),
    pceSvn: view.getUint16(10, true),
    qeVendorId: toHex(bytes.subarray(12, 28)),
    body: {
      cpuSvn: toHex(body(0, 16)),
      miscSelect: view.getUint32(48 + 16, true),
      attributes: toHex(body(48, 16)),
      mrEnclave: toHex(body(64, 32)),
      mrSigner: toHex(body(128, 32)),
      isvProdId: view.getUint16(48 + 256, true),
      isvSvn: view.getUint16(48 + 258, true),
      reportData: body(320, 64),
    },
    signatureDataLength,
  };
}

/**
 * Parses Open Enclave evidence `{u32 version = 1, u32 type = 2 (SGX remote), u64 size}` followed by an SGX quote
 * of exactly `size` bytes (the MAA signing-certificate extension, CCF `OE_SGX_v1` quotes).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseOpenEnclaveEvidence } from "./sgx_quote.ts";
 * import { AuditError } from "../errors.ts";
 * try {
 *   parseOpenEnclaveEvidence(new Uint8Array(16));
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "SGX_QUOTE_MALFORMED");
 * }
 * ```
 */
export function parseOpenEnclaveEvidence(bytes: Uint8Array): SgxQuote {
  if (bytes.length < OE_HEADER) malformed("the Open Enclave header is truncated");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(0, true);
  const type = view.getUint32(4, true);
  const size = view.getBigUint64(8, true);
  if (version !== 1 || type !== 2) malformed(`Open Enclave header version ${version} type ${type} is not 1 / 2`);
  if (size !== BigInt(bytes.length - OE_HEADER)) {
    malformed(`Open Enclave header announces ${size} bytes, ${bytes.length - OE_HEADER} follow`);
  }
  return parseSgxQuote(bytes.subarray(OE_HEADER));
}
