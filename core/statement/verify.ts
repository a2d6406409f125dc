/**
 * Transparent statement verification: the pipeline that ties COSE, X.509 / did:x509, receipts, the receipt policy
 * and the signer policy together. Decode → statement signature → issuer identity → receipts → receipt policy →
 * signer policy → decision. Besides its typed facts the report says what it decided as {@linkcode Check}s, the
 * one vocabulary reports are built from.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { digest, sha256 } from "../crypto/digest.ts";
import type { ErrorCode, Problem } from "../errors.ts";
import { coseHash } from "../cose/algorithms.ts";
import { readClaims } from "../cose/claims.ts";
import { HEADER } from "../cose/labels.ts";
import { type CoseSign1, decodeCoseSign1, strippedStatement } from "../cose/sign1.ts";
import { formatName } from "../x509/name.ts";
import { DEFAULT_RFC9162_LEAF_RULE } from "../receipts/rfc9162/mod.ts";
import { DEFAULT_RECEIPT_POLICY } from "../receipts/policy.ts";
import { type Check, check } from "../check.ts";
import { certificateChecks, issuerCheck } from "./signer_policy.ts";
import type { StatementReport, VerifyStatementOptions } from "./model.ts";
import { checkIdentity, checkSignature, readChain } from "./_identity.ts";
import { iso, type ReceiptContext, receiptPolicyCheck, verifyReceipts } from "./_receipts.ts";

/**
 * The claims digest the service records: SHA-256 of `tag18([protected, {}, payload, signature])`, spliced from
 * the raw items (spec: ccf-receipts §3).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { claimsDigest } from "./verify.ts";
 * import { decodeCoseSign1 } from "../cose/sign1.ts";
 * const msg = decodeCoseSign1(new Uint8Array([0x84, 0x40, 0xa1, 0x01, 0x02, 0x40, 0x40]));
 * assert((await claimsDigest(msg)).length === 32);
 * ```
 */
export function claimsDigest(message: CoseSign1): Promise<Uint8Array> {
  return sha256(strippedStatement(message));
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
 * import { publicKeyFromJwk } from "../crypto/public_key.ts";
 * import { DEFAULT_RECEIPT_POLICY } from "../receipts/policy.ts";
 * import { TrustStore } from "../receipts/trust_store.ts";
 * import { verifyTransparentStatement } from "./verify.ts";
 *
 * const fixture = (path: string) => Deno.readFileSync(new URL(`../../fixtures/mst/${path}`, import.meta.url));
 * const trustStore = new TrustStore();
 * const issuers = ["ledger.contoso.example", "ledger.fabrikam.example"];
 * for (const issuer of issuers) {
 *   const jwks = JSON.parse(new TextDecoder().decode(fixture(`keys/${issuer}.jwks.json`)));
 *   for (const jwk of jwks.keys) await trustStore.add(issuer, publicKeyFromJwk(jwk), `${issuer}.jwks.json`);
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
  // Decode once; what the statement claims, and the digest its services registered.
  const message = options.decoded ?? decodeCoseSign1(bytes, { what: "statement" });
  const warnings: string[] = [];
  if (!message.tagged) {
    warnings.push("The statement has no COSE_Sign1 tag (18); its digest is computed over the tagged form");
  }
  const claims = readClaims(message.protectedHeader);
  if (claims.layout === "cwt" && claims.subject === undefined) warnings.push("The statement has no subject (CWT sub)");
  const stripped = strippedStatement(message);
  const digestBytes = await sha256(stripped);
  const context: ReceiptContext = {
    statement: bytes,
    stripped,
    digest: digestBytes,
    trustStore: options.trustStore,
    cache: options.cache,
    leafRule: options.rfc9162LeafRule ?? DEFAULT_RFC9162_LEAF_RULE,
  };
  // The signer: the x5chain leaf's signature, and the did:x509 issuer against the chain.
  const chain = readChain(message, warnings, options.cache);
  const noChain: Problem = { code: "X5CHAIN_MISSING", message: "The statement has no x5chain (label 33)" };
  const signature = chain.length > 0
    ? await checkSignature(message, chain, options.detachedPayload)
    : { valid: false, error: noChain };
  const identify = () => checkIdentity(claims.issuer, chain);
  const identity = chain.length > 0
    ? await (options.cache?.identity(claims.issuer, chain, identify) ?? identify())
    : { valid: false, error: noChain };

  // The receipts, each with its issuer's own key, and the receipt policy over them.
  const receiptPolicy = options.policy ?? DEFAULT_RECEIPT_POLICY;
  const { receipts, policy, error: receiptsError } = await verifyReceipts(message, context, receiptPolicy);

  // The signer policy; then the decision, the first failure in pipeline order.
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
  const signerChecks = policyChecks.filter((c) => c.status !== "warn");
  const iatIso = iso(claims.iat);
  const statement = { ...claims, ...(iatIso ? { iatIso } : {}) };
  const signatureReport = chain[0] ? { ...signature, signer: formatName(chain[0].subject) } : signature;
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
    signerChecks,
    checks: [
      signatureCheck(signatureReport, statement, toHex(digestBytes)),
      issuer,
      ...signerChecks,
      ...receipts.map((r) => r.check),
      receiptPolicyCheck(policy, receiptPolicy),
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
 * The `payload` check: for a hash envelope the artifact's digest must equal the registered payload; otherwise an
 * attached payload must equal the artifact byte for byte. A detached payload is what the signature was verified
 * over (`detachedPayload`), so there is nothing more to compare.
 */
async function artifactCheck(message: CoseSign1, artifact: Uint8Array): Promise<Check> {
  const payload = message.payload;
  if (payload === null) return check("payload", "pass", "The statement's signature covers the given payload");
  const hashAlg = message.protectedHeader.get(HEADER.PAYLOAD_HASH_ALG);
  const hash = coseHash(hashAlg);
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
