/**
 * CCF node quotes (spec `attestation.md` §7): the JSON of `GET /node/quotes/self`, `/node/quotes` and
 * `/node/attestations`, each SEV-SNP quote verified as a report with its endorsements, its UVM endorsement,
 * and the node binding `node_id == hex(report_data[0:32]) == SHA-256(node identity key SPKI DER)`.
 *
 * @module
 */

import { fromBase64, fromUtf8, toHex } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import { AuditError, type Problem, problemOf } from "../errors.ts";
import { type Check, check } from "../check.ts";
import { type SnpVerification, type VerifySnpOptions, verifySnpReport } from "./sev_snp_verify.ts";
import { parseSnpEndorsements } from "./snp_endorsements.ts";
import { CCF_DEFAULT_UVM_ROOTS, type UvmEndorsement, type UvmRoot, verifyUvmEndorsement } from "./uvm_endorsement.ts";

/** The SEV-SNP quote format name. */
export const SNP_QUOTE_FORMAT = "AMD_SEV_SNP_v1";

/** More quotes than any real service has nodes: a bound on attacker-controlled input. */
const MAX_QUOTES = 256;

/** One quote as the service returned it. */
export interface NodeQuote {
  /** Hex SHA-256 of the node identity public key, e.g. 64 hex digits. */
  readonly nodeId: string;
  /** `"AMD_SEV_SNP_v1"`, `"OE_SGX_v1"` or `"Insecure_Virtual"`. */
  readonly format: string;
  /** The raw quote (for SNP, the 1184-byte report). */
  readonly raw: Uint8Array;
  /** The endorsements (for SNP, the PEM bundle VCEK, ASK, ARK). */
  readonly endorsements: Uint8Array;
  /** The UVM endorsement COSE_Sign1, when present. */
  readonly uvmEndorsements?: Uint8Array;
  /** The `measurement` field (hex), when present. */
  readonly measurement?: string;
}

/** A parsed response body. */
export interface NodeQuotesDocument {
  /** `self` for `/node/quotes/self`, `quotes` / `attestations` for the lists. */
  readonly shape: "self" | "quotes" | "attestations";
  /** The quotes, in order. */
  readonly quotes: readonly NodeQuote[];
}

/** Options for {@linkcode verifyNodeQuotes}: the SNP options plus UVM roots of trust. */
export interface VerifyNodeQuotesOptions extends VerifySnpOptions {
  /** UVM roots of trust; CCF's defaults when absent. */
  readonly uvmRoots?: readonly UvmRoot[];
  /** Fail a quote that carries no UVM endorsement. @default {false} */
  readonly requireUvmEndorsements?: boolean;
}

/** What was found about one quote. */
export interface NodeQuoteResult {
  /** The `node_id` field. */
  readonly nodeId: string;
  /** The `format` field. */
  readonly format: string;
  /** Whether the report, its endorsements, its UVM endorsement and the node binding all hold. */
  readonly valid: boolean;
  /** The first failure. */
  readonly error?: Problem;
  /** The SNP verification. */
  readonly snp?: SnpVerification;
  /** The UVM endorsement verification. */
  readonly uvm?: UvmEndorsement;
  /** Whether `node_id` equals hex(report_data[0:32]). */
  readonly nodeIdMatches?: boolean;
  /**
   * The quote's own checks, after the report's (`snp.checks`): `node-id` (node_id is report_data[0:32]) and, when
   * the quote has a `measurement` field, `measurement-field` (it is the report measurement). Empty when the report
   * could not be verified.
   */
  readonly checks: readonly Check[];
}

/** The outcome of {@linkcode verifyNodeQuotes}. */
export interface NodeQuotesVerification {
  /** Whether every quote is valid (and there is at least one). */
  readonly valid: boolean;
  /** The response shape. */
  readonly shape: NodeQuotesDocument["shape"];
  /** Per quote, in order. */
  readonly quotes: readonly NodeQuoteResult[];
}

