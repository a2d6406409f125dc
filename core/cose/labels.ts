/**
 * Header labels and CWT claim keys used by the project (RFC 9052, RFC 9360, RFC 9597, RFC 9942, hash envelopes).
 *
 * @module
 */

/** COSE header labels. */
export const HEADER = {
  ALG: 1,
  CRIT: 2,
  CONTENT_TYPE: 3,
  KID: 4,
  CWT_CLAIMS: 15,
  X5CHAIN: 33,
  X5T: 34,
  PAYLOAD_HASH_ALG: 258,
  PREIMAGE_CONTENT_TYPE: 259,
  PAYLOAD_LOCATION: 260,
  RECEIPTS: 394,
  VDS: 395,
  VDP: 396,
} as const;

/** CWT claim keys (RFC 8392) and the text-keyed `svn`. */
export const CLAIM = { ISS: 1, SUB: 2, EXP: 4, NBF: 5, IAT: 6, CNF: 8, SVN: "svn" } as const;

/** Labels the project understands when they are listed in `crit` (spec §2 rule 8). */
export const UNDERSTOOD_CRITICAL: ReadonlySet<number | string> = new Set([
  HEADER.CWT_CLAIMS,
  HEADER.X5CHAIN,
  "attestedsvc",
  "msft-css-dev",
]);
