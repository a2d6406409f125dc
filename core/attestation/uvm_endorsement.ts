/**
 * UVM endorsements (spec `attestation.md` §8): Microsoft-signed statements that a utility-VM launch measurement
 * is an endorsed release. Two forms: the legacy COSE_Sign1 (`iss` / `feed` in the protected header, JSON payload;
 * C-ACI `reference-info-base64`, CCF `uvm_endorsements`) and the MST transparent statement whose payload is the
 * 48-byte measurement (`sub` = feed, `svn` claim). Both identify the signer through did:x509, whose `eku`
 * predicate pins the expected extended key usage.
 *
 * @module
 */

import { fromUtf8, toHex } from "../bytes.ts";
import type { CborValue } from "../cbor.ts";
import { HEADER } from "../cose/labels.ts";
import { type CoseSign1, decodeCoseSign1, verifyCoseSign1 } from "../cose/sign1.ts";
import { AuditError, type Problem, problemOf } from "../errors.ts";
import { type Check, check } from "../check.ts";
import type { Json } from "../report/canonical_json.ts";
import { TrustStore } from "../receipts/trust_store.ts";
import { type StatementReport, type VerifyStatementOptions, verifyTransparentStatement } from "../statement/mod.ts";
import { type Certificate, parseCertificate } from "../x509/certificate.ts";
import { resolveDidX509 } from "../x509/did_x509.ts";
import { formatName } from "../x509/name.ts";

/** A UVM root of trust: who may endorse, for which feed, from which SVN (spec §8.3). */
export interface UvmRoot {
  /** The endorser's did:x509, e.g. `"did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"`. */
  readonly did: string;
  /** The feed, e.g. `"ContainerPlat-AMD-UVM"`. */
  readonly feed: string;
  /** The minimum SVN, compared numerically, e.g. `100`. */
  readonly minSvn: number;
}

/** CCF's default UVM roots of trust (spec §8.3). */
export const CCF_DEFAULT_UVM_ROOTS: readonly UvmRoot[] = Object.freeze([
  Object.freeze({
    did: "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2",
    feed: "ContainerPlat-AMD-UVM",
    minSvn: 100,
  }),
  Object.freeze({
    did: "did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.5",
    feed: "ConfAKS-AMD-UVM",
    minSvn: 1,
  }),
]);

/** Options for {@linkcode verifyUvmEndorsement}. */
export interface VerifyUvmOptions {
  /** Accepted roots of trust; one must match (did, feed, svn ≥ minSvn). Absent: no roots-of-trust check. */
  readonly roots?: readonly UvmRoot[];
  /** The report's launch measurement (48 bytes), which the endorsed one must equal. */
  readonly measurement?: Uint8Array;
  /** Check certificate validity at this time (legacy form); absent: not checked, as CCF does. */
  readonly validAt?: Date;
  /** Transparency service keys and receipt policy for the MST form; an empty trust store when absent. */
  readonly statement?: VerifyStatementOptions;
}

/** The outcome of {@linkcode verifyUvmEndorsement}. */
export interface UvmEndorsement {
  /** Whether signature, identity, (MST) receipts, roots of trust and measurement all hold. */
  readonly valid: boolean;
  /** The first failure. */
  readonly error?: Problem;
  /** Which form it is. */
  readonly format: "legacy" | "mst";
  /** The endorser's did:x509. */
  readonly did?: string;
  /** The feed (`feed`, or CWT `sub`). */
  readonly feed?: string;
  /** The SVN as a decimal string (a JSON integer is normalised, as CCF does), e.g. `"101"`. */
  readonly svn?: string;
  /** The endorsed launch measurement, 96 lowercase hex digits. */
  readonly measurement?: string;
  /** The signing certificate's subject. */
  readonly signer?: string;
  /** The root of trust it matched, when roots were given. */
  readonly root?: UvmRoot;
  /** Whether the endorsed measurement equals the report's, when one was given. */
  readonly measurementMatches?: boolean;
  /** The transparent statement verification (MST form). */
  readonly statement?: StatementReport;
}

const MEASUREMENT_CLAIM = "x-ms-sevsnpvm-launchmeasurement";
const SVN_CLAIM = "x-ms-sevsnpvm-guestsvn";

function invalid(message: string): never {
  throw new AuditError("UVM_ENDORSEMENT_INVALID", message);
}

