/**
 * A memo of verification outcomes shared by the statements of one run: a receipt signature over a given root
 * with a given key is verified once, then reused for every statement registered under that root; a statement
 * issuer is checked against a given x5chain (did:x509 resolution, chain signatures, key match) once, then reused
 * for every statement with the same issuer and chain; and each distinct x5chain certificate is parsed once, so
 * the thousands of statements of a few signers share their parsed certificates (and their public keys, whose
 * precomputation the signature core keeps by key).
 *
 * @module
 */

import type { PublicKey } from "./crypto/public_key.ts";
import type { Certificate } from "./x509/certificate.ts";

/** Options for {@linkcode VerificationCache}. */
export interface VerificationCacheOptions {
  /** Outcomes kept per kind before the oldest is forgotten, e.g. `4096`; memory stays bounded on any input. */
  readonly maxEntries?: number;
}

/** How often the cache answered; a hit is a verification that was not redone. */
export interface VerificationCacheStats {
  /** Signature checks answered from the cache. */
  readonly signatureHits: number;
  /** Signature checks performed. */
  readonly signatureMisses: number;
  /** Issuer identity checks answered from the cache. */
  readonly identityHits: number;
  /** Issuer identity checks performed. */
  readonly identityMisses: number;
}

/** What a signature outcome depends on. */
export interface SignatureCheck {
  /** The scheme name, e.g. `"ECDSA/SHA-384"`. */
  readonly scheme: string;
  /** The public key. */
  readonly key: PublicKey;
  /** The signed bytes, e.g. a receipt's Sig_structure over its root. */
  readonly data: Uint8Array;
  /** The signature. */
  readonly signature: Uint8Array;
}

const DEFAULT_MAX_ENTRIES = 4096;

/** A bounded map of pending or settled outcomes, oldest forgotten first. */
class Memo<T> {
  readonly #entries = new Map<string, Promise<T>>();
  hits = 0;
  misses = 0;

  constructor(readonly maxEntries: number) {}

  get(key: string, compute: () => Promise<T>): Promise<T> {
    const found = this.#entries.get(key);
    if (found) {
      this.hits++;
      return found;
    }
    this.misses++;
    if (this.#entries.size >= this.maxEntries) this.#entries.delete(this.#entries.keys().next().value!);
    const pending = compute();
    this.#entries.set(key, pending);
    return pending;
  }
}

/**
 * The WHATWG "latin1" decoder (windows-1252) maps each of the 256 byte values to a distinct code point, so the
 * decoded string is an exact map key for the bytes; it is built natively, 15x faster than hex here.
 */
const LATIN1 = new TextDecoder("latin1");

function binary(bytes: Uint8Array): string {
  return LATIN1.decode(bytes);
}

/** Joins parts unambiguously: each is prefixed with its length. */
function mapKey(parts: readonly string[]): string {
  return parts.map((part) => `${part.length}:${part}`).join("");
}

/**
 * Remembers signature checks by (scheme, public key, signed bytes, signature) and issuer identity checks by
 * (issuer, chain bytes). Both outcomes depend on nothing else, so a remembered outcome — including a rejection —
 * is exactly what a fresh check would produce. Pass one instance to every statement of a run.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { VerificationCache } from "./verification_cache.ts";
 * import { publicKeyFromSpki } from "./crypto/public_key.ts";
 * const pair = await crypto.subtle.generateKey({ name: "Ed25519" }, true, ["sign", "verify"]) as CryptoKeyPair;
 * const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
 * const cache = new VerificationCache();
 * let checks = 0;
 * const check = () => Promise.resolve(++checks > 0);
 * const signed = { scheme: "Ed25519", key, data: new Uint8Array([1]), signature: new Uint8Array(64) };
 * await cache.signature(signed, check);
 * await cache.signature(signed, check);
 * assert(checks === 1 && cache.stats().signatureHits === 1);
 * ```
 */
export class VerificationCache {
  readonly #signatures: Memo<boolean>;
  // Holds whatever the caller's identity check returns (the statement pipeline's identity outcome); the cache only
  // keys and remembers it, so it does not depend on the pipeline's types.
  readonly #identities: Memo<unknown>;
  readonly #certificates = new Map<string, Certificate>();
  /** A short name for each certificate this cache parsed ("#1", …: no DER starts with "#"), for identity keys. */
  readonly #certificateIds = new WeakMap<Certificate, string>();
  readonly #maxCertificates: number;
  #certificateHits = 0;
  #certificateMisses = 0;

  /** Creates an empty cache. */
  constructor(options: VerificationCacheOptions = {}) {
    const max = options.maxEntries ?? DEFAULT_MAX_ENTRIES;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxEntries must be a positive integer: ${max}`);
    this.#signatures = new Memo(max);
    this.#identities = new Memo(max);
    this.#maxCertificates = max;
  }

  /**
   * The parsed certificate for these DER bytes: `parse(der)` the first time, the same object after. A parse that
   * throws is not remembered (the next call throws the same way).
   */
  certificate(der: Uint8Array, parse: (der: Uint8Array) => Certificate): Certificate {
    const id = binary(der);
    const found = this.#certificates.get(id);
    if (found) {
      this.#certificateHits++;
      return found;
    }
    this.#certificateMisses++;
    const parsed = parse(der);
    if (this.#certificates.size >= this.#maxCertificates) {
      this.#certificates.delete(this.#certificates.keys().next().value!);
    }
    this.#certificates.set(id, parsed);
    this.#certificateIds.set(parsed, `#${this.#certificateMisses}`);
    return parsed;
  }

  /** The outcome of `verify()` for this check, computed at most once. */
  signature(check: SignatureCheck, verify: () => Promise<boolean>): Promise<boolean> {
    const { scheme, key, data, signature } = check;
    return this.#signatures.get(mapKey([scheme, binary(key.spki), binary(data), binary(signature)]), verify);
  }

  /**
   * The outcome of `check()` for this statement issuer (CWT iss) and x5chain (leaf first), computed at most once.
   * One cache serves one kind of identity check, so every call for a key returns what its first `check()` gave.
   */
  identity<Outcome>(
    issuer: string | undefined,
    chain: readonly Certificate[],
    check: () => Promise<Outcome>,
  ): Promise<Outcome> {
    // A certificate this cache parsed stands for its DER by its short name (one name per distinct DER).
    const parts = [
      issuer === undefined ? "" : `=${issuer}`,
      ...chain.map((c) => this.#certificateIds.get(c) ?? binary(c.der)),
    ];
    return this.#identities.get(mapKey(parts), check) as Promise<Outcome>;
  }

  /** The hit and miss counts so far. */
  stats(): VerificationCacheStats {
    return {
      signatureHits: this.#signatures.hits,
      signatureMisses: this.#signatures.misses,
      identityHits: this.#identities.hits,
      identityMisses: this.#identities.misses,
    };
  }

  /** How often {@linkcode VerificationCache.certificate} answered without parsing, and how often it parsed. */
  certificateStats(): { readonly hits: number; readonly misses: number } {
    return { hits: this.#certificateHits, misses: this.#certificateMisses };
  }
}
