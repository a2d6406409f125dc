/**
 * The receipt policy of the Azure Code Transparency SDKs: authorized domains, AuthorizedReceiptBehavior and
 * UnauthorizedReceiptBehavior, with the SDKs' defaults and messages (spec: ccf-receipts §7).
 *
 * @module
 */

/** How receipts from authorized domains are judged. */
export type AuthorizedReceiptBehavior = "VerifyAnyMatching" | "VerifyAllMatching" | "RequireAll";
/** How receipts from other issuers are judged. */
export type UnauthorizedReceiptBehavior = "VerifyAll" | "IgnoreAll" | "FailIfPresent";

/** The accepted names, for parsing options. */
export const AUTHORIZED_BEHAVIORS: readonly AuthorizedReceiptBehavior[] = [
  "VerifyAnyMatching",
  "VerifyAllMatching",
  "RequireAll",
];
/** The accepted names, for parsing options. */
export const UNAUTHORIZED_BEHAVIORS: readonly UnauthorizedReceiptBehavior[] = [
  "VerifyAll",
  "IgnoreAll",
  "FailIfPresent",
];

/** Receipt policy options. */
export interface ReceiptPolicy {
  /** Issuer hosts whose receipts are authorized, e.g. `["esrp-cts-cp.confidential-ledger.azure.com"]`. */
  readonly authorizedDomains: readonly string[];
  /** @default {"VerifyAllMatching"} */
  readonly authorizedReceiptBehavior: AuthorizedReceiptBehavior;
  /** @default {"FailIfPresent"} */
  readonly unauthorizedReceiptBehavior: UnauthorizedReceiptBehavior;
}

/** The SDK defaults (.NET 1.0 and Python): an empty list, VerifyAllMatching, FailIfPresent. */
export const DEFAULT_RECEIPT_POLICY: ReceiptPolicy = {
  authorizedDomains: [],
  authorizedReceiptBehavior: "VerifyAllMatching",
  unauthorizedReceiptBehavior: "FailIfPresent",
};

/** Prefix of the name given to a receipt without a usable issuer. */
export const UNKNOWN_ISSUER_PREFIX = "__unknown-issuer::";

/** A receipt as the policy sees it: its issuer name and the outcome of verifying it. */
export interface PolicyReceipt {
  /** The receipt issuer, or `__unknown-issuer::<i>`. */
  readonly issuer: string;
  /** `undefined` when valid, else the failure message. Only read for receipts the policy verifies. */
  readonly failure: string | undefined;
}

/** How the policy treated one receipt. */
export type ReceiptTreatment = "authorized" | "unauthorized-verified" | "ignored" | "rejected-unauthorized";

/** The policy decision. */
export interface PolicyDecision {
  /** Whether the statement passes. */
  readonly ok: boolean;
  /** The failure messages, in a deterministic order. */
  readonly failures: readonly string[];
  /** The single message the SDK would raise (the aggregate joins them). */
  readonly message?: string;
  /** Per receipt, in input order. */
  readonly treatment: readonly ReceiptTreatment[];
}

function decide(failures: string[], treatment: ReceiptTreatment[]): PolicyDecision {
  if (failures.length === 0) return { ok: true, failures, treatment };
  const message = failures.length === 1 ? failures[0]! : `Multiple verification failures: ${failures.join("; ")}`;
  return { ok: false, failures, message, treatment };
}

/**
 * Applies the receipt policy to receipts whose verification outcomes are known.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { DEFAULT_RECEIPT_POLICY, evaluateReceiptPolicy } from "./policy.ts";
 * const decision = evaluateReceiptPolicy([{ issuer: "foo.bar.com", failure: undefined }], DEFAULT_RECEIPT_POLICY);
 * assert(decision.message === "Receipt issuer 'foo.bar.com' is not in the authorized domain list.");
 * ```
 */
export function evaluateReceiptPolicy(receipts: readonly PolicyReceipt[], policy: ReceiptPolicy): PolicyDecision {
  const treatment: ReceiptTreatment[] = receipts.map(() => "ignored");
  if (receipts.length === 0) return decide(["No receipts found in the transparent statement."], treatment);
  const authorized = [
    ...new Set(
      policy.authorizedDomains.map((d) => d.trim().toLowerCase()).filter((d) =>
        d.length > 0 && !d.startsWith(UNKNOWN_ISSUER_PREFIX)
      ),
    ),
  ];
  const isAuthorized = (issuer: string) => authorized.includes(issuer.toLowerCase());
  if (authorized.length === 0 && policy.unauthorizedReceiptBehavior === "IgnoreAll") {
    return decide([
      "No receipts would be verified as no authorized domains were provided and the unauthorized receipt behavior is set to ignore all.",
    ], treatment);
  }
  if (policy.unauthorizedReceiptBehavior === "FailIfPresent") {
    const offender = receipts.findIndex((r) => !isAuthorized(r.issuer));
    if (offender >= 0) {
      receipts.forEach((r, i) => {
        if (isAuthorized(r.issuer)) treatment[i] = "authorized";
      });
      treatment[offender] = "rejected-unauthorized";
      return decide(
        [`Receipt issuer '${receipts[offender]!.issuer}' is not in the authorized domain list.`],
        treatment,
      );
    }
  }

  let authFailures: string[] = [];
  const otherFailures: string[] = [];
  const withReceipt: string[] = [];
  const valid = new Set<string>();
  receipts.forEach((receipt, i) => {
    const domain = receipt.issuer.toLowerCase();
    const auth = isAuthorized(receipt.issuer);
    if (auth && !withReceipt.includes(domain)) withReceipt.push(domain);
    if (!auth && policy.unauthorizedReceiptBehavior !== "VerifyAll") return;
    treatment[i] = auth ? "authorized" : "unauthorized-verified";
    if (receipt.issuer.startsWith(UNKNOWN_ISSUER_PREFIX)) {
      otherFailures.push(`Cannot verify receipt with unknown issuer '${receipt.issuer}'.`);
      return;
    }
    if (receipt.failure === undefined) {
      if (auth) valid.add(domain);
    } else {
      (auth ? authFailures : otherFailures).push(receipt.failure);
    }
  });

  const noneValid = "No valid receipts found for any authorized issuer domain.";
  switch (policy.authorizedReceiptBehavior) {
    case "VerifyAnyMatching":
      authFailures = authorized.length > 0 && valid.size === 0 ? [...authFailures, noneValid] : [];
      break;
    case "VerifyAllMatching":
      if (authorized.length > 0 && withReceipt.length === 0) authFailures.push(noneValid);
      for (const d of withReceipt) {
        if (!valid.has(d)) authFailures.push(`A receipt from the required domain '${d}' failed verification.`);
      }
      break;
    case "RequireAll":
      for (const d of authorized) {
        if (!valid.has(d)) authFailures.push(`No valid receipt found for a required domain '${d}'.`);
      }
      break;
  }
  return decide([...authFailures, ...otherFailures], treatment);
}