function invalid(message: string): never {
  throw new AuditError("NODE_QUOTE_INVALID", message);
}

function base64Field(record: Record<string, unknown>, name: string, index: number): Uint8Array {
  const value = record[name];
  if (typeof value !== "string") invalid(`Cannot read quote ${index}: "${name}" must be a base64 string`);
  try {
    return fromBase64(value);
  } catch {
    return invalid(`Cannot read quote ${index}: "${name}" is not valid base64`);
  }
}

function readQuote(value: unknown, index: number): NodeQuote {
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    invalid(`Cannot read quote ${index}: expected a JSON object`);
  }
  const record = value as Record<string, unknown>;
  const { node_id: nodeId, format, measurement } = record;
  if (typeof nodeId !== "string" || !/^[0-9a-fA-F]{64}$/.test(nodeId)) {
    invalid(`Cannot read quote ${index}: "node_id" must be 64 hex digits`);
  }
  if (typeof format !== "string") invalid(`Cannot read quote ${index}: "format" must be a string`);
  if (measurement !== undefined && typeof measurement !== "string") {
    invalid(`Cannot read quote ${index}: "measurement" must be a hex string`);
  }
  return {
    nodeId: nodeId.toLowerCase(),
    format,
    raw: base64Field(record, "raw", index),
    endorsements: base64Field(record, "endorsements", index),
    ...(record.uvm_endorsements !== undefined
      ? { uvmEndorsements: base64Field(record, "uvm_endorsements", index) }
      : {}),
    ...(typeof measurement === "string" ? { measurement: measurement.toLowerCase() } : {}),
  };
}

/**
 * Parses a `/node/quotes/self` body (one Quote), or a `/node/quotes` (`{"quotes": [...]}`) or
 * `/node/attestations` (`{"attestations": [...]}`) body. Malformed JSON is `JSON_MALFORMED`; a wrong shape
 * is `NODE_QUOTE_INVALID`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseNodeQuotes } from "./ccf_node_quotes.ts";
 * const doc = parseNodeQuotes('{"quotes": []}');
 * assert(doc.shape === "quotes" && doc.quotes.length === 0);
 * ```
 */
