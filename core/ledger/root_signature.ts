/**
 * The signatures of a signature transaction (spec: ccf-ledger §4): the signing node's ECDSA signature over the
 * Merkle root (the root is the SHA-256 digest it signs), checked against the node certificate the ledger
 * records, and the service's COSE_Sign1 over the root (detached payload) against the service identity in force.
 * Each failure is reported through `fail` with its finding code.
 *
 * @module
 */

import { equalBytes } from "../bytes.ts";
import { readClaims } from "../cose/claims.ts";
import { decodeCoseSign1, verifyCoseSign1 } from "../cose/sign1.ts";
import { CURVE_BYTES } from "../crypto/public_key.ts";
import { ecdsaDerToRaw, verifyEcdsaDigest } from "../crypto/signature.ts";
import type { Certificate } from "../x509/certificate.ts";
import { certificateFromPem } from "./identity.ts";
import type { LedgerFindingCode } from "./model.ts";
import type { RawSignature } from "./tables.ts";
import type { LedgerTransaction } from "./transaction.ts";

/** Reports a failed check; a fatal code stops the audit by throwing. */
export type Fail = (code: LedgerFindingCode, message: string) => void;

/** What the node-signature check needs to know about the network at that point. */
export interface SigningNodes {
  /** The node's status (Pending / Trusted / Retired), or `undefined` when it is not part of the network. */
  status(node: string): string | undefined;
  /** The node's recorded certificate. */
  certificate(node: string): Certificate | undefined;
}

/** Checks the raw node signature: position, signing node known and not Pending, embedded key, the signature. */
export function checkNodeSignature(tx: LedgerTransaction, raw: RawSignature, nodes: SigningNodes, fail: Fail): void {
  if (raw.view !== tx.view || raw.seqno !== tx.seqno) {
    fail("LEDGER_SIGNATURE_POSITION_MISMATCH", `the signature says ${raw.view}.${raw.seqno}`);
  }
  const status = nodes.status(raw.node);
  if (status === undefined) fail("LEDGER_NODE_UNKNOWN", `the signing node ${raw.node} is not part of the network`);
  if (status === "Pending") fail("LEDGER_NODE_PENDING", `the signing node ${raw.node} is still Pending`);
  const cert = nodes.certificate(raw.node);
  if (!cert) return fail("LEDGER_NODE_UNKNOWN", `no certificate is recorded for the signing node ${raw.node}`);
  if (raw.cert !== undefined) {
    const embedded = certificateFromPem(raw.cert, "the signature's node certificate", tx.seqno);
    if (!equalBytes(embedded.publicKey.spki, cert.publicKey.spki)) {
      fail("LEDGER_NODE_KEY_MISMATCH", `the embedded certificate's key differs from node ${raw.node}'s recorded one`);
    }
  }
  const key = cert.publicKey;
  let valid = false;
  if (key.kty === "EC") {
    try {
      valid = verifyEcdsaDigest(key, raw.root, ecdsaDerToRaw(raw.sig, CURVE_BYTES[key.crv]));
    } catch {
      valid = false;
    }
  }
  if (!valid) fail("LEDGER_NODE_SIGNATURE_INVALID", `node ${raw.node}'s signature over the root does not verify`);
}

/**
 * Decodes the service's COSE signature over `root` and, when `verify`, checks it with the service identity.
 * Returns the signing time (CWT `iat`), which dates the entries the root covers.
 */
export async function checkCoseSignature(
  bytes: Uint8Array,
  root: Uint8Array,
  service: Certificate | undefined,
  verify: boolean,
  fail: Fail,
): Promise<Date | undefined> {
  let message;
  try {
    message = decodeCoseSign1(bytes);
  } catch (error) {
    fail("LEDGER_SIGNATURE_MALFORMED", `the COSE signature does not decode: ${(error as Error).message}`);
    return undefined;
  }
  let iat: number | undefined;
  try {
    iat = readClaims(message.protectedHeader).iat;
  } catch {
    iat = undefined;
  }
  if (verify) {
    if (!service) {
      fail("LEDGER_SERVICE_UNKNOWN", "no service certificate is recorded before it");
      return undefined;
    }
    const payload = message.payload;
    let valid = payload === null || payload === undefined || equalBytes(payload, root);
    if (valid) {
      try {
        valid = await verifyCoseSign1(message, service.publicKey, root);
      } catch {
        valid = false;
      }
    }
    if (!valid) fail("LEDGER_COSE_SIGNATURE_INVALID", "the service's COSE signature over the root does not verify");
  }
  return iat === undefined ? undefined : new Date(iat * 1000);
}
