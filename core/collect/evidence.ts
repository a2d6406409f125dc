/**
 * What the collector reads from the responses it keeps, to write the playbook and to check the service against
 * itself: the issuer of the transparency configuration, each statement's claims and receipt issuers, and the
 * join policy's allowed host data, measurements and UVM endorsers. Nothing here verifies a signature: `run` does.
 *
 * @module
 */

import { fromUtf8, toHex } from "../bytes.ts";
import { type CborValue, decodeCbor } from "../cbor.ts";
import { readClaims } from "../cose/claims.ts";
import { HEADER } from "../cose/labels.ts";
import { decodeCoseSign1 } from "../cose/sign1.ts";
import { AuditError } from "../errors.ts";
import { parseNodeQuotes } from "../attestation/ccf_node_quotes.ts";
import { parseSnpReport } from "../attestation/sev_snp_report.ts";
import { ccfReceiptFacts } from "../receipts/ccf.ts";

function mismatch(message: string): never {
  throw new AuditError("COLLECT_RESPONSE_REFUSED", message);
}

/**
 * The issuer named by a `/.well-known/transparency-configuration` CBOR map.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { configuredIssuer } from "./evidence.ts";
 * // {"issuer": "a.example"}
 * const body = new Uint8Array([0xa1, 0x66, ...new TextEncoder().encode("issuer"), 0x69, ...new TextEncoder().encode("a.example")]);
 * assert(configuredIssuer(body) === "a.example");
 * ```
 */
export function configuredIssuer(body: Uint8Array): string {
  let value: CborValue;
  try {
    value = decodeCbor(body, { maxDepth: 8 });
  } catch (error) {
    return mismatch(`Cannot read the transparency configuration: ${(error as Error).message}`);
  }
  const issuer = value instanceof Map ? value.get("issuer") : undefined;
  if (typeof issuer !== "string" || !/^[A-Za-z0-9.-]+(:\d+)?$/.test(issuer)) {
    return mismatch("Cannot read the transparency configuration: it names no issuer host");
  }
  return issuer;
}

/** A receipt's issuer and registration txid, as it says. */
export interface ReceiptSummary {
  readonly issuer?: string;
  readonly registeredTxid?: string;
}

/** What a transparent statement claims, for the playbook. */
export interface StatementSummary {
  readonly issuer?: string;
  readonly subject?: string;
  readonly svn?: number;
  readonly contentType?: string;
  readonly receipts: readonly ReceiptSummary[];
}

function summariseReceipt(item: CborValue): ReceiptSummary {
  if (!(item instanceof Uint8Array)) return {};
  try {
    const receipt = decodeCoseSign1(item);
    const issuer = readClaims(receipt.protectedHeader).issuer;
    const { registeredTxid } = ccfReceiptFacts(receipt);
    return { ...issuer !== undefined && { issuer }, ...registeredTxid !== undefined && { registeredTxid } };
  } catch (error) {
    if (error instanceof AuditError) return {};
    throw error;
  }
}

/**
 * Reads a transparent statement's claims and its receipts' issuers; a body that is not a COSE_Sign1 is
 * `COLLECT_RESPONSE_REFUSED`.
 *
 * @param body The response body.
 * @returns The statement's issuer, subject, svn and content type, and per receipt its issuer and registration txid.
 * @throws {AuditError} `COLLECT_RESPONSE_REFUSED` when the body is not a COSE_Sign1.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, equal } from "node:assert/strict";
 * import { summariseStatement } from "./evidence.ts";
 *
 * const body = Deno.readFileSync(new URL("../../fixtures/mst/statements/release-1.2.cose", import.meta.url));
 * const summary = summariseStatement(body);
 * equal(summary.subject, "contoso-ledger");
 * deepEqual(summary.receipts, [
 *   { issuer: "ledger.contoso.example", registeredTxid: "2.48" },
 *   { issuer: "ledger.fabrikam.example", registeredTxid: "5.28" },
 * ]);
 * ```
 */
export function summariseStatement(body: Uint8Array): StatementSummary {
  let message;
  try {
    message = decodeCoseSign1(body);
  } catch (error) {
    if (error instanceof AuditError) mismatch(`Cannot read the statement: ${error.message}`);
    throw error;
  }
  const claims = readClaims(message.protectedHeader);
  const receipts = message.unprotectedHeader.get(HEADER.RECEIPTS);
  return {
    ...claims.issuer !== undefined && { issuer: claims.issuer },
    ...claims.subject !== undefined && { subject: claims.subject },
    ...claims.svn !== undefined && { svn: claims.svn },
    ...claims.contentType !== undefined && { contentType: claims.contentType },
    receipts: Array.isArray(receipts) ? receipts.map(summariseReceipt) : [],
  };
}

