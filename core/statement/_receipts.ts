/**
 * The receipt side of a statement: header 394 read into receipts (the Python SDK's messages), each receipt decoded
 * (bounded) and verified by the format its `vds` selects with the issuer's own key, and each receipt's check.
 *
 * @module
 */

import { decodeCbor } from "../cbor.ts";
import { type ErrorCode, type Problem, problemOf } from "../errors.ts";
import { epochSeconds, readClaims } from "../cose/claims.ts";
import { kidText } from "../cose/key.ts";
import { HEADER } from "../cose/labels.ts";
import { type CoseSign1, decodeCoseSign1 } from "../cose/sign1.ts";
import type { Rfc9162LeafRule } from "../receipts/rfc9162/mod.ts";
import { receiptVerifier, supportedReceiptFormats } from "../receipts/verifiers.ts";
import { evaluateReceiptPolicy, type ReceiptPolicy, UNKNOWN_ISSUER_PREFIX } from "../receipts/policy.ts";
import type { TrustStore } from "../receipts/trust_store.ts";
import type { VerificationCache } from "../verification_cache.ts";
import { formatEpochSeconds } from "../time.ts";
import { type Check, check } from "../check.ts";
import type { Json } from "../report/canonical_json.ts";
import { type ReceiptReport, STATEMENT_LIMITS, type StatementReport } from "./model.ts";

/** What every receipt of one statement is verified against. */
export interface ReceiptContext {
  readonly statement: Uint8Array;
  readonly stripped: Uint8Array;
  readonly digest: Uint8Array;
  readonly trustStore: TrustStore;
  readonly cache: VerificationCache | undefined;
  readonly leafRule: Rfc9162LeafRule;
}

export function iso(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : formatEpochSeconds(seconds);
}

/** Reads header 394 into receipt byte strings, or the problem with it (Python SDK messages). */
export function receiptItems(message: CoseSign1): readonly Uint8Array[] | Problem {
  const value = message.unprotectedHeader.get(HEADER.RECEIPTS);
  if (value === undefined) {
    return { code: "RECEIPTS_MISSING", message: "Embedded receipts not found in transparent statement." };
  }
  if (!Array.isArray(value)) return { code: "RECEIPT_MALFORMED", message: "Embedded receipts must be a CBOR array." };
  if (value.length > STATEMENT_LIMITS.maxReceipts) {
    return {
      code: "RECEIPT_MALFORMED",
      message: `The statement has ${value.length} receipts, more than ${STATEMENT_LIMITS.maxReceipts}`,
    };
  }
  const index = value.findIndex((item) => !(item instanceof Uint8Array));
  if (index >= 0) return { code: "RECEIPT_MALFORMED", message: `Receipt at index ${index} must be a byte string.` };
  return value as Uint8Array[];
}

export function isProblem(value: readonly Uint8Array[] | Problem): value is Problem {
  return !Array.isArray(value);
}

export function isLegacyReceipt(bytes: Uint8Array): boolean {
  try {
    const value = decodeCbor(bytes);
    return Array.isArray(value) && value.length === 2 && value[0] instanceof Uint8Array && Array.isArray(value[1]);
  } catch {
    return false;
  }
}

export interface ReceiptOutcome {
  readonly report: Omit<ReceiptReport, "treatment" | "check">;
  /** Set when the receipt did not decode: malformed input rather than a failed check. */
  readonly malformed?: Problem;
}

export function decodeReceipt(bytes: Uint8Array, index: number): CoseSign1 | Problem {
  if (bytes.length > STATEMENT_LIMITS.maxReceiptBytes) {
    return {
      code: "RECEIPT_MALFORMED",
      message: `Cannot decode receipt ${index}: ${bytes.length} bytes, more than ${STATEMENT_LIMITS.maxReceiptBytes}`,
    };
  }
  try {
    return decodeCoseSign1(bytes, { what: `receipt ${index}`, requireTag: true });
  } catch (error) {
    if (isLegacyReceipt(bytes)) {
      return {
        code: "RECEIPT_LEGACY_FORMAT",
        message:
          `Cannot verify receipt ${index}: legacy CCF receipt format (pre-2025, not a COSE_Sign1) is not supported`,
      };
    }
    const { code, message } = problemOf(error);
    return { code, message: message.replace(/^Cannot decode CBOR: /, `Cannot decode receipt ${index}: `) };
  }
}

