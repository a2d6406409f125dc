/**
 * Transaction ids (`view.seqno`) and the pages of `GET /entries/txIds` (`{transactionIds: [...], nextLink?}`).
 *
 * @module
 */

import { fromUtf8 } from "../bytes.ts";
import { AuditError } from "../errors.ts";

/** The most ids accepted in one page (the service sends at most 10,000 seqnos a page). */
export const MAX_PAGE_IDS = 100_000;

/**
 * Whether text is a transaction id `view.seqno` (two decimal numbers, no leading zeros, each below 2^53).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { isTxid } from "./txids.ts";
 * assert(isTxid("458.12440") && !isTxid("458") && !isTxid("1.02"));
 * ```
 */
export function isTxid(text: string): boolean {
  if (!/^(0|[1-9]\d{0,15})\.(0|[1-9]\d{0,15})$/.test(text)) return false;
  return text.split(".").every((part) => Number.isSafeInteger(Number(part)));
}

/** One page of `/entries/txIds`. */
export interface TxIdsPage {
  /** The transaction ids on this page, in the order given. */
  readonly transactionIds: readonly string[];
  /** The link to the next page, as sent (relative or absolute). */
  readonly nextLink?: string;
}

/**
 * Parses a page of `/entries/txIds`; anything but the documented shape is `COLLECT_RESPONSE_REFUSED`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseTxIdsPage } from "./txids.ts";
 * const page = parseTxIdsPage(new TextEncoder().encode('{"transactionIds":["2.5"],"nextLink":"/entries/txIds?from=6&to=9"}'));
 * assert(page.transactionIds[0] === "2.5" && page.nextLink === "/entries/txIds?from=6&to=9");
 * ```
 */
export function parseTxIdsPage(body: Uint8Array): TxIdsPage {
  const refuse = (detail: string): never => {
    throw new AuditError("COLLECT_RESPONSE_REFUSED", `Cannot read the entry list: ${detail}`);
  };
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(body));
  } catch {
    return refuse("it is not JSON");
  }
  const page = value as { transactionIds?: unknown; nextLink?: unknown };
  if (typeof page !== "object" || page === null || !Array.isArray(page.transactionIds)) {
    return refuse("expected an object with a transactionIds array");
  }
  if (page.transactionIds.length > MAX_PAGE_IDS) refuse(`more than ${MAX_PAGE_IDS} ids in one page`);
  const ids = page.transactionIds.map((id, i) => {
    if (typeof id !== "string" || !isTxid(id)) refuse(`transactionIds[${i}] is not a view.seqno transaction id`);
    return id as string;
  });
  if (page.nextLink !== undefined && page.nextLink !== null && typeof page.nextLink !== "string") {
    refuse("nextLink is not a string");
  }
  return typeof page.nextLink === "string" && page.nextLink !== ""
    ? { transactionIds: ids, nextLink: page.nextLink }
    : { transactionIds: ids };
}
