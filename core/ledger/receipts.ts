/**
 * Receipts against the ledger (spec: ccf-ledger §7): what a transparent statement's CCF receipts claim the
 * ledger signed. A receipt for the registration at seqno `s` folds to a root that some signature after `s` must
 * have signed; a root that no signature of the ledger signed is split-view evidence.
 *
 * @module
 */

import { HEADER } from "../cose/labels.ts";
import { type CoseSign1, decodeCoseSign1 } from "../cose/sign1.ts";
import { ccfReceiptFacts } from "../receipts/ccf.ts";

/** A receipt's claim about the ledger: the root its service signed over the registration at `seqno`. */
export interface ReceiptClaim {
  /** Where it came from, e.g. the statement file and receipt index. */
  readonly source: string;
  /** The registration txid, `view.seqno`. */
  readonly txid: string;
  /** The registration seqno. */
  readonly seqno: number;
  /** Hex root the receipt's proof folds to. */
  readonly root: string;
}

/**
 * The claims of every CCF receipt in a transparent statement (unprotected label 394); receipts that do not
 * decode, or carry no CCF inclusion proof, are left out (`verify` reports them).
 *
 * @example
 * ```ts
 * import { receiptClaims } from "./receipts.ts";
 * import { deepStrictEqual } from "node:assert/strict";
 * // A COSE_Sign1 without receipts: [h'', {}, h'', h'']
 * deepStrictEqual(receiptClaims(new Uint8Array([0x84, 0x40, 0xa0, 0x40, 0x40]), "s.cose"), []);
 * ```
 */
export function receiptClaims(statement: Uint8Array, source: string): ReceiptClaim[] {
  const message = decodeCoseSign1(statement);
  const items = message.unprotectedHeader.get(HEADER.RECEIPTS);
  if (!Array.isArray(items)) return [];
  const claims: ReceiptClaim[] = [];
  items.forEach((item, index) => {
    if (!(item instanceof Uint8Array)) return;
    let receipt: CoseSign1;
    try {
      receipt = decodeCoseSign1(item);
    } catch {
      return;
    }
    const { root, registeredTxid } = ccfReceiptFacts(receipt);
    const seqno = Number(registeredTxid?.split(".")[1]);
    if (root === undefined || registeredTxid === undefined || !Number.isSafeInteger(seqno)) return;
    claims.push({ source: `${source} receipt ${index}`, txid: registeredTxid, seqno, root });
  });
  return claims;
}
