/**
 * Imports a key-set file of any supported format into a {@linkcode TrustStore}, reporting what was added,
 * deduplicated and warned about.
 *
 * @module
 */

import { AuditError } from "../errors.ts";
import { type KeyEntry, parseKeySet } from "../receipts/key_sets.ts";
import { verifyTrustList } from "./trust_list.ts";
import { normalizeIssuer, type TrustStore } from "../receipts/trust_store.ts";

/** What importing one file did. */
export interface KeyImport {
  /** The file name. */
  readonly file: string;
  /** The detected format. */
  readonly format: string;
  /** The issuers the imported keys belong to. */
  readonly issuers: readonly string[];
  /** Keys newly trusted. */
  readonly added: number;
  /** Keys that were already trusted (same issuer and key). */
  readonly duplicates: number;
  /** Kid mismatches and similar notes. */
  readonly warnings: readonly string[];
}

/** Options for {@linkcode importKeySet}. */
export interface ImportKeySetOptions {
  /** The file name, for messages and provenance. */
  readonly name: string;
  /** The issuer the keys belong to; required for formats that do not name it, a filter for those that do. */
  readonly issuer?: string;
  /** Accepted signers of signed trust lists (did:x509 strings). */
  readonly acceptedSigners?: readonly string[];
}

/**
 * Reads a key-set file and adds its keys to the store.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { importKeySet } from "./import_keys.ts";
 * import { TrustStore } from "../receipts/trust_store.ts";
 * const jwks = '{"keys":[{"kty":"EC","crv":"P-256","x":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA","y":"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}]}';
 * const store = new TrustStore();
 * const result = await importKeySet(store, new TextEncoder().encode(jwks), { name: "k.json", issuer: "ledger.example" });
 * assert(result.added === 1 && store.hasIssuer("ledger.example"));
 * ```
 */
export async function importKeySet(
  store: TrustStore,
  bytes: Uint8Array,
  options: ImportKeySetOptions,
): Promise<KeyImport> {
  const { name } = options;
  const issuer = options.issuer === undefined ? undefined : normalizeIssuer(options.issuer);
  const set = parseKeySet(bytes, name);
  let entries: readonly KeyEntry[];
  switch (set.format) {
    case "transparency-configuration":
      if (issuer !== undefined && normalizeIssuer(set.issuer) !== issuer) {
        throw new AuditError(
          "KEYSET_MALFORMED",
          `Cannot use ${name}: the transparency configuration names issuer '${set.issuer}', not '${issuer}'`,
        );
      }
      return {
        file: name,
        format: set.format,
        issuers: [normalizeIssuer(set.issuer)],
        added: 0,
        duplicates: 0,
        warnings: [],
      };
    case "signed-trust-list":
      entries = (await verifyTrustList(set.statement, {
        trustStore: store,
        acceptedSigners: options.acceptedSigners ?? [],
        name,
      })).keys;
      break;
    case "jwks":
    case "scitt-keys":
    case "pyscitt-trust-store":
      if (issuer === undefined) {
        throw new AuditError(
          "KEYSET_ISSUER_REQUIRED",
          `Key set ${name} (${set.format}) does not name its issuer: give it as ISSUER=${name}`,
        );
      }
      entries = set.keys.map((k) => ({ ...k, issuer }));
      break;
    default:
      entries = set.keys;
  }
  if (issuer !== undefined) {
    entries = entries.filter((k) => normalizeIssuer(k.issuer!) === issuer);
    if (entries.length === 0) {
      throw new AuditError("KEYSET_MALFORMED", `Key set ${name} has no keys for issuer '${issuer}'`);
    }
  }
  let added = 0;
  let duplicates = 0;
  const warnings: string[] = [];
  const issuers: string[] = [];
  for (const entry of entries) {
    const result = await store.add(entry.issuer!, entry.key, name, entry.kid);
    if (result.result === "added") added++;
    else duplicates++;
    if (result.warning) warnings.push(result.warning);
    const host = normalizeIssuer(entry.issuer!);
    if (!issuers.includes(host)) issuers.push(host);
  }
  return { file: name, format: set.format, issuers, added, duplicates, warnings };
}
