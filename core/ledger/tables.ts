/**
 * Names of the public tables a ledger audit reads (spec: ccf-ledger §4–§5) and decoders for their values.
 *
 * @module
 */

import { fromBase64, toHex } from "../bytes.ts";
import { LedgerFormatError } from "./transaction.ts";

/** Public table names. */
export const TABLE = {
  SIGNATURES: "public:ccf.internal.signatures",
  COSE_SIGNATURES: "public:ccf.internal.cose_signatures",
  TREE: "public:ccf.internal.tree",
  NODES: "public:ccf.gov.nodes.info",
  ENDORSED_CERTIFICATES: "public:ccf.gov.nodes.endorsed_certificates",
  SERVICE_INFO: "public:ccf.gov.service.info",
  PREVIOUS_IDENTITY: "public:ccf.gov.service.previous_service_identity",
  PREVIOUS_IDENTITY_ENDORSEMENT: "public:ccf.internal.previous_service_identity_endorsement",
  PREVIOUS_LAST_SIGNED_ROOT: "public:ccf.internal.previous_service_last_signed_root",
  CONSTITUTION: "public:ccf.gov.constitution",
  MEMBERS_INFO: "public:ccf.gov.members.info",
  MEMBERS_CERTS: "public:ccf.gov.members.certs",
  PROPOSALS_INFO: "public:ccf.gov.proposals_info",
  SNP_MEASUREMENTS: "public:ccf.gov.nodes.snp.measurements",
  SNP_HOST_DATA: "public:ccf.gov.nodes.snp.host_data",
  SNP_UVM_ENDORSEMENTS: "public:ccf.gov.nodes.snp.uvm_endorsements",
  SNP_TCB_VERSIONS: "public:ccf.gov.nodes.snp.tcb_versions",
  SGX_CODE_IDS: "public:ccf.gov.nodes.code_ids",
  VIRTUAL_MEASUREMENTS: "public:ccf.gov.nodes.virtual.measurements",
  VIRTUAL_HOST_DATA: "public:ccf.gov.nodes.virtual.host_data",
  JWT_ISSUERS: "public:ccf.gov.jwt.issuers",
  SCITT_CONFIGURATION: "public:ccf.gov.scitt.configuration",
  SCITT_ENTRY: "public:scitt.entry",
} as const;

const decoder = new TextDecoder("utf-8", { fatal: true });

/** A table key as text when it is printable UTF-8, else as hex. */
export function keyText(key: Uint8Array): string {
  try {
    const text = decoder.decode(key);
    // deno-lint-ignore no-control-regex
    if (!/[\x00-\x1f\x7f]/.test(text)) return text;
  } catch {
    // not UTF-8: shown as hex
  }
  return toHex(key);
}

/** Parses a table value as JSON; what does not parse is `LEDGER_TX_MALFORMED` naming the table. */
export function jsonValue(value: Uint8Array, table: string, seqno: number): unknown {
  try {
    return JSON.parse(decoder.decode(value));
  } catch {
    throw new LedgerFormatError("LEDGER_TX_MALFORMED", `Transaction ${seqno}: the value in '${table}' is not JSON`);
  }
}

/** A JSON object value, or `LEDGER_TX_MALFORMED`. */
export function jsonObject(value: Uint8Array, table: string, seqno: number): Record<string, unknown> {
  const parsed = jsonValue(value, table, seqno);
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    throw new LedgerFormatError(
      "LEDGER_TX_MALFORMED",
      `Transaction ${seqno}: the value in '${table}' is not an object`,
    );
  }
  return parsed as Record<string, unknown>;
}

/** A string field of a JSON object, or `undefined`. */
export function stringField(object: Record<string, unknown>, field: string): string | undefined {
  const value = object[field];
  return typeof value === "string" ? value : undefined;
}

/** The raw node signature of a signature transaction (`public:ccf.internal.signatures`). */
export interface RawSignature {
  readonly seqno: number;
  readonly view: number;
  readonly node: string;
  readonly root: Uint8Array;
  /** DER ECDSA-Sig-Value. */
  readonly sig: Uint8Array;
  /** PEM of the node certificate, when embedded. */
  readonly cert?: string;
}

/** Decodes the raw signature JSON; any missing or mistyped field is `LEDGER_SIGNATURE_MALFORMED`. */
export function rawSignature(value: Uint8Array, seqno: number): RawSignature {
  const fail = (detail: string): never => {
    throw new LedgerFormatError("LEDGER_SIGNATURE_MALFORMED", `Signature transaction ${seqno}: ${detail}`);
  };
  let object: Record<string, unknown>;
  try {
    object = jsonObject(value, TABLE.SIGNATURES, seqno);
  } catch {
    return fail("the node signature is not a JSON object");
  }
  const { seqno: s, view, node, root, sig, cert } = object;
  if (typeof s !== "number" || typeof view !== "number") fail("the node signature has no numeric seqno and view");
  if (typeof node !== "string") fail("the node signature names no node");
  if (typeof root !== "string" || !/^[0-9a-f]{64}$/i.test(root)) fail("the signed root is not 64 hex digits");
  if (typeof sig !== "string") fail("the node signature has no 'sig'");
  let signature: Uint8Array;
  try {
    signature = fromBase64(sig as string);
  } catch {
    return fail("the node signature 'sig' is not base64");
  }
  const rootBytes = new Uint8Array(32);
  for (let i = 0; i < 32; i++) rootBytes[i] = parseInt((root as string).slice(2 * i, 2 * i + 2), 16);
  return {
    seqno: s as number,
    view: view as number,
    node: node as string,
    root: rootBytes,
    sig: signature,
    ...(typeof cert === "string" ? { cert } : {}),
  };
}

/** The COSE_Sign1 bytes of a COSE root signature: a JSON string holding base64. */
export function coseSignature(value: Uint8Array, seqno: number): Uint8Array {
  const parsed = (() => {
    try {
      return jsonValue(value, TABLE.COSE_SIGNATURES, seqno);
    } catch {
      return undefined;
    }
  })();
  if (typeof parsed !== "string") {
    throw new LedgerFormatError(
      "LEDGER_SIGNATURE_MALFORMED",
      `Signature transaction ${seqno}: the COSE signature is not a base64 JSON string`,
    );
  }
  try {
    return fromBase64(parsed);
  } catch {
    throw new LedgerFormatError(
      "LEDGER_SIGNATURE_MALFORMED",
      `Signature transaction ${seqno}: the COSE signature is not base64`,
    );
  }
}

/** A PEM value that CCF stores either as raw PEM text or as a JSON string holding it. */
export function pemValue(value: Uint8Array): string {
  const text = new TextDecoder().decode(value);
  if (text.startsWith('"')) {
    try {
      const parsed = JSON.parse(text);
      if (typeof parsed === "string") return parsed;
    } catch {
      // not JSON: returned as text
    }
  }
  return text;
}
