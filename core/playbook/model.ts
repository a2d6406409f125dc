/**
 * A loaded playbook (version 1): every value parsed, every file checked to exist, every reference resolved to
 * an id that exists and type-checked.
 *
 * @module
 */

import type { AmdProduct, ExtraRoot } from "../attestation/amd_roots.ts";
import type { UvmRoot } from "../attestation/uvm_endorsement.ts";
import type { AuthorizedReceiptBehavior, UnauthorizedReceiptBehavior } from "../receipts/policy.ts";

/** A file the playbook names. */
export interface FileRef {
  /** The path as written in the playbook (relative to the playbook's folder unless absolute). */
  readonly path: string;
  /** What it is used as: `keys`, `x509-root`, `statement`, `artifact`, ... */
  readonly role: string;
  /** `file:line:column` of its mention. */
  readonly at: string;
}

/** One transparency service's key file. */
export interface TransparencyKeys {
  /** The issuer host, required for key formats that do not name their issuer (JWKS, scitt-keys). */
  readonly issuer?: string;
  /** The key file. */
  readonly keys: FileRef;
}

/** The `trust` section. */
export interface TrustSpec {
  /** Receipt issuers and their key files, in load order. */
  readonly transparency: readonly TransparencyKeys[];
  /** Authorized receipt domains; absent: every issuer the key files gave keys for. */
  readonly authorizedDomains?: readonly string[];
  /** @default {"VerifyAllMatching"} */
  readonly authorizedReceiptBehavior: AuthorizedReceiptBehavior;
  /** @default {"FailIfPresent"} */
  readonly unauthorizedReceiptBehavior: UnauthorizedReceiptBehavior;
  /** Accepted statement issuers (did:x509). */
  readonly signers: readonly string[];
  /** Optional X.509 roots a statement's x5chain must end in. */
  readonly x509Roots: readonly FileRef[];
  /** Accepted signers of signed trust lists (did:x509). */
  readonly trustListSigners: readonly string[];
  /** What attestation evidence is verified against. */
  readonly attestation: AttestationTrust;
}

/** The attestation part of the `trust` section. */
export interface AttestationTrust {
  /** The pinned AMD roots accepted (`amd-roots`), e.g. `["Milan", "Genoa"]`; all three by default. */
  readonly amdProducts: readonly AmdProduct[];
  /** Roots that are not AMD's, trusted only because the playbook names them (`non-amd-roots`); always flagged. */
  readonly nonAmdRoots: readonly ExtraRoot[];
  /** UVM endorsement roots of trust (`uvm-roots`); CCF's defaults when the playbook names none. */
  readonly uvmRoots: readonly UvmRoot[];
}

/** The `report` section. */
export interface ReportSpec {
  /** The report title. */
  readonly title?: string;
  /** The audited subject (CWT sub of the signed report). */
  readonly subject?: string;
  /** The auditor's private key (never packed into a bundle). */
  readonly signingKey?: FileRef;
  /** The auditor's identity (CWT iss of the signed report). */
  readonly issuer?: string;
}

/** A loaded playbook. */
export interface Playbook {
  /** Always 1. */
  readonly version: 1;
  /** The playbook's `name`. */
  readonly name: string;
  /** The file name the playbook was loaded as (used in messages and in the report). */
  readonly file: string;
  /** Hex SHA-256 of the playbook's bytes. */
  readonly sha256: string;
  /** Its size in bytes. */
  readonly size: number;
  /** The evaluation time from `at:`, if given. */
  readonly at?: Date;
  /** The trust configuration. */
  readonly trust: TrustSpec;
  /** The items of each evidence section, by section name (`statements`, `artifacts`, ...). */
  readonly evidence: Readonly<Record<string, readonly unknown[]>>;
  /** The report section. */
  readonly report: ReportSpec;
  /** Every evidence file the playbook names, in playbook order, each once (the report's signing key is not one). */
  readonly files: readonly FileRef[];
}
