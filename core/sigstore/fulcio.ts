/**
 * The Fulcio signing certificate: its chain to a certificate authority of the trusted root at every verified
 * signing time, and the signer identity it certifies (SAN and OIDC issuer extensions).
 *
 * @module
 */

import { equalBytes, fromUtf8 } from "../bytes.ts";
import { DER, expectTag, readDer } from "../der.ts";
import { AuditError } from "../errors.ts";
import { verifyChain } from "../x509/chain.ts";
import type { Certificate } from "../x509/certificate.ts";
import { failStep } from "./_fail.ts";
import { type CertificateAuthority, inRange } from "./trusted_root.ts";

/** Fulcio's OIDC issuer extensions: v1 (raw bytes, deprecated) and v2 (DER UTF8String). */
export const FULCIO_ISSUER_OID = { v1: "1.3.6.1.4.1.57264.1.1", v2: "1.3.6.1.4.1.57264.1.8" } as const;

/** Who a certificate says signed. */
export interface SignerIdentity {
  /** The subject alternative name: URI, e-mail or other name, e.g. a workflow URL. */
  readonly san?: string;
  /** The OIDC issuer, e.g. `https://token.actions.githubusercontent.com`. */
  readonly issuer?: string;
}

/** Reads the SAN and OIDC issuer (v2 extension preferred, v1 otherwise) of a Fulcio certificate. */
export function signerIdentity(certificate: Certificate): SignerIdentity {
  const names = certificate.extensions.subjectAltNames ?? [];
  const named = names.find((n) => n.type === "uri" || n.type === "email" || n.type === "dns");
  const san = named && "value" in named && typeof named.value === "string" ? named.value : undefined;
  let issuer: string | undefined;
  const v2 = certificate.extensions.list.find((e) => e.oid === FULCIO_ISSUER_OID.v2);
  if (v2) {
    try {
      issuer = fromUtf8(expectTag(readDer(v2.value), DER.UTF8_STRING, "issuer (v2)").value);
    } catch {
      failStep("SIGSTORE_CERTIFICATE_INVALID", "certificate", "the Fulcio issuer extension (v2) is not a UTF8String");
    }
  } else {
    issuer = certificate.extensions.fulcioIssuer;
  }
  return { ...(san !== undefined ? { san } : {}), ...(issuer !== undefined ? { issuer } : {}) };
}

function selfSigned(certificate: Certificate): boolean {
  return equalBytes(certificate.subject.der, certificate.issuer.der);
}

/**
 * Validates the leaf against the trusted root's Fulcio authorities: for every signing time, some authority valid
 * then must chain the leaf (RFC 5280 rules, every certificate valid at that time). Certificates the bundle's chain
 * carries beyond the leaf must belong to that trusted path. Returns the verified path (leaf first).
 */
export async function verifyFulcioChain(
  leaf: Certificate,
  bundleChain: readonly Certificate[],
  times: readonly Date[],
  authorities: readonly CertificateAuthority[],
): Promise<readonly Certificate[]> {
  const fail: (detail: string) => never = (detail) => failStep("SIGSTORE_CERTIFICATE_INVALID", "certificate", detail);
  if (selfSigned(leaf)) fail("the signing certificate is self-signed");
  let path: readonly Certificate[] = [];
  for (const time of times) {
    let last: string | undefined;
    let found: readonly Certificate[] | undefined;
    for (const authority of authorities.filter((a) => inRange(a.validFor, time))) {
      const chain = [leaf, ...authority.chain];
      try {
        await verifyChain(chain, { validAt: time });
        found = chain;
        break;
      } catch (error) {
        if (!(error instanceof AuditError)) throw error;
        last = error.message;
      }
    }
    if (!found) {
      fail(
        `the certificate does not chain to a certificate authority of the trusted root valid at ${time.toISOString()}${
          last ? `: ${last}` : ""
        }`,
      );
    }
    path = found;
    // The bundle's own chain (v0.1/v0.2) adds nothing to trust, but what it carries must be the trusted path:
    // a root or intermediate from elsewhere (conformance case bundle-with-root-cert) is refused.
    for (const extra of bundleChain) {
      if (!found.some((trusted) => equalBytes(trusted.der, extra.der))) {
        fail(
          selfSigned(extra)
            ? "the bundle's certificate chain carries a root certificate that is not the trusted root"
            : "the bundle's certificate chain carries a certificate that is not in the trusted chain",
        );
      }
    }
  }
  return path;
}
