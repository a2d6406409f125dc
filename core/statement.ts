/**
 * Transparent statement verification: the pipeline that ties COSE, X.509 / did:x509, receipts, the receipt policy
 * and the signer policy together. Decode → statement signature → issuer identity → receipts → receipt policy →
 * signer policy → decision. Besides its typed facts the report says what it decided as {@linkcode Check}s, the
 * one vocabulary reports are built from, and {@linkcode statementReportJson} is its one JSON form.
 *
 * @module
 */

import { type CborValue, decodeCbor } from "./cbor.ts";
import { equalBytes, toHex } from "./bytes.ts";
import { digest, type HashName, sha256 } from "./crypto/digest.ts";
import { publicKeyToJwk } from "./crypto/public_key.ts";
import { AuditError, type ErrorCode, type Problem, problemOf } from "./errors.ts";
import { coseHash } from "./cose/algorithms.ts";
import { epochSeconds, readClaims, type StatementClaims } from "./cose/claims.ts";
import { kidText } from "./cose/key.ts";
import { HEADER } from "./cose/labels.ts";
import { type CoseSign1, decodeCoseSign1, strippedStatement, verifyCoseSign1 } from "./cose/sign1.ts";
import { type Certificate, parseCertificate } from "./x509/certificate.ts";
import { resolveDidX509 } from "./x509/did_x509.ts";
import { formatName } from "./x509/name.ts";
import { DEFAULT_RFC9162_LEAF_RULE, type Rfc9162LeafRule } from "./receipts/rfc9162/mod.ts";
import { receiptVerifier, supportedReceiptFormats } from "./receipts/verifiers.ts";
import {
  DEFAULT_RECEIPT_POLICY,
  evaluateReceiptPolicy,
  type ReceiptPolicy,
  type ReceiptTreatment,
  UNKNOWN_ISSUER_PREFIX,
} from "./receipts/policy.ts";
import type { TrustStore } from "./receipts/trust_store.ts";
import type { VerificationCache } from "./verification_cache.ts";
import { formatEpochSeconds } from "./time.ts";
import { type Check, check } from "./check.ts";
import type { Json } from "./report/canonical_json.ts";
import { certificateChecks, type IdentityOutcome, issuerCheck, type SignerPolicy } from "./signer_policy.ts";

/** Limits on a transparent statement (spec: ccf-receipts §9). */
export const STATEMENT_LIMITS = { maxReceipts: 32, maxReceiptBytes: 64 * 1024 } as const;

/** What was found about one receipt. */
export interface ReceiptReport {
  /** Position in header 394. */
  readonly index: number;
  /** The receipt issuer (CWT iss), or `__unknown-issuer::<i>`. */
  readonly issuer: string;
  /** The kid (UTF-8), when present. */
  readonly kid?: string;
  /** The verifiable data structure (395). */
  readonly vds?: number;
  /** The algorithm name. */
  readonly alg?: string;
  /** Whether the receipt verified against this statement. */
  readonly valid: boolean;
  /** How the receipt policy treated it. */
  readonly treatment: ReceiptTreatment;
  /** The recomputed Merkle root (hex). */
  readonly root?: string;
  /** The txid that signed the root (`ccf.v1`.txid). */
  readonly signedTxid?: string;
  /** The registration txid (from the leaf evidence). */
  readonly registeredTxid?: string;
  /** `https://<issuer>/entries/<registration txid>`. */
  readonly entryUrl?: string;
  /** CWT iat of the receipt, ISO-8601 UTC. */
  readonly signedAt?: string;
  /** Why it failed. */
  readonly error?: Problem;
  /** What was decided about it (also in the statement's {@linkcode StatementReport.checks}). */
  readonly check: Check;
}

