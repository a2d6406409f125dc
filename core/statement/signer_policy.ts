/**
 * Signer policy: who may have signed a transparent statement and with what certificate. It is one step of the
 * statement pipeline ({@linkcode verifyTransparentStatement} in `statement.ts`), so `verify` (its `--signer`,
 * `--certificate-identity[-regexp]`, `--x509-roots`, `--at` options) and a playbook run (`trust.signers`,
 * `trust.x509-roots`, the evaluation time) decide the same way on the same evidence. Each rule gives one
 * {@linkcode Check}: the issuer (a did:x509 DID, exactly or by a `*` pattern, after the DID resolved against the
 * x5chain), the chain to given X.509 roots, the leaf certificate's identity (subject, SAN, EKU; exact or a regular
 * expression) and the leaf's validity at the evaluation time.
 *
 * @module
 */

import { equalBytes } from "../bytes.ts";
import { type Check, check } from "../check.ts";
import { AuditError, type ErrorCode } from "../errors.ts";
import { formatUtcTime } from "../time.ts";
import type { Certificate } from "../x509/certificate.ts";
import { verifyChain } from "../x509/chain.ts";
import { formatName } from "../x509/name.ts";

/** Who may have signed a statement. Every member is optional: a rule that is absent is not checked. */
export interface SignerPolicy {
  /**
   * The accepted issuers: did:x509 DIDs, or patterns where `*` stands for any run of characters (a DID never
   * contains `*`); any may match. Absent: any issuer whose DID resolves. Empty: no issuer is accepted.
   */
  readonly issuers?: readonly string[];
  /** The leaf certificate must have one of these identities (see {@linkcode leafIdentities}), typed or not. */
  readonly identities?: readonly string[];
  /** The leaf certificate must have an identity matching one of these (anchor them with ^…$ to match whole). */
  readonly identityPatterns?: readonly RegExp[];
  /** The x5chain must end in one of these certificates and be a valid chain to it (at {@linkcode at} when given). */
  readonly x509Roots?: readonly Certificate[];
  /** The evaluation time certificates are judged at. */
  readonly at?: Date;
  /** What a leaf certificate not valid at {@linkcode at} is: a warning or a failure. Absent: not checked. */
  readonly leafValidity?: "warn" | "fail";
}

/**
 * The identities a certificate can be pinned by: `subject:<DN>`, each SAN as `email:`, `dns:`, `uri:` or
 * `dn:<DN>`, and each EKU as `eku:<OID>`.
 */
export function leafIdentities(leaf: Certificate): string[] {
  const out = [`subject:${formatName(leaf.subject)}`];
  for (const san of leaf.extensions.subjectAltNames ?? []) {
    if (san.type === "email" || san.type === "dns" || san.type === "uri") out.push(`${san.type}:${san.value}`);
    else if (san.type === "dn") out.push(`dn:${formatName(san.value)}`);
  }
  for (const eku of leaf.extensions.extKeyUsage ?? []) out.push(`eku:${eku}`);
  return out;
}

/** An accepted identity matches an identity whole, with or without its `type:` prefix. */
export function identityMatches(identities: readonly string[], wanted: string): boolean {
  return identities.some((id) => id === wanted || id.slice(id.indexOf(":") + 1) === wanted);
}

/** A pattern matches when it matches an identity, with or without its `type:` prefix. */
export function identityMatchesPattern(identities: readonly string[], pattern: RegExp): boolean {
  return identities.some((id) => pattern.test(id) || pattern.test(id.slice(id.indexOf(":") + 1)));
}

/**
 * An accepted issuer: a DID, or a pattern where `*` stands for any run of characters, matched against the whole
 * issuer.
 *
 * @example Usage
 * ```ts
 * import { ok } from "node:assert/strict";
 * import { signerMatches } from "./signer_policy.ts";
 * ok(signerMatches("did:x509:0:sha256:abc::eku:1.3.6.1.5.5.7.3.36", "did:x509:0:sha256:abc::*"));
 * ok(!signerMatches("did:x509:0:sha256:abd::eku:1", "did:x509:0:sha256:abc::*"));
 * ```
 */
export function signerMatches(issuer: string | undefined, pattern: string): boolean {
  if (issuer === undefined) return false;
  if (!pattern.includes("*")) return issuer === pattern;
  const source = pattern.split("*").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*");
  return new RegExp(`^${source}$`, "s").test(issuer);
}