/**
 * Verifies a UVM endorsement in either form. Undecodable COSE throws its `AuditError`; every other failure is
 * reported in `error` (`UVM_ENDORSEMENT_INVALID`, `COSE_SIGNATURE_INVALID`, `DIDX509_INVALID`, receipt codes).
 *
 * @param bytes The endorsement: a COSE_Sign1, legacy or MST form.
 * @param options The roots of trust, the report's measurement, and (MST form) the statement options.
 * @returns What it endorses and whether it holds.
 * @throws {AuditError} `COSE_MALFORMED` when the COSE_Sign1 cannot be decoded.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { parseSnpReport } from "./sev_snp_report.ts";
 * import { verifyUvmEndorsement } from "./uvm_endorsement.ts";
 *
 * const fixture = (name: string) => Deno.readFileSync(new URL(`../../fixtures/attestation/${name}`, import.meta.url));
 * const did = "did:x509:0:sha256:abTSBNGDIuygAa3IU27s5OY0LXo6uaTRMHRRP6QlSQU::eku:1.3.6.1.5.5.7.3.36";
 * const uvm = await verifyUvmEndorsement(fixture("uvm_endorsement.cose"), {
 *   roots: [{ did, feed: "scitt-audit-test-UVM", minSvn: 100 }],
 *   measurement: parseSnpReport(fixture("snp_report.bin")).measurement,
 * });
 * equal(uvm.valid, true);
 * equal(uvm.svn, "101");
 * equal(uvm.measurementMatches, true);
 * ```
 */
export async function verifyUvmEndorsement(bytes: Uint8Array, options: VerifyUvmOptions = {}): Promise<UvmEndorsement> {
  const message = decodeCoseSign1(bytes, { what: "UVM endorsement" });
  const facts = message.protectedHeader.get(HEADER.CWT_CLAIMS) instanceof Map
    ? await verifyMstForm(bytes, options)
    : await verifyLegacyForm(message, options);
  if (facts.error) return { valid: false, ...facts };
  try {
    return { ...facts, ...checkBindings(facts, options), valid: true };
  } catch (error) {
    return { ...facts, valid: false, error: problemOf(error) };
  }
}

type Facts = Omit<UvmEndorsement, "valid" | "root" | "measurementMatches">;

function checkBindings(facts: Facts, options: VerifyUvmOptions): Pick<UvmEndorsement, "root" | "measurementMatches"> {
  const out: { root?: UvmRoot; measurementMatches?: boolean } = {};
  if (options.roots) {
    const root = matchUvmRoot(facts, options.roots);
    if (!root) {
      invalid(
        `UVM endorsement {did: ${facts.did}, feed: ${facts.feed}, svn: ${facts.svn}} matches no accepted root of trust`,
      );
    }
    out.root = root;
  }
  if (options.measurement) {
    out.measurementMatches = facts.measurement === toHex(options.measurement);
    if (!out.measurementMatches) {
      invalid(
        `Endorsed measurement ${facts.measurement} differs from the report measurement ${toHex(options.measurement)}`,
      );
    }
  }
  return out;
}

/**
 * The root of trust an endorsement satisfies: same did and feed, svn ≥ minSvn numerically (spec §8.3).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { CCF_DEFAULT_UVM_ROOTS, matchUvmRoot } from "./uvm_endorsement.ts";
 * const root = matchUvmRoot({ did: CCF_DEFAULT_UVM_ROOTS[0]!.did, feed: "ContainerPlat-AMD-UVM", svn: "101" }, CCF_DEFAULT_UVM_ROOTS);
 * assert(root?.minSvn === 100);
 * ```
 */
export function matchUvmRoot(
  endorsement: { readonly did?: string; readonly feed?: string; readonly svn?: string },
  roots: readonly UvmRoot[],
): UvmRoot | undefined {
  const svn = endorsement.svn !== undefined && /^\d+$/.test(endorsement.svn) ? BigInt(endorsement.svn) : undefined;
  if (svn === undefined) return undefined;
  return roots.find((root) =>
    root.did === endorsement.did && root.feed === endorsement.feed && svn >= BigInt(root.minSvn)
  );
}

function readX5chain(message: CoseSign1): Certificate[] {
  const value: CborValue | undefined = message.protectedHeader.get(HEADER.X5CHAIN);
  const items = value instanceof Uint8Array ? [value] : value;
  if (!Array.isArray(items) || items.length === 0 || !items.every((c) => c instanceof Uint8Array)) {
    invalid("The UVM endorsement has no x5chain (label 33) in its protected header");
  }
  return (items as Uint8Array[]).map((der) => parseCertificate(der));
}

function text(header: ReadonlyMap<unknown, CborValue>, label: string): string {
  const value = header.get(label);
  if (typeof value !== "string") invalid(`The UVM endorsement has no "${label}" text in its protected header`);
  return value;
}

