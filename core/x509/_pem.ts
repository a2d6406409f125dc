/**
 * Certificate PEM bundles: the shared PEM reader with X.509 error wording.
 *
 * @module
 */

import { pemBlocks as readPemBlocks, PemError } from "../pem.ts";
import { malformed } from "./_der_helpers.ts";

const DETAIL = {
  unterminated: (label: string) => `has no "-----END ${label}-----" line`,
  interrupted: () => "is interrupted by another boundary",
  base64: () => "is not valid base64",
} as const;

/**
 * Returns the decoded body of every `-----BEGIN <label>-----` block, in order. Text outside blocks is
 * ignored (bundles often carry `subject=` lines); a block without its END line, or a bundle without any
 * block of the label, is `X509_MALFORMED`.
 */
export function certificatePemBlocks(data: Uint8Array, label: string): Uint8Array[] {
  let blocks: Uint8Array[];
  try {
    blocks = readPemBlocks(new TextDecoder("utf-8").decode(data), label);
  } catch (error) {
    if (!(error instanceof PemError)) throw error;
    return malformed(`PEM block ${error.block} ${DETAIL[error.problem](label)}`);
  }
  if (blocks.length === 0) malformed(`no "-----BEGIN ${label}-----" block found (input is neither DER nor PEM)`);
  return blocks;
}
