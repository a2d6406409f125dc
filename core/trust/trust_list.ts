/**
 * Signed transparency trust lists: a transparent statement whose payload lists service keys per issuer
 * (content type `application/vnd.transparency-trust-list.v1+cose`). Its keys are imported only after the
 * statement verifies, its receipts verify with keys already trusted, and its issuer is an accepted signer.
 *
 * @module
 */

import { PolicyError, VerificationError } from "../errors.ts";
import { decodeCoseSign1 } from "../cose/sign1.ts";
import { type StatementReport, verifyTransparentStatement } from "../statement/mod.ts";
import { type KeyEntry, parseTrustListPayload, TRUST_LIST_CONTENT_TYPE } from "../receipts/key_sets.ts";
import type { TrustStore } from "../receipts/trust_store.ts";

/** Options for {@linkcode verifyTrustList}. */
export interface TrustListOptions {
  /** Keys already trusted; the trust list's receipts must verify with them. */
  readonly trustStore: TrustStore;
  /** The statement issuers (did:x509 strings) accepted as signers of trust lists. */
  readonly acceptedSigners: readonly string[];
  /** The file name, for messages. */
  readonly name: string;
}

/** A verified trust list. */
export interface VerifiedTrustList {
  /** The keys it lists, each with its issuer. */
  readonly keys: readonly KeyEntry[];
  /** The verification of the trust list statement itself. */
  readonly report: StatementReport;
}

/**
 * Verifies a signed trust list and returns its keys. Every receipt on it must come from an issuer already in the
 * trust store and verify (authorized domains = the store's issuers, VerifyAllMatching, FailIfPresent).
 *
 * @param bytes The trust list: a transparent statement of content type
 * `application/vnd.transparency-trust-list.v1+cose`.
 * @param options The keys already trusted, the accepted signers and the file name.
 * @returns The keys it lists, and the verification of the statement.
 * @throws {PolicyError} `TRUST_LIST_UNTRUSTED` when its signer is not accepted or its content type is not a
 * trust list's.
 * @throws {VerificationError} `TRUST_LIST_UNTRUSTED` when the statement does not verify.
 *
 * @example Usage
 * ```ts
 * import { deepEqual, rejects } from "node:assert/strict";
 * import { publicKeyFromJwk } from "../crypto/public_key.ts";
 * import { verifyTrustList } from "./trust_list.ts";
 * import { TrustStore } from "../receipts/trust_store.ts";
 *
 * const fixture = (path: string) => Deno.readFileSync(new URL(`../../fixtures/mst/${path}`, import.meta.url));
 * const trustStore = new TrustStore();
 * const issuer = "ledger.contoso.example"; // the service that registered the trust list
 * const jwks = JSON.parse(new TextDecoder().decode(fixture(`keys/${issuer}.jwks.json`)));
 * for (const jwk of jwks.keys) await trustStore.add(issuer, publicKeyFromJwk(jwk), `${issuer}.jwks.json`);
 * const signer = "did:x509:0:sha256:abTSBNGDIuygAa3IU27s5OY0LXo6uaTRMHRRP6QlSQU::eku:1.3.6.1.5.5.7.3.36";
 * const list = fixture("keys/trust-list.cose");
 *
 * const { keys } = await verifyTrustList(list, { trustStore, acceptedSigners: [signer], name: "trust-list.cose" });
 * deepEqual(keys.map((k) => k.issuer), [issuer, "ledger.fabrikam.example", "ledger.fabrikam.example"]);
 * await rejects(verifyTrustList(list, { trustStore, acceptedSigners: [], name: "trust-list.cose" }), {
 *   code: "TRUST_LIST_UNTRUSTED",
 * });
 * ```
 */
export async function verifyTrustList(bytes: Uint8Array, options: TrustListOptions): Promise<VerifiedTrustList> {
  const message = decodeCoseSign1(bytes, { what: "statement" });
  const report = await verifyTransparentStatement(bytes, {
    decoded: message,
    trustStore: options.trustStore,
    policy: {
      authorizedDomains: options.trustStore.issuers(),
      authorizedReceiptBehavior: "VerifyAllMatching",
      unauthorizedReceiptBehavior: "FailIfPresent",
    },
    signers: { issuers: options.acceptedSigners },
  });
  if (report.error?.code === "SIGNER_NOT_ACCEPTED") {
    throw new PolicyError(
      "TRUST_LIST_UNTRUSTED",
      `Cannot trust the keys in ${options.name}: its signer '${
        report.statement.issuer ?? ""
      }' is not an accepted trust list signer`,
    );
  }
  if (!report.valid) {
    throw new VerificationError(
      "TRUST_LIST_UNTRUSTED",
      `Cannot trust the keys in ${options.name}: the trust list does not verify: ${report.error?.message}`,
    );
  }
  if (report.statement.contentType !== TRUST_LIST_CONTENT_TYPE) {
    throw new PolicyError(
      "TRUST_LIST_UNTRUSTED",
      `Cannot trust the keys in ${options.name}: content type is '${report.statement.contentType}', expected '${TRUST_LIST_CONTENT_TYPE}'`,
    );
  }
  const payload = message.payload;
  if (payload === null) {
    throw new VerificationError(
      "TRUST_LIST_UNTRUSTED",
      `Cannot trust the keys in ${options.name}: the payload is detached`,
    );
  }
  return { keys: parseTrustListPayload(payload, options.name), report };
}