/** A receipt body's issuer and registration txid. */
export function summariseReceiptBody(body: Uint8Array): ReceiptSummary {
  try {
    decodeCoseSign1(body);
  } catch (error) {
    if (error instanceof AuditError) mismatch(`Cannot read the receipt: ${error.message}`);
    throw error;
  }
  return summariseReceipt(body);
}

/** A UVM endorser the join policy accepts. */
export interface UvmRootSummary {
  readonly did: string;
  readonly feed: string;
  readonly minSvn: number;
}

/** What a join policy allows (`/gov/service/join-policy`, SNP part). */
export interface JoinPolicySummary {
  /** Allowed host data, lowercase hex SHA-256 of the security policy. */
  readonly hostData: readonly string[];
  /** Allowed launch measurements, lowercase hex. */
  readonly measurements: readonly string[];
  /** Accepted UVM endorsers. */
  readonly uvmRoots: readonly UvmRootSummary[];
}

function objectOf(value: unknown): Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : {};
}

/**
 * Reads the SNP part of a join policy; the newer camelCase and older snake_case field names are both read.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { summariseJoinPolicy } from "./evidence.ts";
 * const policy = summariseJoinPolicy(new TextEncoder().encode('{"snp":{"hostData":{"AB":""},"measurements":[]}}'));
 * assert(policy.hostData[0] === "ab" && policy.uvmRoots.length === 0);
 * ```
 */
export function summariseJoinPolicy(body: Uint8Array): JoinPolicySummary {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(body));
  } catch {
    return mismatch("Cannot read the join policy: it is not JSON");
  }
  const snp = objectOf(objectOf(value)["snp"]);
  const hexes = (items: unknown) =>
    (Array.isArray(items) ? items : Object.keys(objectOf(items)))
      .filter((h): h is string => typeof h === "string" && /^[0-9a-fA-F]+$/.test(h)).map((h) => h.toLowerCase());
  const uvmRoots: UvmRootSummary[] = [];
  for (const [did, feeds] of Object.entries(objectOf(snp["uvmEndorsements"] ?? snp["uvm_endorsements"]))) {
    for (const [feed, rule] of Object.entries(objectOf(feeds))) {
      const svn = Number(objectOf(rule)["svn"]);
      if (Number.isSafeInteger(svn) && svn >= 0) uvmRoots.push({ did, feed, minSvn: svn });
    }
  }
  return {
    hostData: hexes(snp["hostData"] ?? snp["host_data"]),
    measurements: hexes(snp["measurements"]),
    uvmRoots,
  };
}

/** The first SNP quote of a node-quotes response: its host data and measurement, and whether it has a UVM endorsement. */
export interface QuoteSummary {
  readonly hostData: string;
  readonly measurement: string;
  readonly uvmEndorsed: boolean;
}

/**
 * Reads the first quote of `/node/quotes/self` (or a list), or `undefined` when it holds no SNP quote.
 *
 * @param body The response body.
 * @returns The first SNP quote's host data and measurement (hex), and whether it has a UVM endorsement.
 * @throws {AuditError} `COLLECT_RESPONSE_REFUSED` when the body is not a node-quotes response.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { summariseQuotes } from "./evidence.ts";
 *
 * const body = Deno.readFileSync(new URL("../../fixtures/attestation/node_quotes_self.json", import.meta.url));
 * const quote = summariseQuotes(body);
 * equal(quote?.hostData, "a4c6a59191457cf36ac191fbaf9b3a04a43a0bbcd51fcd5761280c0d301d10d0");
 * equal(quote?.uvmEndorsed, true);
 * ```
 */
export function summariseQuotes(body: Uint8Array): QuoteSummary | undefined {
  let first;
  try {
    first = parseNodeQuotes(body).quotes.find((q) => q.format === "AMD_SEV_SNP_v1");
    if (!first) return undefined;
    const report = parseSnpReport(first.raw);
    return {
      hostData: toHex(report.hostData),
      measurement: toHex(report.measurement),
      uvmEndorsed: first.uvmEndorsements !== undefined,
    };
  } catch (error) {
    if (error instanceof AuditError) mismatch(`Cannot read the node quotes: ${error.message}`);
    throw error;
  }
}
