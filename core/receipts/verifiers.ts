/**
 * The receipt formats a transparent statement can carry, selected by the receipt's `vds` (COSE Receipts, RFC 9942
 * §3): CCF (2) and RFC 9162 SHA-256 (1). Each format is one {@linkcode ReceiptVerifier}; a new one is one more
 * entry in {@linkcode RECEIPT_VERIFIERS}. A receipt without `vds` is verified as CCF, as the Azure SDKs do, so
 * their message for the missing header is the one reported.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import type { CoseSign1 } from "../cose/sign1.ts";
import type { VerificationCache } from "../verification_cache.ts";
import { ccfReceiptFacts, VDS_CCF, verifyCcfReceipt } from "./ccf.ts";
import { type Rfc9162LeafRule, VDS_RFC9162, verifyRfc9162Receipt } from "./rfc9162/mod.ts";
import type { ServiceKey } from "./trust_store.ts";

/** What a receipt is verified against. */
export interface ReceiptSubject {
  /** The transparent statement as received. */
  readonly statement: Uint8Array;
  /** The statement with its unprotected header emptied (always tag 18): what its claims digest is taken over. */
  readonly stripped: Uint8Array;
  /** Its claims digest: SHA-256 of the statement with its unprotected header emptied. */
  readonly digest: Uint8Array;
  /** Which bytes an RFC 9162 leaf commits to. */
  readonly leafRule: Rfc9162LeafRule;
  /** Remembers signatures over shared roots. */
  readonly cache?: VerificationCache;
}

/** One receipt format. */
export interface ReceiptVerifier {
  /** The `vds` value, e.g. `2`. */
  readonly vds: number;
  /** Its name in messages, e.g. `"CCF"`. */
  readonly name: string;
  /** What the receipt says before anything is verified (the root its first proof folds to, the registration). */
  facts(receipt: CoseSign1): { readonly root?: string; readonly registeredTxid?: string };
  /** Verifies the receipt for the statement with the issuer's key; throws a coded error; returns the proven root. */
  verify(receipt: CoseSign1, key: ServiceKey, subject: ReceiptSubject): Promise<{ readonly root?: string }>;
}

const CCF: ReceiptVerifier = {
  vds: VDS_CCF,
  name: "CCF",
  facts: ccfReceiptFacts,
  async verify(receipt, key, subject) {
    await verifyCcfReceipt(receipt, key, subject.digest, subject.cache ? { cache: subject.cache } : {});
    return {};
  },
};

const RFC9162: ReceiptVerifier = {
  vds: VDS_RFC9162,
  name: "RFC9162_SHA256",
  facts: () => ({}),
  async verify(receipt, key, subject) {
    const result = await verifyRfc9162Receipt(receipt, key, {
      statement: subject.statement,
      stripped: subject.stripped,
      leafRule: subject.leafRule,
      ...(subject.cache ? { cache: subject.cache } : {}),
    });
    return { root: toHex(result.root) };
  },
};

/** The receipt formats by `vds`. */
export const RECEIPT_VERIFIERS: ReadonlyMap<number, ReceiptVerifier> = new Map([[CCF.vds, CCF], [
  RFC9162.vds,
  RFC9162,
]]);

/**
 * The verifier for a receipt's `vds`: CCF when there is none, `undefined` for a format the table does not hold.
 *
 * @example
 * ```ts
 * import { receiptVerifier } from "./verifiers.ts";
 * import { strictEqual } from "node:assert/strict";
 * strictEqual(receiptVerifier(undefined)?.name, "CCF");
 * strictEqual(receiptVerifier(1)?.name, "RFC9162_SHA256");
 * strictEqual(receiptVerifier(3), undefined);
 * ```
 */
export function receiptVerifier(vds: unknown): ReceiptVerifier | undefined {
  if (vds === undefined) return CCF;
  return typeof vds === "number" ? RECEIPT_VERIFIERS.get(vds) : undefined;
}

/** The formats' names, for the message about an unsupported one: `CCF or RFC9162_SHA256`. */
export function supportedReceiptFormats(): string {
  return [...RECEIPT_VERIFIERS.values()].map((v) => v.name).join(" or ");
}
