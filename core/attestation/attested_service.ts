/**
 * Attested-service statements (`did:attestedsvc`, spec `attestation.md` §9): a COSE_Sign1 whose signer is an
 * SEV-SNP workload. The protected header carries the report, its endorsements, a UVM endorsement and the
 * signing key; the report binds the key through `report_data = COSE_Key thumbprint ‖ 32 zero bytes`.
 *
 * @module
 */

import { concat, equalBytes, toHex } from "../bytes.ts";
import { bstrHeader, type CborValue } from "../cbor.ts";
import { sha256 } from "../crypto/digest.ts";
import { publicKeyFromCoseKey } from "../cose/key.ts";
import { HEADER } from "../cose/labels.ts";
import { decodeCoseSign1, verifyCoseSign1 } from "../cose/sign1.ts";
import { AuditError, type Problem, problemOf } from "../errors.ts";
import { type SnpVerification, type VerifySnpOptions, verifySnpReport } from "./sev_snp_verify.ts";
import { parseSnpEndorsements } from "./snp_endorsements.ts";
import { type UvmEndorsement, verifyUvmEndorsement } from "./uvm_endorsement.ts";

/** The header label the current scitt-ccf-ledger verifier accepts. */
export const ATTESTEDSVC_LABEL = "attestedsvc";

/** The label of statements from 2025-06 to 2025-08, which the current verifier rejects. */
export const LEGACY_ATTESTEDSVC_LABEL = "msft-css-dev";

/** The outcome of {@linkcode verifyAttestedService}. */
export interface AttestedServiceVerification {
  /** Whether the statement passes every check, including the current verifier's label rules. */
  readonly valid: boolean;
  /** Whether all the cryptography holds (key binding, signature, report, UVM endorsement), whatever the label. */
  readonly cryptoValid: boolean;
  /** The first failure. */
  readonly error?: Problem;
  /** Which label carried the attestation map. */
  readonly label: typeof ATTESTEDSVC_LABEL | typeof LEGACY_ATTESTEDSVC_LABEL;
  /** The CWT issuer, e.g. `"did:attestedsvc:css-cts-ppe::…"`. */
  readonly issuer?: string;
  /** `svc_id` (current label only), e.g. `"css-cts-ppe"`. */
  readonly svcId?: string;
  /** `attestation_type`, e.g. `"SEV-SNP:ContainerPlat-AMD-UVM"`. */
  readonly attestationType?: string;
  /** Hex SHA-256 COSE_Key thumbprint (RFC 9679) of the signing key. */
  readonly thumbprint?: string;
  /** Each check by id: `kid`, `signature`, `snp`, `uvm`, `report-data`, `issuer`, `label`. */
  readonly checks: readonly { readonly id: string; readonly ok: boolean; readonly message: string }[];
  /** The SNP verification of the embedded report. */
  readonly snp?: SnpVerification;
  /** The UVM endorsement verification (no roots-of-trust check: registration policy decides). */
  readonly uvm?: UvmEndorsement;
}

function invalid(message: string): never {
  throw new AuditError("ATTESTED_SERVICE_INVALID", message);
}

function field<T>(map: ReadonlyMap<unknown, CborValue>, name: string, guard: (v: CborValue) => v is T & CborValue): T {
  const value = map.get(name);
  if (value === undefined || !guard(value)) invalid(`The attested-service header lacks a valid "${name}"`);
  return value as T;
}

const isBytes = (v: CborValue): v is Uint8Array => v instanceof Uint8Array;
const isMap = (v: CborValue): v is Map<string | number, CborValue> => v instanceof Map;

/**
 * The RFC 9679 thumbprint input of an EC2 COSE_Key: the deterministic CBOR map {1: kty, -1: crv, -2: x, -3: y}.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { ec2ThumbprintInput } from "./attested_service.ts";
 * const bytes = ec2ThumbprintInput(1, new Uint8Array(32), new Uint8Array(32));
 * assert(bytes[0] === 0xa4 && bytes.length === 75);
 * ```
 */