export function parseNodeQuotes(input: Uint8Array | string): NodeQuotesDocument {
  let json: unknown;
  try {
    json = JSON.parse(typeof input === "string" ? input : fromUtf8(input));
  } catch {
    throw new AuditError("JSON_MALFORMED", "Cannot parse node quotes: the body is not valid JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    invalid("Cannot parse node quotes: expected a JSON object");
  }
  const record = json as Record<string, unknown>;
  for (const shape of ["quotes", "attestations"] as const) {
    if (!(shape in record)) continue;
    const list = record[shape];
    if (!Array.isArray(list)) invalid(`Cannot parse node quotes: "${shape}" must be an array`);
    if (list.length > MAX_QUOTES) invalid(`Cannot parse node quotes: ${list.length} quotes, more than ${MAX_QUOTES}`);
    return { shape, quotes: list.map(readQuote) };
  }
  return { shape: "self", quotes: [readQuote(record, 0)] };
}

/**
 * A CCF node id: hex SHA-256 of the node identity public key as DER SubjectPublicKeyInfo.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ccfNodeId } from "./ccf_node_quotes.ts";
 * assert((await ccfNodeId(new Uint8Array())).startsWith("e3b0c442"));
 * ```
 */
export async function ccfNodeId(spki: Uint8Array): Promise<string> {
  return toHex(await sha256(spki));
}

async function verifyQuote(quote: NodeQuote, options: VerifyNodeQuotesOptions): Promise<NodeQuoteResult> {
  const base = { nodeId: quote.nodeId, format: quote.format };
  if (quote.format !== SNP_QUOTE_FORMAT) {
    return {
      ...base,
      valid: false,
      error: {
        code: "NODE_QUOTE_INVALID",
        message: `Quote format "${quote.format}" is not supported; only ${SNP_QUOTE_FORMAT}`,
      },
      checks: [],
    };
  }
  let snp: SnpVerification;
  try {
    snp = await verifySnpReport(quote.raw, parseSnpEndorsements(quote.endorsements), options);
  } catch (error) {
    return { ...base, valid: false, error: problemOf(error), checks: [] };
  }
  const reportData = toHex(snp.report.reportData.subarray(0, 32));
  const nodeIdMatches = reportData === quote.nodeId;
  const uvm = quote.uvmEndorsements
    ? await verifyUvmEndorsement(quote.uvmEndorsements, {
      roots: options.uvmRoots ?? CCF_DEFAULT_UVM_ROOTS,
      measurement: snp.report.measurement,
      ...(options.validAt ? { validAt: options.validAt } : {}),
    }).catch((error): UvmEndorsement => ({ valid: false, format: "legacy", error: problemOf(error) }))
    : undefined;
  const measurementField = quote.measurement;
  const error: Problem | undefined = snp.error ??
    (nodeIdMatches ? undefined : {
      code: "NODE_QUOTE_INVALID",
      message: `node_id ${quote.nodeId} is not report_data[0:32] ${reportData}`,
    }) ??
    (measurementField === undefined || measurementField === toHex(snp.report.measurement) ? undefined : {
      code: "NODE_QUOTE_INVALID",
      message: `The "measurement" field ${measurementField} is not the report measurement`,
    }) ??
    uvm?.error ??
    (uvm || !options.requireUvmEndorsements
      ? undefined
      : { code: "UVM_ENDORSEMENT_INVALID", message: "The quote carries no UVM endorsement" });
  return {
    ...base,
    valid: error === undefined,
    ...(error ? { error } : {}),
    snp,
    ...(uvm ? { uvm } : {}),
    nodeIdMatches,
    checks: bindingChecks(quote, reportData, toHex(snp.report.measurement)),
  };
}

function bindingChecks(quote: NodeQuote, reportData: string, measurement: string): Check[] {
  const nodeId = quote.nodeId;
  const out = [
    reportData === nodeId
      ? check("node-id", "pass", `node_id ${nodeId} is report_data[0:32]`, { details: { nodeId, reportData } })
      : check("node-id", "fail", `node_id ${nodeId} is not report_data[0:32] ${reportData}`, {
        code: "NODE_QUOTE_INVALID",
        details: { nodeId, reportData },
      }),
  ];
  const field = quote.measurement;
  if (field !== undefined) {
    const details = { field, measurement };
    out.push(
      field === measurement
        ? check("measurement-field", "pass", `The "measurement" field is the report measurement`, { details })
        : check(
          "measurement-field",
          "fail",
          `The "measurement" field ${field} is not the report measurement ${measurement}`,
          {
            code: "NODE_QUOTE_INVALID",
            details,
          },
        ),
    );
  }
  return out;
}

/**
 * Verifies every quote of a node-quotes response (spec §7): the SNP report and its endorsements
 * ({@linkcode verifySnpReport}), the UVM endorsement against the roots of trust and the report measurement,
 * `node_id` against report_data, and the optional `measurement` field against the report.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { verifyNodeQuotes } from "./ccf_node_quotes.ts";
 * const result = await verifyNodeQuotes('{"quotes": []}');
 * assert(!result.valid && result.quotes.length === 0);
 * ```
 */
export async function verifyNodeQuotes(
  input: Uint8Array | string,
  options: VerifyNodeQuotesOptions = {},
): Promise<NodeQuotesVerification> {
  const document = parseNodeQuotes(input);
  const quotes = await Promise.all(document.quotes.map((quote) => verifyQuote(quote, options)));
  return { valid: quotes.length > 0 && quotes.every((q) => q.valid), shape: document.shape, quotes };
}
