/**
 * The COSE algorithm table (RFC 9053, RFC 8230, RFC 8812): alg id → signature scheme, and hash ids.
 *
 * @module
 */

import { AuditError, shownValue } from "../errors.ts";
import type { HashName } from "../crypto/digest.ts";
import type { EcCurve } from "../crypto/public_key.ts";
import type { SignatureScheme } from "../crypto/scheme.ts";

/** A COSE signature algorithm. */
export interface CoseAlgorithm {
  /** The COSE id, e.g. -35. */
  readonly id: number;
  /** The registered name, e.g. "ES384". */
  readonly name: string;
  /** How WebCrypto verifies it. */
  readonly scheme: SignatureScheme;
  /** For ECDSA, the curve the algorithm is normally paired with (strict for receipts). */
  readonly curve?: EcCurve;
}

const pss = (hash: HashName, saltLength: number): SignatureScheme => ({ name: "RSA-PSS", hash, saltLength });

const ALGORITHMS: readonly CoseAlgorithm[] = [
  { id: -7, name: "ES256", scheme: { name: "ECDSA", hash: "SHA-256" }, curve: "P-256" },
  { id: -35, name: "ES384", scheme: { name: "ECDSA", hash: "SHA-384" }, curve: "P-384" },
  { id: -36, name: "ES512", scheme: { name: "ECDSA", hash: "SHA-512" }, curve: "P-521" },
  { id: -37, name: "PS256", scheme: pss("SHA-256", 32) },
  { id: -38, name: "PS384", scheme: pss("SHA-384", 48) },
  { id: -39, name: "PS512", scheme: pss("SHA-512", 64) },
  { id: -257, name: "RS256", scheme: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" } },
  { id: -258, name: "RS384", scheme: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-384" } },
  { id: -259, name: "RS512", scheme: { name: "RSASSA-PKCS1-v1_5", hash: "SHA-512" } },
  { id: -8, name: "EdDSA", scheme: { name: "Ed25519" } },
];

/**
 * Looks up a COSE signature algorithm; an unknown id is `COSE_UNSUPPORTED_ALG`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { coseAlgorithm } from "./algorithms.ts";
 * assert(coseAlgorithm(-35).name === "ES384");
 * ```
 */
export function coseAlgorithm(id: unknown): CoseAlgorithm {
  const found = ALGORITHMS.find((a) => a.id === id);
  if (!found) throw new AuditError("COSE_UNSUPPORTED_ALG", `Unsupported algorithm ${shownValue(id)}`);
  return found;
}

/**
 * The name of a COSE algorithm id for display, or the id itself when unknown.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { algorithmName } from "./algorithms.ts";
 * assert(algorithmName(-38) === "PS384" && algorithmName(99) === "99");
 * ```
 */
export function algorithmName(id: unknown): string {
  return ALGORITHMS.find((a) => a.id === id)?.name ?? String(id);
}

const HASHES: ReadonlyMap<number, HashName> = new Map([[-16, "SHA-256"], [-43, "SHA-384"], [-44, "SHA-512"]]);

/**
 * Maps a COSE hash algorithm id (-16, -43, -44) to its hash, or `undefined` when unsupported.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { coseHash } from "./algorithms.ts";
 * assert(coseHash(-43) === "SHA-384");
 * ```
 */
export function coseHash(id: unknown): HashName | undefined {
  return typeof id === "number" ? HASHES.get(id) : undefined;
}
