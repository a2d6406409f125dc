/**
 * The offline trust store: transparency-service keys indexed per issuer host and kid
 * (kid = lowercase hex SHA-256 of the key's DER SubjectPublicKeyInfo; spec: ccf-receipts §5).
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import type { PublicKey } from "../crypto/public_key.ts";
import { AuditError } from "../errors.ts";

/** A service key the store trusts. */
export interface ServiceKey {
  /** Issuer host, lower-cased. */
  readonly issuer: string;
  /** The computed kid. */
  readonly kid: string;
  /** The public key. */
  readonly key: PublicKey;
  /** Where it was loaded from (file names). */
  readonly sources: readonly string[];
}

/** What adding one key did. */
export interface KeyAddition {
  /** "added", or "duplicate" when the same key was already trusted for the issuer. */
  readonly result: "added" | "duplicate";
  /** The computed kid. */
  readonly kid: string;
  /** Set when the declared kid differs from the computed one (the key is indexed under the computed kid). */
  readonly warning?: string;
}

/**
 * Normalises an issuer host for lookup: trimmed and lower-cased.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { normalizeIssuer } from "./trust_store.ts";
 * assert(normalizeIssuer(" Ledger.Example ") === "ledger.example");
 * ```
 */
export function normalizeIssuer(issuer: string): string {
  return issuer.trim().toLowerCase();
}

/**
 * Computes the kid of a service key: lowercase hex SHA-256 of its SPKI.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { computeKid } from "./trust_store.ts";
 * import { ecPublicKey } from "../crypto/public_key.ts";
 * const kid = await computeKid(ecPublicKey("P-256", new Uint8Array(32), new Uint8Array(32)));
 * assert(kid.length === 64);
 * ```
 */
export async function computeKid(key: PublicKey): Promise<string> {
  return toHex(await sha256(key.spki));
}

/**
 * Keys per issuer. A receipt's key is looked up only among the keys of its own issuer, never by kid alone.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { TrustStore } from "./trust_store.ts";
 * import { ecPublicKey } from "../crypto/public_key.ts";
 * const store = new TrustStore();
 * const added = await store.add("ledger.example", ecPublicKey("P-384", new Uint8Array(48), new Uint8Array(48)), "keys.json");
 * assert(store.find("LEDGER.example", added.kid) !== undefined);
 * assert(store.find("other.example", added.kid) === undefined);
 * ```
 */
export class TrustStore {
  readonly #issuers = new Map<string, Map<string, ServiceKey>>();

  /** Adds a key for an issuer; only EC keys are accepted (receipts are ECDSA). */
  async add(issuer: string, key: PublicKey, source: string, declaredKid?: string): Promise<KeyAddition> {
    if (key.kty !== "EC") {
      throw new AuditError(
        "KEY_UNSUPPORTED",
        `Cannot trust key from ${source}: service keys must be EC, found ${key.kty}`,
      );
    }
    const host = normalizeIssuer(issuer);
    if (host.length === 0) {
      throw new AuditError("KEYSET_MALFORMED", `Cannot trust key from ${source}: the issuer is empty`);
    }
    const kid = await computeKid(key);
    const warning = declaredKid !== undefined && declaredKid !== kid
      ? `Key in ${source} declares kid '${declaredKid}' but SHA-256 of its public key is '${kid}'; indexed under '${kid}'`
      : undefined;
    let keys = this.#issuers.get(host);
    if (!keys) this.#issuers.set(host, keys = new Map());
    const existing = keys.get(kid);
    const sources = existing ? [...new Set([...existing.sources, source])] : [source];
    keys.set(kid, { issuer: host, kid, key, sources });
    return { result: existing ? "duplicate" : "added", kid, ...(warning ? { warning } : {}) };
  }

  /** The key for an issuer and kid, if trusted. */
  find(issuer: string, kid: string): ServiceKey | undefined {
    return this.#issuers.get(normalizeIssuer(issuer))?.get(kid);
  }

  /** Whether any key is trusted for the issuer. */
  hasIssuer(issuer: string): boolean {
    return (this.#issuers.get(normalizeIssuer(issuer))?.size ?? 0) > 0;
  }

  /** The issuers with at least one key, in insertion order. */
  issuers(): string[] {
    return [...this.#issuers.keys()];
  }

  /** All keys of an issuer. */
  keysOf(issuer: string): ServiceKey[] {
    return [...(this.#issuers.get(normalizeIssuer(issuer))?.values() ?? [])];
  }
}