export function ec2ThumbprintInput(crv: number, x: Uint8Array, y: Uint8Array): Uint8Array {
  if (!Number.isInteger(crv) || crv < 0 || crv > 23) throw new RangeError(`Cannot encode COSE_Key: curve ${crv}`);
  return concat([
    new Uint8Array([0xa4, 0x01, 0x02, 0x20, crv, 0x21]),
    bstrHeader(x.length),
    x,
    new Uint8Array([0x22]),
    bstrHeader(y.length),
    y,
  ]);
}

/**
 * Verifies an attested-service statement in the scitt-ccf-ledger order (spec §9): kid = key thumbprint, COSE
 * signature with the embedded key, SNP report and chain, UVM endorsement measurement = report measurement,
 * report_data = thumbprint ‖ zeros, and `iss` under `did:attestedsvc:<svc_id>:`. Statements with the legacy
 * label `msft-css-dev` may be cryptographically valid (`cryptoValid`) but are rejected (`ATTESTED_SERVICE_INVALID`)
 * because the current verifier only accepts `attestedsvc` with `svc_id`. Undecodable input throws its `AuditError`.
 *
 * @param bytes The statement: a COSE_Sign1 with an `attestedsvc` (or `msft-css-dev`) map in its protected header.
 * @param options The accepted AMD products and roots for its SNP report.
 * @returns Each check, and the SNP and UVM verifications.
 * @throws {AuditError} `COSE_MALFORMED` when it does not decode, `ATTESTED_SERVICE_INVALID` when it has no
 * attestation map or a malformed one.
 *
 * @example Usage
 * ```ts
 * import { rejects } from "node:assert/strict";
 * import { verifyAttestedService } from "./attested_service.ts";
 *
 * // A release statement is a COSE_Sign1 but carries no attestation map.
 * const release = Deno.readFileSync(new URL("../../fixtures/mst/statements/release-1.2.cose", import.meta.url));
 * await rejects(verifyAttestedService(release, { products: ["Milan", "Genoa"] }), {
 *   code: "ATTESTED_SERVICE_INVALID",
 *   message: 'The statement has no "attestedsvc" map in its protected header',
 * });
 * ```
 */