/** The result of verifying one transparent statement. */
export interface StatementReport {
  /** Whether the statement is valid: signature, issuer identity and receipt policy. */
  readonly valid: boolean;
  /** The first reason it is not. */
  readonly error?: Problem;
  /** Hex SHA-256 of the statement with its unprotected header emptied (always tag 18). */
  readonly digest: string;
  /** Normalised claims. */
  readonly statement: StatementClaims & { readonly iatIso?: string };
  /** The statement signature check. */
  readonly signature: { readonly valid: boolean; readonly signer?: string; readonly error?: Problem };
  /** The issuer identity check (did:x509 against x5chain). */
  readonly identity: IdentityOutcome;
  /** Per receipt, in 394 order. */
  readonly receipts: readonly ReceiptReport[];
  /** The receipt policy decision. */
  readonly policy: { readonly ok: boolean; readonly failures: readonly string[]; readonly message?: string };
  /** Things worth knowing that do not decide validity. */
  readonly warnings: readonly string[];
  /**
   * What was decided, in pipeline order: `signature`, `issuer`, then the signer policy's `x509-root`,
   * `certificate-identity`, `certificate-time` and `payload` when asked for, `receipt.<i>` per receipt and
   * `receipt-policy`. The statement is valid exactly when none of them failed.
   */
  readonly checks: readonly Check[];
}

/** Options for {@linkcode verifyTransparentStatement}. */
export interface VerifyStatementOptions {
  /** The offline service keys. */
  readonly trustStore: TrustStore;
  /** The receipt policy; the SDK defaults when omitted. */
  readonly policy?: ReceiptPolicy;
  /** The payload of a statement with a detached payload. */
  readonly detachedPayload?: Uint8Array;
  /** Outcomes shared by the statements of one run (receipt signatures, issuer chains), e.g. `new VerificationCache()`. */
  readonly cache?: VerificationCache;
  /** How RFC 9162 (vds 1) services put a statement in their tree. @default {"stripped-statement"} */
  readonly rfc9162LeafRule?: Rfc9162LeafRule;
  /** The statement already decoded from these bytes by the caller, so it is decoded once. */
  readonly decoded?: CoseSign1;
  /** Who may have signed the statement (issuers, X.509 roots, certificate identities, time). @default {{}} */
  readonly signers?: SignerPolicy;
  /**
   * The artifact the statement is about: for a hash envelope (labels 258/259/260) its digest must equal the
   * registered payload; otherwise it must equal the attached payload byte for byte. (A detached payload is given
   * as `detachedPayload`: the signature is verified over it.)
   */
  readonly artifact?: Uint8Array;
}

/** What every receipt of one statement is verified against. */
interface ReceiptContext {
  readonly statement: Uint8Array;
  readonly digest: Uint8Array;
  readonly trustStore: TrustStore;
  readonly cache: VerificationCache | undefined;
  readonly leafRule: Rfc9162LeafRule;
}

/**
 * The claims digest the service records: SHA-256 of `tag18([protected, {}, payload, signature])`, spliced from
 * the raw items (spec: ccf-receipts §3).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { claimsDigest } from "./statement.ts";
 * import { decodeCoseSign1 } from "./cose/sign1.ts";
 * const msg = decodeCoseSign1(new Uint8Array([0x84, 0x40, 0xa1, 0x01, 0x02, 0x40, 0x40]));
 * assert((await claimsDigest(msg)).length === 32);
 * ```
 */
export function claimsDigest(message: CoseSign1): Promise<Uint8Array> {
  return sha256(strippedStatement(message));
}

function iso(seconds: number | undefined): string | undefined {
  return seconds === undefined ? undefined : formatEpochSeconds(seconds);
}

