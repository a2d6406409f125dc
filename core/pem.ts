/**
 * PEM (RFC 7468): labelled base64 blocks, read and written. Callers word the errors for what they were reading.
 *
 * @module
 */

import { fromBase64, toBase64 } from "./bytes.ts";

/** Why a PEM block could not be read. */
export type PemProblem = "unterminated" | "interrupted" | "base64";

/** A block that could not be read: its 1-based position and the problem. */
export class PemError extends SyntaxError {
  /** Creates the error for block `block` (1-based). */
  constructor(readonly block: number, readonly problem: PemProblem) {
    super(`Cannot read PEM block ${block}: ${problem}`);
    this.name = "PemError";
  }
}

/**
 * Decodes every `-----BEGIN <label>-----` block in order; text outside blocks is ignored. A block without its END
 * line, interrupted by another boundary, or with invalid base64 throws a {@linkcode PemError}.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { encodePem, pemBlocks } from "./pem.ts";
 * const text = "subject=x\n" + encodePem("CERTIFICATE", new Uint8Array([0x30, 0x00]));
 * assert(pemBlocks(text, "CERTIFICATE")[0]?.length === 2);
 * ```
 */
export function pemBlocks(text: string, label: string): Uint8Array[] {
  const begin = `-----BEGIN ${label}-----`;
  const end = `-----END ${label}-----`;
  const blocks: Uint8Array[] = [];
  let offset = text.indexOf(begin);
  while (offset !== -1) {
    const bodyStart = offset + begin.length;
    const stop = text.indexOf(end, bodyStart);
    if (stop === -1) throw new PemError(blocks.length + 1, "unterminated");
    const body = text.slice(bodyStart, stop);
    if (body.includes("-----")) throw new PemError(blocks.length + 1, "interrupted");
    try {
      blocks.push(fromBase64(body));
    } catch {
      throw new PemError(blocks.length + 1, "base64");
    }
    offset = text.indexOf(begin, stop + end.length);
  }
  return blocks;
}

/**
 * Encodes DER as a PEM block with 64-character lines.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { encodePem } from "./pem.ts";
 * assert(encodePem("PUBLIC KEY", new Uint8Array([0x30, 0x00])) === "-----BEGIN PUBLIC KEY-----\nMAA=\n-----END PUBLIC KEY-----\n");
 * ```
 */
export function encodePem(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