export async function verifyAttestedService(
  bytes: Uint8Array,
  options: VerifySnpOptions = {},
): Promise<AttestedServiceVerification> {
  const message = decodeCoseSign1(bytes, { what: "attested-service statement" });
  const header = message.protectedHeader;
  const label: AttestedServiceVerification["label"] = header.has(ATTESTEDSVC_LABEL)
    ? ATTESTEDSVC_LABEL
    : header.has(LEGACY_ATTESTEDSVC_LABEL)
    ? LEGACY_ATTESTEDSVC_LABEL
    : invalid(`The statement has no "${ATTESTEDSVC_LABEL}" map in its protected header`);
  const map = field(header, label, isMap);
  const cwt = header.get(HEADER.CWT_CLAIMS);
  const iss = cwt instanceof Map ? cwt.get(1) : undefined;
  const issuer = typeof iss === "string" ? iss : undefined;
  const svcId = map.get("svc_id");
  const attestationType = map.get("attestation_type");
  const checks: { id: string; ok: boolean; message: string }[] = [];
  const facts = {
    label,
    ...(issuer ? { issuer } : {}),
    ...(typeof svcId === "string" ? { svcId } : {}),
    ...(typeof attestationType === "string" ? { attestationType } : {}),
  };
  let thumbprint: Uint8Array | undefined;
  let snp: SnpVerification | undefined;
  let uvm: UvmEndorsement | undefined;
  let firstError: Problem | undefined;
  const step = async (id: string, run: () => Promise<string> | string) => {
    try {
      checks.push({ id, ok: true, message: await run() });
    } catch (error) {
      const problem = problemOf(error);
      checks.push({ id, ok: false, message: problem.message });
      firstError ??= problem;
    }
  };

  await step("kid", async () => {
    const key = field(map, "cose_key", isMap);
    const [kty, crv, x, y] = [key.get(1), key.get(-1), key.get(-2), key.get(-3)];
    if (kty !== 2 || typeof crv !== "number" || !(x instanceof Uint8Array) || !(y instanceof Uint8Array)) {
      invalid("cose_key must be an EC2 key {1: 2, -1: crv, -2: x, -3: y}");
    }
    thumbprint = await sha256(ec2ThumbprintInput(crv, x, y));
    const kid = header.get(HEADER.KID);
    if (!(kid instanceof Uint8Array) || !equalBytes(kid, thumbprint)) invalid("kid is not the cose_key thumbprint");
    return `kid = COSE_Key thumbprint ${toHex(thumbprint)}`;
  });
  await step("signature", async () => {
    const { key } = publicKeyFromCoseKey(field(map, "cose_key", isMap));
    if (!(await verifyCoseSign1(message, key))) {
      throw new AuditError("COSE_SIGNATURE_INVALID", "The statement signature does not verify with cose_key");
    }
    return "Signature verifies with cose_key";
  });
  await step("snp", async () => {
    const endorsements = parseSnpEndorsements(field(map, "snp_endorsements", isBytes));
    snp = await verifySnpReport(field(map, "attestation", isBytes), endorsements, options);
    if (snp.error) throw new AuditError(snp.error.code, snp.error.message);
    return `SEV-SNP report verifies to ${snp.root?.name}`;
  });
  await step("uvm", async () => {
    uvm = await verifyUvmEndorsement(field(map, "uvm_endorsements", isBytes), {
      ...(snp ? { measurement: snp.report.measurement } : {}),
      ...(options.validAt ? { validAt: options.validAt } : {}),
    });
    if (uvm.error) throw new AuditError(uvm.error.code, uvm.error.message);
    return `UVM endorsement ${uvm.feed} svn ${uvm.svn} endorses the report measurement`;
  });
  await step("report-data", () => {
    if (!snp || !thumbprint) invalid("report_data cannot be compared without the report and the key");
    const expected = concat([thumbprint, new Uint8Array(32)]);
    if (!equalBytes(snp.report.reportData, expected)) invalid("report_data is not the key thumbprint ‖ 32 zero bytes");
    return "report_data = key thumbprint ‖ zeros";
  });
  const cryptoValid = firstError === undefined;
  await step("label", () => {
    if (label === LEGACY_ATTESTEDSVC_LABEL) {
      invalid(
        `Legacy attested-service label "${LEGACY_ATTESTEDSVC_LABEL}": the current scitt-ccf-ledger verifier accepts only "${ATTESTEDSVC_LABEL}" with svc_id`,
      );
    }
    const crit = header.get(HEADER.CRIT);
    if (!Array.isArray(crit) || !crit.includes(ATTESTEDSVC_LABEL)) invalid(`crit must list "${ATTESTEDSVC_LABEL}"`);
    return `Label "${ATTESTEDSVC_LABEL}" (critical)`;
  });
  await step("issuer", () => {
    if (typeof svcId !== "string") invalid("The attested-service map has no svc_id");
    if (!issuer?.startsWith(`did:attestedsvc:${svcId}:`)) {
      invalid(`iss ${issuer ?? "(none)"} is not under did:attestedsvc:${svcId}:`);
    }
    return `iss is under did:attestedsvc:${svcId}:`;
  });
  const error = firstError as Problem | undefined;
  return {
    valid: error === undefined,
    cryptoValid,
    ...(error ? { error } : {}),
    ...facts,
    ...(thumbprint ? { thumbprint: toHex(thumbprint) } : {}),
    checks,
    ...(snp ? { snp } : {}),
    ...(uvm ? { uvm } : {}),
  };
}
