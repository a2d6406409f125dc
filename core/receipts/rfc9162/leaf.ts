/**
 * Which bytes an RFC9162_SHA256 service puts in its tree for a statement (the leaf rules), and the statement's
 * leaf hash under each.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { DEFAULT_RFC9162_LEAF_RULE, RFC9162_LEAF_RULES } from "./leaf.ts";
 * strictEqual(DEFAULT_RFC9162_LEAF_RULE, "stripped-statement");
 * strictEqual(RFC9162_LEAF_RULES.join(", "), "stripped-statement, statement-digest, statement-as-is");
 * ```
 *
 * @module
 */

import { sha256 } from "../../crypto/digest.ts";
import { decodeCoseSign1, strippedStatement } from "../../cose/sign1.ts";
import { rfc9162LeafHash } from "../../merkle/mod.ts";

/**
 * Which bytes a service puts in the tree for a statement; RFC 9942 leaves this to the profile (spec §5.4).
 * Every rule hashes its entry as an RFC 9162 leaf, `SHA-256(0x00 ‖ entry)`.
 *
 * - `"stripped-statement"` (default, RFC 9943): entry = the tag-18 statement with its unprotected header
 *   emptied, spliced from the received bytes.
 * - `"statement-digest"`: entry = SHA-256 of those stripped bytes.
 * - `"statement-as-is"`: entry = the statement bytes exactly as given (`@transmute/cose` 0.2.x).
 */
export type Rfc9162LeafRule = "stripped-statement" | "statement-digest" | "statement-as-is";

/** Every leaf rule, for option parsing and help text. */
export const RFC9162_LEAF_RULES: readonly Rfc9162LeafRule[] = [
  "stripped-statement",
  "statement-digest",
  "statement-as-is",
];

/** The RFC 9942 / RFC 9943 default leaf rule. */
export const DEFAULT_RFC9162_LEAF_RULE: Rfc9162LeafRule = "stripped-statement";

/**
 * The RFC 9162 leaf hash of a statement under a service's leaf rule (see {@linkcode Rfc9162LeafRule}).
 * A statement that does not decode is `COSE_MALFORMED` (except with `"statement-as-is"`, which never decodes it).
 * A caller that already decoded the statement passes its stripped form (`strippedStatement()`), so it is not
 * decoded again.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { rfc9162StatementLeaf } from "./leaf.ts";
 * const statement = new Uint8Array([0xd2, 0x84, 0x40, 0xa0, 0x40, 0x40]);
 * const stripped = await rfc9162StatementLeaf(statement);
 * const asIs = await rfc9162StatementLeaf(statement, "statement-as-is");
 * assert(stripped.length === 32 && stripped.join() === asIs.join());
 * ```
 */
export async function rfc9162StatementLeaf(
  statement: Uint8Array,
  rule: Rfc9162LeafRule = DEFAULT_RFC9162_LEAF_RULE,
  strippedForm?: Uint8Array,
): Promise<Uint8Array> {
  if (rule === "statement-as-is") return rfc9162LeafHash(statement);
  const stripped = strippedForm ?? strippedStatement(decodeCoseSign1(statement, { what: "statement" }));
  return rfc9162LeafHash(rule === "statement-digest" ? await sha256(stripped) : stripped);
}
