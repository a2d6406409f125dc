/**
 * The did:x509 JSON data model of a certificate (microsoft/did-x509 `specification.md`): names as objects
 * keyed by label or dotted OID, SANs as `[type, value]` pairs, EKU OIDs and the Fulcio issuer.
 *
 * @module
 */

import { AuditError } from "../errors.ts";
import type { Certificate } from "./certificate.ts";
import { attributeLabel, type Name } from "./name.ts";

/** A name in the model: one value per attribute type, keyed by a did:x509 label or a dotted OID. */
export type NameModel = Readonly<Record<string, string>>;

/** A SAN in the model; `dn` SANs exist in the model but no predicate can match them. */
export type SanModel = readonly ["email" | "dns" | "uri", string] | readonly ["dn", NameModel];

/** The parts of a certificate that did:x509 predicates read. */
export interface CertificateModel {
  /** The subject name. */
  readonly subject: NameModel;
  /** The issuer name. */
  readonly issuer: NameModel;
  /** subjectAltName entries, when the extension is present. */
  readonly san?: readonly SanModel[];
  /** extKeyUsage OIDs, when the extension is present. */
  readonly eku?: readonly string[];
  /** The Fulcio issuer URL, when the extension is present. */
  readonly fulcioIssuer?: string;
}

/** The labels the did:x509 model uses; other attribute types are keyed by dotted OID. */
const MODEL_LABELS: ReadonlySet<string> = new Set(["CN", "L", "ST", "O", "OU", "C", "STREET"]);

function nameModel(name: Name): NameModel {
  const model: Record<string, string> = {};
  for (const attribute of name.rdns.flat()) {
    const label = attributeLabel(attribute.oid);
    const key = MODEL_LABELS.has(label) ? label : attribute.oid;
    if (Object.hasOwn(model, key)) {
      throw new AuditError("DIDX509_INVALID", "Certificate name contains duplicate attributes.");
    }
    model[key] = attribute.value;
  }
  return model;
}

function sanModel(cert: Certificate): SanModel[] | undefined {
  return cert.extensions.subjectAltNames?.map((san): SanModel => {
    switch (san.type) {
      case "email":
      case "dns":
      case "uri":
        return [san.type, san.value];
      case "dn":
        return ["dn", nameModel(san.value)];
      default:
        throw new AuditError("DIDX509_INVALID", "Certificate contains an unsupported SAN type.");
    }
  });
}

/**
 * Maps a certificate to the did:x509 model. A name with a repeated attribute type, or a SAN other than
 * email, DNS, URI or directory name, is `DIDX509_INVALID` with the reference implementation's message.
 */
export function certificateModel(cert: Certificate): CertificateModel {
  const model: { -readonly [K in keyof CertificateModel]: CertificateModel[K] } = {
    subject: nameModel(cert.subject),
    issuer: nameModel(cert.issuer),
  };
  const san = sanModel(cert);
  if (san) model.san = san;
  if (cert.extensions.extKeyUsage) model.eku = cert.extensions.extKeyUsage;
  if (cert.extensions.fulcioIssuer !== undefined) model.fulcioIssuer = cert.extensions.fulcioIssuer;
  return model;
}