export async function verifyReceipt(
  bytes: Uint8Array,
  index: number,
  context: ReceiptContext,
): Promise<ReceiptOutcome> {
  const { trustStore, cache } = context;
  const unknown = `${UNKNOWN_ISSUER_PREFIX}${index}`;
  const receipt = decodeReceipt(bytes, index);
  if (!("protectedHeader" in receipt)) {
    return { report: { index, issuer: unknown, valid: false, error: receipt }, malformed: receipt };
  }

  const header = receipt.protectedHeader;
  const cwt = header.get(HEADER.CWT_CLAIMS);
  const iss = cwt instanceof Map ? cwt.get(1) : undefined;
  const issuer = typeof iss === "string" && iss.length > 0 ? iss : unknown;
  const rawKid = header.get(HEADER.KID);
  const kid = rawKid instanceof Uint8Array ? kidText(rawKid) : typeof rawKid === "string" ? rawKid : undefined;
  const vds = header.get(HEADER.VDS);
  const ccf = header.get("ccf.v1");
  const signedTxid = ccf instanceof Map && typeof ccf.get("txid") === "string" ? ccf.get("txid") as string : undefined;
  const signedAt = iso(cwt instanceof Map ? epochSeconds(cwt.get(6)) : undefined);
  const claims = readClaims(header);
  let report: Omit<ReceiptReport, "treatment" | "check"> = {
    index,
    issuer,
    valid: false,
    alg: claims.alg,
    ...(kid !== undefined ? { kid } : {}),
    ...(typeof vds === "number" ? { vds } : {}),
    ...(signedTxid ? { signedTxid } : {}),
    ...(signedAt ? { signedAt } : {}),
  };
  const verifier = receiptVerifier(vds);
  if (verifier && vds !== undefined) report = { ...report, ...verifier.facts(receipt) };
  const failed = (code: ErrorCode, message: string): ReceiptOutcome => ({
    report: { ...report, error: { code, message } },
  });

  if (issuer === unknown) {
    return failed("RECEIPT_UNKNOWN_ISSUER", `Cannot verify receipt with unknown issuer '${issuer}'.`);
  }
  if (!verifier) {
    return failed(
      "RECEIPT_UNSUPPORTED_VDS",
      `Unsupported receipt type (vds ${String(vds)}): Verifiable Data Structure is not ${supportedReceiptFormats()}.`,
    );
  }
  if (kid === undefined) return failed("RECEIPT_MALFORMED", "KID not found in receipt protected headers.");
  if (!trustStore.hasIssuer(issuer)) {
    return failed(
      "RECEIPT_KEY_NOT_FOUND",
      `No keys available for issuer '${issuer}'. Either offline keys are not configured or network fallback is disabled.`,
    );
  }
  const key = trustStore.find(issuer, kid);
  if (!key) return failed("RECEIPT_KEY_NOT_FOUND", `Key with ID '${kid}' not found.`);
  try {
    const { root } = await verifier.verify(receipt, key, {
      statement: context.statement,
      stripped: context.stripped,
      digest: context.digest,
      leafRule: context.leafRule,
      ...(cache ? { cache } : {}),
    });
    return { report: { ...report, valid: true, ...(root ? { root } : {}) } };
  } catch (error) {
    const p = problemOf(error);
    return failed(p.code, p.message);
  }
}

export function withEntryUrl(
  report: Omit<ReceiptReport, "treatment" | "check">,
): Omit<ReceiptReport, "treatment" | "check"> {
  if (report.issuer.startsWith(UNKNOWN_ISSUER_PREFIX) || !report.registeredTxid) return report;
  return { ...report, entryUrl: `https://${report.issuer}/entries/${report.registeredTxid}` };
}

/**
 * A receipt's check: skipped when the policy ignores it; failed when it did not verify (or was rejected as
 * unauthorized) and the policy fails; a warning when it did not verify but the policy is satisfied without it.
 */
