/**
 * PEM (RFC 7468) block extraction.
 *
 * @module
 */

import { fromBase64 } from "../bytes.ts";
import { malformed } from "./_der_helpers.ts";

/**
 * Returns the decoded body of every `-----BEGIN <label>-----` block, in order. Text outside blocks is
 * ignored (bundles often carry `subject=` lines); a block without its END line, or a bundle without any
 * block of the label, is `X509_MALFORMED`.
 */
export function pemBlocks(data: Uint8Array, label: string): Uint8Array[] {
  const text = new TextDecoder("utf-8").decode(data);
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const blocks: Uint8Array[] = [];
  let offset = text.indexOf(begin);
  while (offset !== -1) {
    const bodyStart = offset + begin.length;
    const stop = text.indexOf(end, bodyStart);
    if (stop === -1) malformed(`PEM block ${blocks.length + 1} has no "${end}" line`);
    const body = text.slice(bodyStart, stop);
    if (body.includes("-----")) malformed(`PEM block ${blocks.length + 1} is interrupted by another boundary`);
    try {
      blocks.push(fromBase64(body));
    } catch {
      malformed(`PEM block ${blocks.length + 1} is not valid base64`);
    }
    offset = text.indexOf(begin, stop + end.length);
  }
  if (blocks.length === 0) malformed(`no "${begin}" block found (input is neither DER nor PEM)`);
  return blocks;
}