async function verifyLegacyForm(message: CoseSign1, options: VerifyUvmOptions): Promise<Facts> {
  const header = message.protectedHeader;
  const did = typeof header.get("iss") === "string" ? header.get("iss") as string : undefined;
  const feed = typeof header.get("feed") === "string" ? header.get("feed") as string : undefined;
  const base = { format: "legacy" as const, ...(did ? { did } : {}), ...(feed ? { feed } : {}) };
  try {
    if (!message.tagged) invalid("A UVM endorsement must carry the COSE_Sign1 tag (18)");
    text(header, "iss");
    text(header, "feed");
    if (header.get(HEADER.CONTENT_TYPE) !== "application/json") {
      invalid(
        `UVM endorsement content type must be "application/json", found ${String(header.get(HEADER.CONTENT_TYPE))}`,
      );
    }
    const chain = readX5chain(message);
    const resolution = await resolveDidX509(did!, chain, options.validAt ? { validAt: options.validAt } : {});
    const signer = formatName(resolution.leaf.subject);
    if (!(await verifyCoseSign1(message, resolution.leaf.publicKey))) {
      throw new AuditError(
        "COSE_SIGNATURE_INVALID",
        "UVM endorsement signature does not verify with the x5chain leaf key",
      );
    }
    return { ...base, signer, ...readPayload(message.payload) };
  } catch (error) {
    return { ...base, error: problemOf(error) };
  }
}

function readPayload(payload: Uint8Array | null): { measurement: string; svn: string } {
  if (payload === null) invalid("The UVM endorsement payload is detached");
  let json: unknown;
  try {
    json = JSON.parse(fromUtf8(payload));
  } catch {
    return invalid("The UVM endorsement payload is not JSON");
  }
  if (typeof json !== "object" || json === null || Array.isArray(json)) {
    invalid("The UVM endorsement payload is not a JSON object");
  }
  const record = json as Record<string, unknown>;
  const measurement = record[MEASUREMENT_CLAIM];
  if (typeof measurement !== "string" || !/^[0-9a-fA-F]{96}$/.test(measurement)) {
    invalid(`"${MEASUREMENT_CLAIM}" must be 96 hex digits`);
  }
  const svn = record[SVN_CLAIM];
  const svnText = typeof svn === "number" && Number.isSafeInteger(svn) && svn >= 0
    ? String(svn)
    : typeof svn === "string" && /^\d+$/.test(svn)
    ? svn
    : invalid(`"${SVN_CLAIM}" must be a decimal string or a non-negative integer`);
  return { measurement: measurement.toLowerCase(), svn: svnText };
}

async function verifyMstForm(bytes: Uint8Array, options: VerifyUvmOptions): Promise<Facts> {
  const statement = await verifyTransparentStatement(bytes, options.statement ?? { trustStore: new TrustStore() });
  const claims = statement.statement;
  const message = decodeCoseSign1(bytes, { what: "UVM endorsement" });
  const payload = message.payload;
  const base = {
    format: "mst" as const,
    ...(claims.issuer ? { did: claims.issuer } : {}),
    ...(claims.subject ? { feed: claims.subject } : {}),
    ...(claims.svn !== undefined ? { svn: String(claims.svn) } : {}),
    ...(payload?.length === 48 ? { measurement: toHex(payload) } : {}),
    ...(statement.signature.signer ? { signer: statement.signature.signer } : {}),
    statement,
  };
  if (statement.error) return { ...base, error: statement.error };
  if (payload?.length !== 48) {
    return {
      ...base,
      error: {
        code: "UVM_ENDORSEMENT_INVALID",
        message: "The MST UVM endorsement payload is not a 48-byte measurement",
      },
    };
  }
  if (claims.svn === undefined || claims.subject === undefined) {
    return {
      ...base,
      error: { code: "UVM_ENDORSEMENT_INVALID", message: "The MST UVM endorsement lacks the sub or svn claim" },
    };
  }
  return base;
}

/**
 * A UVM endorsement's outcome as one `uvm-endorsement` check, with what it endorses in its details.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { uvmEndorsementCheck } from "./uvm_endorsement.ts";
 * const failed = { valid: false, format: "mst", error: { code: "UVM_ENDORSEMENT_INVALID", message: "No roots" } } as const;
 * equal(uvmEndorsementCheck(failed).code, "UVM_ENDORSEMENT_INVALID");
 * ```
 */
export function uvmEndorsementCheck(uvm: UvmEndorsement): Check {
  const details: { [key: string]: Json } = {
    format: uvm.format,
    did: uvm.did ?? null,
    feed: uvm.feed ?? null,
    svn: uvm.svn ?? null,
    measurement: uvm.measurement ?? null,
    signer: uvm.signer ?? null,
    root: uvm.root ? { did: uvm.root.did, feed: uvm.root.feed, minSvn: uvm.root.minSvn } : null,
    measurementMatches: uvm.measurementMatches ?? null,
  };
  return uvm.valid
    ? check(
      "uvm-endorsement",
      "pass",
      `UVM endorsement (${uvm.format}) by ${uvm.did}, feed ${uvm.feed}, svn ${uvm.svn}, endorses the launch measurement`,
      { details },
    )
    : check("uvm-endorsement", "fail", uvm.error!.message, { code: uvm.error!.code, details });
}
