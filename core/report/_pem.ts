/**
 * PEM (RFC 7468) for single keys: one labelled block in, one block out.
 *
 * @module
 */

import { fromBase64, toBase64 } from "../bytes.ts";
import { AuditError } from "../errors.ts";

/** Whether the text holds a block with this label. */
export function hasPemBlock(text: string, label: string): boolean {
  return text.includes(`-----BEGIN ${label}-----`);
}

/** The DER of the one `label` block in the text; none, several, or bad base64 is `KEY_MALFORMED`. */
export function decodePem(text: string, label: string, what: string): Uint8Array {
  const pattern = new RegExp(`-----BEGIN ${label}-----([^-]*)-----END ${label}-----`, "g");
  const blocks = [...text.matchAll(pattern)];
  if (blocks.length !== 1) {
    throw new AuditError(
      "KEY_MALFORMED",
      `Cannot import ${what}: expected one "${label}" PEM block, found ${blocks.length}`,
    );
  }
  try {
    return fromBase64(blocks[0]![1]!);
  } catch {
    throw new AuditError("KEY_MALFORMED", `Cannot import ${what}: the "${label}" PEM block is not valid base64`);
  }
}

/** Encodes DER as a PEM block with 64-character lines. */
export function encodePem(label: string, der: Uint8Array): string {
  const lines = toBase64(der).match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${label}-----\n${lines.join("\n")}\n-----END ${label}-----\n`;
}
