/**
 * PEM for single keys: one labelled block in, with key error wording.
 *
 * @module
 */

import { AuditError } from "../errors.ts";
import { pemBlocks, PemError } from "../pem.ts";

/** Whether the text holds a block with this label. */
export function hasPemBlock(text: string, label: string): boolean {
  return text.includes(`-----BEGIN ${label}-----`);
}

/** The DER of the one `label` block in the text; none, several, or bad base64 is `KEY_MALFORMED`. */
export function decodePem(text: string, label: string, what: string): Uint8Array {
  let blocks: Uint8Array[];
  try {
    blocks = pemBlocks(text, label);
  } catch (error) {
    if (!(error instanceof PemError)) throw error;
    const detail = error.problem === "base64" ? "is not valid base64" : "is not well formed";
    throw new AuditError("KEY_MALFORMED", `Cannot import ${what}: the "${label}" PEM block ${detail}`);
  }
  if (blocks.length !== 1) {
    throw new AuditError(
      "KEY_MALFORMED",
      `Cannot import ${what}: expected one "${label}" PEM block, found ${blocks.length}`,
    );
  }
  return blocks[0]!;
}