/** The outcome of resolving the statement's did:x509 issuer against its x5chain. */
export interface IdentityOutcome {
  /** Whether the DID resolves against the chain to the key that signed the statement. */
  readonly valid: boolean;
  /** The issuer, when there is one. */
  readonly did?: string;
  /** Why it does not. */
  readonly error?: { readonly code: ErrorCode; readonly message: string };
}

/**
 * The `issuer` check: the DID resolves against the x5chain (`identity`) and, when the policy names issuers, is
 * one of them.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { issuerCheck } from "./signer_policy.ts";
 * const did = "did:x509:0:sha256:abc::eku:1";
 * equal(issuerCheck(did, { valid: true, did }, { issuers: ["did:x509:0:sha256:other::*"] }).code, "SIGNER_NOT_ACCEPTED");
 * equal(issuerCheck(did, { valid: true, did }, {}).status, "pass");
 * ```
 */
export function issuerCheck(issuer: string | undefined, identity: IdentityOutcome, policy: SignerPolicy): Check {
  const accepted = policy.issuers;
  const details = { issuer: issuer ?? null, ...(accepted ? { acceptedSigners: [...accepted] } : {}) };
  if (!identity.valid) {
    return check("issuer", "fail", identity.error!.message, { code: identity.error!.code, details });
  }
  if (accepted && !accepted.some((pattern) => signerMatches(issuer, pattern))) {
    const list = accepted.length > 0 ? accepted.join(", ") : "none";
    return check("issuer", "fail", `Issuer '${issuer}' is not an accepted signer (accepted: ${list})`, {
      code: "SIGNER_NOT_ACCEPTED",
      details,
    });
  }
  const message = `Issuer ${issuer} resolves against the x5chain${accepted ? " and is an accepted signer" : ""}`;
  return check("issuer", "pass", message, { details });
}

/**
 * The certificate rules of the policy, in order: `x509-root`, `certificate-identity`, `certificate-time` (each
 * only when the policy has it).
 */
export async function certificateChecks(chain: readonly Certificate[], policy: SignerPolicy): Promise<Check[]> {
  const out: Check[] = [];
  if (policy.x509Roots && policy.x509Roots.length > 0) out.push(await rootCheck(chain, policy.x509Roots, policy.at));
  const leaf = chain[0];
  const wanted = policy.identities ?? [];
  const patterns = policy.identityPatterns ?? [];
  if (wanted.length + patterns.length > 0) {
    const identities = leaf ? leafIdentities(leaf) : [];
    const has = identities.join(", ") || "no certificate";
    const ok = wanted.some((id) => identityMatches(identities, id)) ||
      patterns.some((re) => identityMatchesPattern(identities, re));
    const details = {
      identities,
      accepted: [...wanted, ...patterns.map((re) => `/${re.source}/`)],
    };
    out.push(
      ok
        ? check("certificate-identity", "pass", "The signing certificate has an accepted identity", { details })
        : check(
          "certificate-identity",
          "fail",
          `The signing certificate has none of the accepted identities (it has ${has})`,
          { code: "SIGNER_NOT_ACCEPTED", details },
        ),
    );
  }
  if (policy.at && policy.leafValidity) out.push(leafTimeCheck(leaf, policy.at, policy.leafValidity));
  return out;
}

async function rootCheck(chain: readonly Certificate[], roots: readonly Certificate[], at?: Date): Promise<Check> {
  const anchor = chain[chain.length - 1];
  if (!anchor || !roots.some((r) => equalBytes(r.der, anchor.der))) {
    return check("x509-root", "fail", "The x5chain does not end in a trusted X.509 root", {
      code: "X509_CHAIN_INVALID",
    });
  }
  try {
    await verifyChain(chain, at ? { validAt: at } : {});
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    return check("x509-root", "fail", error.message, { code: error.code });
  }
  const when = at ? ` at ${formatUtcTime(at)}` : "";
  return check("x509-root", "pass", `The x5chain ends in a trusted root and is valid${when}`, {
    details: { certificates: chain.length },
  });
}

function leafTimeCheck(leaf: Certificate | undefined, at: Date, outside: "warn" | "fail"): Check {
  const when = `(evaluated at ${formatUtcTime(at)})`;
  const problem = !leaf
    ? "The statement has no signing certificate to check"
    : at < leaf.notBefore
    ? `The signing certificate is not valid until ${formatUtcTime(leaf.notBefore)} ${when}`
    : at > leaf.notAfter
    ? `The signing certificate expired at ${formatUtcTime(leaf.notAfter)} ${when}`
    : undefined;
  if (!problem) return check("certificate-time", "pass", `The signing certificate is valid ${when}`);
  return check("certificate-time", outside, problem, { code: "CERTIFICATE_NOT_VALID" });
}
