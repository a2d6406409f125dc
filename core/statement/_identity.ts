/**
 * The signer side of a statement: its x5chain (read once, through the run's cache), the statement signature with
 * the leaf key (and x5t), and the did:x509 issuer resolved against the chain.
 *
 * @module
 */

import type { CborValue } from "../cbor.ts";
import { equalBytes } from "../bytes.ts";
import { digest } from "../crypto/digest.ts";
import { publicKeyToJwk } from "../crypto/public_key.ts";
import { AuditError, problemOf } from "../errors.ts";
import { coseHash } from "../cose/algorithms.ts";
import { HEADER } from "../cose/labels.ts";
import { type CoseSign1, verifyCoseSign1 } from "../cose/sign1.ts";
import { type Certificate, parseCertificate } from "../x509/certificate.ts";
import { resolveDidX509 } from "../x509/did_x509.ts";
import type { VerificationCache } from "../verification_cache.ts";
import type { StatementReport } from "./model.ts";

export function readChain(message: CoseSign1, warnings: string[], cache: VerificationCache | undefined): Certificate[] {
  let value: CborValue | undefined = message.protectedHeader.get(HEADER.X5CHAIN);
  if (value === undefined) {
    value = message.unprotectedHeader.get(HEADER.X5CHAIN);
    if (value === undefined) return [];
    warnings.push("x5chain is in the unprotected header: the signer identity is not integrity-protected");
  }
  const items = value instanceof Uint8Array ? [value] : value;
  if (!Array.isArray(items) || items.length === 0 || !items.every((c) => c instanceof Uint8Array)) {
    throw new AuditError(
      "COSE_MALFORMED",
      "Cannot decode statement: x5chain must be a byte string or an array of byte strings",
    );
  }
  return items.map((der, i) => {
    try {
      return cache ? cache.certificate(der as Uint8Array, parseCertificate) : parseCertificate(der as Uint8Array);
    } catch (error) {
      if (error instanceof AuditError) {
        throw new AuditError("X509_MALFORMED", `Cannot decode x5chain certificate ${i}: ${error.message}`);
      }
      throw error;
    }
  });
}

export async function checkX5t(message: CoseSign1, leaf: Certificate): Promise<void> {
  const x5t = message.protectedHeader.get(HEADER.X5T);
  if (x5t === undefined) return;
  if (!Array.isArray(x5t) || x5t.length !== 2 || !(x5t[1] instanceof Uint8Array)) {
    throw new AuditError("COSE_MALFORMED", "Cannot decode statement: x5t must be [hash algorithm, hash]");
  }
  const hash = coseHash(x5t[0]);
  if (!hash) throw new AuditError("COSE_UNSUPPORTED_ALG", `Unsupported hash algorithm ${String(x5t[0])} in x5t`);
  if (!equalBytes(await digest(hash, leaf.der), x5t[1])) {
    throw new AuditError("X5T_MISMATCH", "x5t does not match the leaf certificate of x5chain");
  }
}

export async function checkSignature(
  message: CoseSign1,
  chain: readonly Certificate[],
  detachedPayload: Uint8Array | undefined,
): Promise<StatementReport["signature"]> {
  const leaf = chain[0]!;
  try {
    await checkX5t(message, leaf);
    if (!(await verifyCoseSign1(message, leaf.publicKey, detachedPayload))) {
      return {
        valid: false,
        error: {
          code: "COSE_SIGNATURE_INVALID",
          message: "Statement signature does not verify with the x5chain leaf key",
        },
      };
    }
    return { valid: true };
  } catch (error) {
    return { valid: false, error: problemOf(error) };
  }
}

export async function checkIdentity(
  issuer: string | undefined,
  chain: readonly Certificate[],
): Promise<StatementReport["identity"]> {
  if (issuer === undefined) {
    return { valid: false, error: { code: "DIDX509_INVALID", message: "The statement has no issuer (CWT iss)" } };
  }
  if (!issuer.startsWith("did:x509:")) {
    return {
      valid: false,
      did: issuer,
      error: {
        code: "DIDX509_INVALID",
        message: `Unsupported issuer type: '${issuer.split(":").slice(0, 2).join(":")}'`,
      },
    };
  }
  try {
    const resolution = await resolveDidX509(issuer, chain);
    const method = resolution.document.verificationMethod[0];
    const signer = JSON.stringify(publicKeyToJwk(chain[0]!.publicKey));
    if (!method || JSON.stringify(method.publicKeyJwk) !== signer) {
      return {
        valid: false,
        did: issuer,
        error: { code: "ISSUER_KEY_MISMATCH", message: "The did:x509 key is not the key that signed the statement" },
      };
    }
    return { valid: true, did: issuer };
  } catch (error) {
    return { valid: false, did: issuer, error: problemOf(error) };
  }
}
