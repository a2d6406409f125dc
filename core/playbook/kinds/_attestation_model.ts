/**
 * The items of the `attestations` section: the evidence forms and what each must show.
 *
 * @module
 */

import type { MinimumTcb } from "../../attestation/mod.ts";
import type { FileRef } from "../model.ts";

/** The evidence forms an item can hold. */
export const ATTESTATION_KINDS = ["ccf-node-quote", "sev-snp-report", "maa-token"] as const;

/** One evidence form. */
export type AttestationKindName = (typeof ATTESTATION_KINDS)[number];

/** What the evidence must show beyond the checks that always run. */
export interface AttestationExpectations {
  /** Highest VMPL accepted (SEV-SNP), e.g. `0`; CCF's 3 when absent. */
  readonly maxVmpl?: number;
  /** Minimum reported TCB (SEV-SNP), component by component. */
  readonly minTcb?: MinimumTcb;
  /** A node quote must carry a (valid) UVM endorsement. */
  readonly uvmEndorsed?: boolean;
  /** Accepted MAA instances (`iss`), e.g. `["https://shareduks.uks.test.attest.azure.net"]`. */
  readonly issuers?: readonly string[];
}

/** One `attestations` item. */
export interface AttestationItem {
  /** Its id, referenced as `attestation.<id>.<field>`. */
  readonly id: string;
  /** The evidence form. */
  readonly kind: AttestationKindName;
  /** The evidence file. */
  readonly file: FileRef;
  /** `sev-snp-report`: the VCEK, ASK and ARK. */
  readonly endorsements?: FileRef;
  /** `sev-snp-report`: a UVM endorsement of its launch measurement. */
  readonly uvmEndorsement?: FileRef;
  /** `maa-token`: the captured `/certs` response. */
  readonly certs?: FileRef;
  /** `ccf-node-quote`: the quote whose values are published, when the response holds several (64 hex digits). */
  readonly nodeId?: string;
  /** Its expectations. */
  readonly expect: AttestationExpectations;
  /** Whether certificate validity and token expiry are checked at the evaluation time. */
  readonly checkValidity: boolean;
}

/** The TCB components a minimum names, by playbook key. */
export const TCB_FIELDS = {
  bootloader: "bootLoader",
  tee: "tee",
  snp: "snp",
  microcode: "microcode",
  fmc: "fmc",
} as const satisfies Record<string, keyof MinimumTcb>;
