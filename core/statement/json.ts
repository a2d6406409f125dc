/**
 * The one JSON form of a statement report, as `verify --json` prints it.
 *
 * @module
 */

import type { Problem } from "../errors.ts";
import type { Json } from "../report/canonical_json.ts";
import type { StatementReport } from "./model.ts";

/**
 * The one JSON form of a statement report (what `verify --json` prints per statement): claims with `null` for
 * absent ones, every receipt with all its fields, the checks.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { statementReportJson } from "./json.ts";
 * import { verifyTransparentStatement } from "./verify.ts";
 * import { TrustStore } from "../receipts/trust_store.ts";
 * const bytes = await Deno.readFile(new URL("../../fixtures/mst/statements/release-1.2.cose", import.meta.url));
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