function readChain(message: CoseSign1, warnings: string[], cache: VerificationCache | undefined): Certificate[] {
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

async function checkX5t(message: CoseSign1, leaf: Certificate): Promise<void> {
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

async function checkSignature(
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

async function checkIdentity(
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

/** Reads header 394 into receipt byte strings, or the problem with it (Python SDK messages). */
function receiptItems(message: CoseSign1): readonly Uint8Array[] | Problem {
  const value = message.unprotectedHeader.get(HEADER.RECEIPTS);
  if (value === undefined) {
    return { code: "RECEIPTS_MISSING", message: "Embedded receipts not found in transparent statement." };
  }
  if (!Array.isArray(value)) return { code: "RECEIPT_MALFORMED", message: "Embedded receipts must be a CBOR array." };
  if (value.length > STATEMENT_LIMITS.maxReceipts) {
    return {
      code: "RECEIPT_MALFORMED",
      message: `The statement has ${value.length} receipts, more than ${STATEMENT_LIMITS.maxReceipts}`,
    };
  }
  const index = value.findIndex((item) => !(item instanceof Uint8Array));
  if (index >= 0) return { code: "RECEIPT_MALFORMED", message: `Receipt at index ${index} must be a byte string.` };
  return value as Uint8Array[];
}

function isProblem(value: readonly Uint8Array[] | Problem): value is Problem {
  return !Array.isArray(value);
}

function isLegacyReceipt(bytes: Uint8Array): boolean {
  try {
    const value = decodeCbor(bytes);
    return Array.isArray(value) && value.length === 2 && value[0] instanceof Uint8Array && Array.isArray(value[1]);
  } catch {
    return false;
  }
}

interface ReceiptOutcome {
  readonly report: Omit<ReceiptReport, "treatment" | "check">;
  /** Set when the receipt did not decode: malformed input rather than a failed check. */
  readonly malformed?: Problem;
}

function decodeReceipt(bytes: Uint8Array, index: number): CoseSign1 | Problem {
  if (bytes.length > STATEMENT_LIMITS.maxReceiptBytes) {
    return {
      code: "RECEIPT_MALFORMED",
      message: `Cannot decode receipt ${index}: ${bytes.length} bytes, more than ${STATEMENT_LIMITS.maxReceiptBytes}`,
    };
  }
  try {
    return decodeCoseSign1(bytes, { what: `receipt ${index}`, requireTag: true });
  } catch (error) {
    if (isLegacyReceipt(bytes)) {
      return {
        code: "RECEIPT_LEGACY_FORMAT",
        message:
          `Cannot verify receipt ${index}: legacy CCF receipt format (pre-2025, not a COSE_Sign1) is not supported`,
      };
    }
    const { code, message } = problemOf(error);
    return { code, message: message.replace(/^Cannot decode CBOR: /, `Cannot decode receipt ${index}: `) };
  }
}

async function verifyReceipt(bytes: Uint8Array, index: number, context: ReceiptContext): Promise<ReceiptOutcome> {
  const { trustStore, cache } = context;
  const unknown = `${UNKNOWN_ISSUER_PREFIX}${index}`;
  const receipt = decodeReceipt(bytes, index);
  if (!("protectedHeader" in receipt)) {
    return { report: { index, issuer: unknown, valid: false, error: receipt }, malformed: receipt };
  }

  const header = receipt.protectedHeader;
  const cwt = header.get(HEADER.CWT_CLAIMS);
  const iss = cwt instanceof Map ? cwt.get(1) : undefined;
  const issuer = typeof iss === "string" && iss.length > 0 ? iss : unknown;
  const rawKid = header.get(HEADER.KID);
  const kid = rawKid instanceof Uint8Array ? kidText(rawKid) : typeof rawKid === "string" ? rawKid : undefined;
  const vds = header.get(HEADER.VDS);
  const ccf = header.get("ccf.v1");
  const signedTxid = ccf instanceof Map && typeof ccf.get("txid") === "string" ? ccf.get("txid") as string : undefined;
  const signedAt = iso(cwt instanceof Map ? epochSeconds(cwt.get(6)) : undefined);
  const claims = readClaims(header);
  let report: Omit<ReceiptReport, "treatment" | "check"> = {
    index,
    issuer,
    valid: false,
    alg: claims.alg,
    ...(kid !== undefined ? { kid } : {}),
    ...(typeof vds === "number" ? { vds } : {}),
    ...(signedTxid ? { signedTxid } : {}),
    ...(signedAt ? { signedAt } : {}),
  };
  const verifier = receiptVerifier(vds);
  if (verifier && vds !== undefined) report = { ...report, ...verifier.facts(receipt) };
  const failed = (code: ErrorCode, message: string): ReceiptOutcome => ({
    report: { ...report, error: { code, message } },
  });

  if (issuer === unknown) {
    return failed("RECEIPT_UNKNOWN_ISSUER", `Cannot verify receipt with unknown issuer '${issuer}'.`);
  }
  if (!verifier) {
    return failed(
      "RECEIPT_UNSUPPORTED_VDS",
      `Unsupported receipt type (vds ${String(vds)}): Verifiable Data Structure is not ${supportedReceiptFormats()}.`,
    );
  }
  if (kid === undefined) return failed("RECEIPT_MALFORMED", "KID not found in receipt protected headers.");
  if (!trustStore.hasIssuer(issuer)) {
    return failed(
      "RECEIPT_KEY_NOT_FOUND",
      `No keys available for issuer '${issuer}'. Either offline keys are not configured or network fallback is disabled.`,
    );
  }
  const key = trustStore.find(issuer, kid);
  if (!key) return failed("RECEIPT_KEY_NOT_FOUND", `Key with ID '${kid}' not found.`);
  try {
    const { root } = await verifier.verify(receipt, key, {
      statement: context.statement,
      digest: context.digest,
      leafRule: context.leafRule,
      ...(cache ? { cache } : {}),
    });
    return { report: { ...report, valid: true, ...(root ? { root } : {}) } };
  } catch (error) {
    const p = problemOf(error);
    return failed(p.code, p.message);
  }
}

function withEntryUrl(report: Omit<ReceiptReport, "treatment" | "check">): Omit<ReceiptReport, "treatment" | "check"> {
  if (report.issuer.startsWith(UNKNOWN_ISSUER_PREFIX) || !report.registeredTxid) return report;
  return { ...report, entryUrl: `https://${report.issuer}/entries/${report.registeredTxid}` };
}

/**
 * Verifies a transparent statement offline: the statement signature with the x5chain leaf, the did:x509 issuer
 * against the chain, every receipt against the statement with the issuer's own keys, and the receipt policy.
 * Throws an {@linkcode AuditError} when the statement itself cannot be decoded; every other problem is reported.
 *
 * @param bytes The transparent statement: a COSE_Sign1 with its receipts in header 394.
 * @param options The service keys, the receipt and signer policies, and what else to check.
 * @returns What was found and decided; `valid` says whether the statement holds.
 * @throws {AuditError} `COSE_MALFORMED` when the statement cannot be decoded.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { importKeySet } from "./receipts/import_keys.ts";
 * import { DEFAULT_RECEIPT_POLICY } from "./receipts/policy.ts";
 * import { TrustStore } from "./receipts/trust_store.ts";
 * import { verifyTransparentStatement } from "./statement.ts";
 *
 * const fixture = (path: string) => Deno.readFileSync(new URL(`../fixtures/mst/${path}`, import.meta.url));
 * const trustStore = new TrustStore();
 * const issuers = ["ledger.contoso.example", "ledger.fabrikam.example"];
 * for (const issuer of issuers) {
 *   await importKeySet(trustStore, fixture(`keys/${issuer}.jwks.json`), { name: `${issuer}.jwks.json`, issuer });
 * }
 * const policy = { ...DEFAULT_RECEIPT_POLICY, authorizedDomains: issuers };
 *
 * const report = await verifyTransparentStatement(fixture("statements/release-1.2.cose"), { trustStore, policy });
 * equal(report.valid, true);
 * equal(report.digest, "037d63ef5196deb411aab886a67515c13b8d085a7a67737e310bbca1a6a430e3");
 * equal(report.receipts[0]?.root, "9402ea1cbbcc1ff238de55a2bf373f15ee400ac73a518696ad1cd2ae68349f44");
 *
 * const tampered = fixture("negative/release-1.0.tampered-receipt-signature.cose");
 * const failed = await verifyTransparentStatement(tampered, { trustStore, policy });
 * equal(failed.valid, false);
 * equal(failed.receipts[0]?.error?.code, "RECEIPT_SIGNATURE_INVALID");
 * ```
 */
export async function verifyTransparentStatement(
  bytes: Uint8Array,
  options: VerifyStatementOptions,
): Promise<StatementReport> {
  const message = options.decoded ?? decodeCoseSign1(bytes, { what: "statement" });
  const warnings: string[] = [];
  if (!message.tagged) {
    warnings.push("The statement has no COSE_Sign1 tag (18); its digest is computed over the tagged form");
  }
  const claims = readClaims(message.protectedHeader);
  if (claims.layout === "cwt" && claims.subject === undefined) warnings.push("The statement has no subject (CWT sub)");
  const digestBytes = await claimsDigest(message);
  const context: ReceiptContext = {
    statement: bytes,
    digest: digestBytes,
    trustStore: options.trustStore,
    cache: options.cache,
    leafRule: options.rfc9162LeafRule ?? DEFAULT_RFC9162_LEAF_RULE,
  };
  const chain = readChain(message, warnings, options.cache);
  const noChain: Problem = { code: "X5CHAIN_MISSING", message: "The statement has no x5chain (label 33)" };
  const signature = chain.length > 0
    ? await checkSignature(message, chain, options.detachedPayload)
    : { valid: false, error: noChain };
  const identify = () => checkIdentity(claims.issuer, chain);
  const identity = chain.length > 0
    ? await (options.cache?.identity(claims.issuer, chain, identify) ?? identify())
    : { valid: false, error: noChain };

  const read = receiptItems(message);
  const items = isProblem(read) ? undefined : read;
  const itemsProblem = isProblem(read) ? read : undefined;
  const outcomes = items ? await Promise.all(items.map((item, i) => verifyReceipt(item, i, context))) : [];
  const decision = !itemsProblem
    ? evaluateReceiptPolicy(
      outcomes.map((o) => ({ issuer: o.report.issuer, failure: o.report.error?.message })),
      options.policy ?? DEFAULT_RECEIPT_POLICY,
    )
    : { ok: false, failures: [itemsProblem.message], message: itemsProblem.message, treatment: [] };
  const receipts = outcomes.map((o, i) => {
    const report = { ...withEntryUrl(o.report), treatment: decision.treatment[i]! };
    return { ...report, check: receiptCheck(report, decision.ok) };
  });
  const malformed = itemsProblem ??
    outcomes.find((o, i) => o.malformed && decision.treatment[i] !== "ignored")?.malformed;
  const receiptsError: Problem | undefined = decision.ok ? undefined : malformed ?? {
    code: outcomes.length === 0 ? "RECEIPTS_MISSING" : "RECEIPT_POLICY_FAILED",
    message: decision.message!,
  };
  const signers = options.signers ?? {};
  const policyChecks = [
    ...await certificateChecks(chain, signers),
    ...(options.artifact ? [await artifactCheck(message, options.artifact)] : []),
  ];
  const withoutPolicy = signature.error ?? identity.error;
  const issuer = issuerCheck(claims.issuer, identity, signers);
  const signerFailure = [issuer, ...policyChecks].find((c) => c.status === "fail");
  const error = withoutPolicy ?? receiptsError ?? (signerFailure && asProblem(signerFailure));
  for (const c of policyChecks) if (c.status === "warn") warnings.push(c.message);
  const iatIso = iso(claims.iat);
  const statement = { ...claims, ...(iatIso ? { iatIso } : {}) };
  const signatureReport = chain[0] ? { ...signature, signer: formatName(chain[0].subject) } : signature;
  const policy = {
    ok: decision.ok,
    failures: decision.failures,
    ...(decision.message ? { message: decision.message } : {}),
  };
  return {
    valid: error === undefined,
    ...(error ? { error } : {}),
    digest: toHex(digestBytes),
    statement,
    signature: signatureReport,
    identity,
    receipts,
    policy,
    warnings,
    checks: [
      signatureCheck(signatureReport, statement, toHex(digestBytes)),
      issuer,
      ...policyChecks.filter((c) => c.status !== "warn"),
      ...receipts.map((r) => r.check),
      receiptPolicyCheck(policy, options.policy ?? DEFAULT_RECEIPT_POLICY),
    ],
  };
}

function asProblem(c: Check): Problem {
  return { code: c.code as ErrorCode, message: c.message };
}

function signatureCheck(
  signature: StatementReport["signature"],
  s: StatementReport["statement"],
  digestHex: string,
): Check {
  return check(
    "signature",
    signature.valid ? "pass" : "fail",
    signature.valid
      ? `${s.alg} signature verifies with the x5chain leaf${signature.signer ? ` (${signature.signer})` : ""}`
      : signature.error!.message,
    {
      code: signature.error?.code,
      details: {
        digest: digestHex,
        alg: s.alg,
        subject: s.subject ?? null,
        svn: s.svn ?? null,
        issuedAt: s.iatIso ?? null,
        contentType: s.contentType ?? null,
        signer: signature.signer ?? null,
      },
    },
  );
}

/**
 * A receipt's check: skipped when the policy ignores it; failed when it did not verify (or was rejected as
 * unauthorized) and the policy fails; a warning when it did not verify but the policy is satisfied without it.
 */
function receiptCheck(r: Omit<ReceiptReport, "check">, policyOk: boolean): Check {
  const id = `receipt.${r.index}`;
  const details = receiptDetails(r);
  if (r.treatment === "ignored") {
    return check(id, "skip", `Receipt ${r.index} from ${r.issuer} is ignored by the receipt policy`, { details });
  }
  if (r.valid && r.treatment !== "rejected-unauthorized") {
    const at = r.registeredTxid ? ` (registered at ${r.registeredTxid})` : "";
    return check(id, "pass", `Receipt ${r.index} from ${r.issuer} verifies${at}`, { details });
  }
  return check(
    id,
    policyOk ? "warn" : "fail",
    r.error?.message ?? `Receipt ${r.index} from ${r.issuer} is not authorized`,
    { code: r.error?.code ?? "RECEIPT_POLICY_FAILED", details },
  );
}

function receiptPolicyCheck(policy: StatementReport["policy"], chosen: ReceiptPolicy): Check {
  return check(
    "receipt-policy",
    policy.ok ? "pass" : "fail",
    policy.ok
      ? `Receipt policy ${chosen.authorizedReceiptBehavior} / ${chosen.unauthorizedReceiptBehavior} is satisfied`
      : policy.message!,
    {
      code: policy.ok ? undefined : "RECEIPT_POLICY_FAILED",
      details: {
        authorizedDomains: [...chosen.authorizedDomains],
        authorizedReceiptBehavior: chosen.authorizedReceiptBehavior,
        unauthorizedReceiptBehavior: chosen.unauthorizedReceiptBehavior,
        failures: [...policy.failures],
      },
    },
  );
}

function receiptDetails(r: Omit<ReceiptReport, "check">): { [key: string]: Json } {
  const details: { [key: string]: Json } = { index: r.index, issuer: r.issuer, treatment: r.treatment };
  const optional = {
    kid: r.kid,
    vds: r.vds,
    alg: r.alg,
    root: r.root,
    signedTxid: r.signedTxid,
    registeredTxid: r.registeredTxid,
    entryUrl: r.entryUrl,
    signedAt: r.signedAt,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined) details[key] = value;
  return details;
}

const COSE_HASHES: ReadonlyMap<number, HashName> = new Map([[-16, "SHA-256"], [-43, "SHA-384"], [-44, "SHA-512"]]);

/**
 * The `payload` check: for a hash envelope the artifact's digest must equal the registered payload; otherwise an
 * attached payload must equal the artifact byte for byte. A detached payload is what the signature was verified
 * over (`detachedPayload`), so there is nothing more to compare.
 */
async function artifactCheck(message: CoseSign1, artifact: Uint8Array): Promise<Check> {
  const payload = message.payload;
  if (payload === null) return check("payload", "pass", "The statement's signature covers the given payload");
  const hashAlg = message.protectedHeader.get(HEADER.PAYLOAD_HASH_ALG);
  const hash = typeof hashAlg === "number" ? COSE_HASHES.get(hashAlg) : undefined;
  if (hash) {
    const computed = toHex(await digest(hash, artifact));
    const registered = toHex(payload);
    return computed === registered
      ? check("payload", "pass", `The ${hash} of the given payload is the registered ${registered}`)
      : check(
        "payload",
        "fail",
        `The ${hash} of the given payload is ${computed}; the statement registers ${registered}`,
        {
          code: "PAYLOAD_MISMATCH",
          details: { computed, registered },
        },
      );
  }
  return equalBytes(payload, artifact)
    ? check("payload", "pass", "The given payload is the statement's payload")
    : check(
      "payload",
      "fail",
      `The given payload (${artifact.length} bytes) differs from the statement's payload (${payload.length} bytes)`,
      { code: "PAYLOAD_MISMATCH" },
    );
}

/**
 * The one JSON form of a statement report (what `verify --json` prints per statement): claims with `null` for
 * absent ones, every receipt with all its fields, the checks.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { statementReportJson, verifyTransparentStatement } from "./statement.ts";
 * import { TrustStore } from "./receipts/trust_store.ts";
 * const bytes = await Deno.readFile(new URL("../fixtures/mst/statements/release-1.2.cose", import.meta.url));
 * const report = await verifyTransparentStatement(bytes, { trustStore: new TrustStore() });
 * const json = statementReportJson(report);
 * equal(json.valid, false);
 * equal((json.receipts as { error: { code: string } }[])[0]!.error.code, "RECEIPT_KEY_NOT_FOUND");
 * ```
 */
export function statementReportJson(r: StatementReport): { [key: string]: Json } {
  const s = r.statement;
  const problem = (p: Problem | undefined) => p ? { error: { code: p.code, message: p.message } } : {};
  return {
    valid: r.valid,
    ...problem(r.error),
    digest: r.digest,
    statement: {
      alg: s.alg,
      issuer: s.issuer ?? null,
      subject: s.subject ?? null,
      svn: s.svn ?? null,
      iat: s.iatIso ?? null,
      contentType: s.contentType ?? null,
      ...(s.payloadHashAlg ? { payloadHashAlg: s.payloadHashAlg } : {}),
      ...(s.preimageContentType ? { preimageContentType: s.preimageContentType } : {}),
      ...(s.payloadLocation ? { payloadLocation: s.payloadLocation } : {}),
    },
    signature: {
      valid: r.signature.valid,
      ...(r.signature.signer !== undefined ? { signer: r.signature.signer } : {}),
      ...problem(r.signature.error),
    },
    identity: {
      valid: r.identity.valid,
      ...(r.identity.did !== undefined ? { did: r.identity.did } : {}),
      ...problem(r.identity.error),
    },
    receipts: r.receipts.map((rc) => ({
      index: rc.index,
      issuer: rc.issuer,
      kid: rc.kid ?? null,
      vds: rc.vds ?? null,
      alg: rc.alg ?? null,
      valid: rc.valid,
      treatment: rc.treatment,
      root: rc.root ?? null,
      signedTxid: rc.signedTxid ?? null,
      registeredTxid: rc.registeredTxid ?? null,
      entryUrl: rc.entryUrl ?? null,
      signedAt: rc.signedAt ?? null,
      ...problem(rc.error),
    })),
    policy: {
      ok: r.policy.ok,
      failures: [...r.policy.failures],
      ...(r.policy.message ? { message: r.policy.message } : {}),
    },
    warnings: [...r.warnings],
    checks: r.checks.map((c) => ({ ...c })),
  };
}