export function receiptCheck(r: Omit<ReceiptReport, "check">, policyOk: boolean): Check {
  const id = `receipt.${r.index}`;
  const details = receiptDetails(r);
  if (r.treatment === "ignored") {
    return check(id, "skip", `Receipt ${r.index} from ${r.issuer} is ignored by the receipt policy`, { details });
  }
  if (r.valid && r.treatment !== "rejected-unauthorized") {
    const at = r.registeredTxid ? ` (registered at ${r.registeredTxid})` : "";
    return check(id, "pass", `Receipt ${r.index} from ${r.issuer} verifies${at}`, { details });
  }
  return check(
    id,
    policyOk ? "warn" : "fail",
    r.error?.message ?? `Receipt ${r.index} from ${r.issuer} is not authorized`,
    { code: r.error?.code ?? "RECEIPT_POLICY_FAILED", details },
  );
}

export function receiptPolicyCheck(policy: StatementReport["policy"], chosen: ReceiptPolicy): Check {
  return check(
    "receipt-policy",
    policy.ok ? "pass" : "fail",
    policy.ok
      ? `Receipt policy ${chosen.authorizedReceiptBehavior} / ${chosen.unauthorizedReceiptBehavior} is satisfied`
      : policy.message!,
    {
      code: policy.ok ? undefined : "RECEIPT_POLICY_FAILED",
      details: {
        authorizedDomains: [...chosen.authorizedDomains],
        authorizedReceiptBehavior: chosen.authorizedReceiptBehavior,
        unauthorizedReceiptBehavior: chosen.unauthorizedReceiptBehavior,
        failures: [...policy.failures],
      },
    },
  );
}

export function receiptDetails(r: Omit<ReceiptReport, "check">): { [key: string]: Json } {
  const details: { [key: string]: Json } = { index: r.index, issuer: r.issuer, treatment: r.treatment };
  const optional = {
    kid: r.kid,
    vds: r.vds,
    alg: r.alg,
    root: r.root,
    signedTxid: r.signedTxid,
    registeredTxid: r.registeredTxid,
    entryUrl: r.entryUrl,
    signedAt: r.signedAt,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) details[key] = value;
  return details;
}

/** What the receipts of one statement came to: each receipt's report, the policy decision, and the first problem. */
export interface ReceiptsOutcome {
  /** Per receipt, in header 394 order, with its treatment and check. */
  readonly receipts: readonly ReceiptReport[];
  /** The receipt policy decision. */
  readonly policy: StatementReport["policy"];
  /** Why the receipts do not make the statement valid (a malformed receipt, or the policy's message). */
  readonly error?: Problem;
}

/**
 * Verifies every receipt in header 394 against the statement and applies the receipt policy. A receipt that does
 * not decode (and is not ignored by the policy) is reported as the malformed input it is; otherwise the policy's
 * message is the problem.
 */
export async function verifyReceipts(
  message: CoseSign1,
  context: ReceiptContext,
  receiptPolicy: ReceiptPolicy,
): Promise<ReceiptsOutcome> {
  const read = receiptItems(message);
  const itemsProblem = isProblem(read) ? read : undefined;
  const outcomes = itemsProblem ? [] : await Promise.all(
    (read as readonly Uint8Array[]).map((item, i) => verifyReceipt(item, i, context)),
  );
  const decision = itemsProblem
    ? { ok: false, failures: [itemsProblem.message], message: itemsProblem.message, treatment: [] }
    : evaluateReceiptPolicy(
      outcomes.map((o) => ({ issuer: o.report.issuer, failure: o.report.error?.message })),
      receiptPolicy,
    );
  const receipts = outcomes.map((o, i) => {
    const report = { ...withEntryUrl(o.report), treatment: decision.treatment[i]! };
    return { ...report, check: receiptCheck(report, decision.ok) };
  });
  const malformed = itemsProblem ??
    outcomes.find((o, i) => o.malformed && decision.treatment[i] !== "ignored")?.malformed;
  const error: Problem | undefined = decision.ok ? undefined : malformed ?? {
    code: outcomes.length === 0 ? "RECEIPTS_MISSING" : "RECEIPT_POLICY_FAILED",
    message: decision.message!,
  };
  const policy = {
    ok: decision.ok,
    failures: decision.failures,
    ...(decision.message ? { message: decision.message } : {}),
  };
  return { receipts, policy, ...(error ? { error } : {}) };
}
