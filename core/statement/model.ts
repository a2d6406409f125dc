/**
 * The statement pipeline's model: what verifying a transparent statement reports (per receipt and for the whole
 * statement, with its checks) and the options it takes.
 *
 * @module
 */

import type { Problem } from "../errors.ts";
import type { StatementClaims } from "../cose/claims.ts";
import type { CoseSign1 } from "../cose/sign1.ts";
import type { Rfc9162LeafRule } from "../receipts/rfc9162/mod.ts";
import type { ReceiptPolicy, ReceiptTreatment } from "../receipts/policy.ts";
import type { TrustStore } from "../receipts/trust_store.ts";
import type { VerificationCache } from "../verification_cache.ts";
import type { Check } from "../check.ts";
import type { IdentityOutcome, SignerPolicy } from "./signer_policy.ts";

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
   * The signer policy's certificate and payload checks that were asked for (`x509-root`, `certificate-identity`,
   * `certificate-time`, `payload`; one outside the leaf's validity that only warns is in `warnings`), also in
   * `checks`.
   */
  readonly signerChecks: readonly Check[];
  /**
   * What was decided, in pipeline order: `signature`, `issuer`, then the signer policy's `x509-root`,
   * `certificate-identity`, `certificate-time` and `payload` when asked for, `receipt.<i>` per receipt and
   * `receipt-policy`. The statement is valid exactly when none of them failed.
   */
  readonly checks: readonly Check[];
}

/**
 * What a statement is trusted by, as one thing: the offline service keys its receipts must verify with, the receipt
 * policy, and the signer policy. `verify` builds it from its options, a playbook run from its `trust:` section.
 */
export interface StatementTrust {
  /** The offline service keys. */
  readonly trustStore: TrustStore;
  /** The receipt policy; the SDK defaults when omitted. */
  readonly policy?: ReceiptPolicy;
  /** Who may have signed the statement (issuers, X.509 roots, certificate identities, time). @default {{}} */
  readonly signers?: SignerPolicy;
}

/** Options for {@linkcode verifyTransparentStatement}: the trust, and what else the statement is checked with. */
export interface VerifyStatementOptions extends StatementTrust {
  /** The payload of a statement with a detached payload. */
  readonly detachedPayload?: Uint8Array;
  /** Outcomes shared by the statements of one run (receipt signatures, issuer chains), e.g. `new VerificationCache()`. */
  readonly cache?: VerificationCache;
  /** How RFC 9162 (vds 1) services put a statement in their tree. @default {"stripped-statement"} */
  readonly rfc9162LeafRule?: Rfc9162LeafRule;
  /** The statement already decoded from these bytes by the caller, so it is decoded once. */
  readonly decoded?: CoseSign1;
  /**
   * The artifact the statement is about: for a hash envelope (labels 258/259/260) its digest must equal the
   * registered payload; otherwise it must equal the attached payload byte for byte. (A detached payload is given
   * as `detachedPayload`: the signature is verified over it.)
   */
  readonly artifact?: Uint8Array;
}
