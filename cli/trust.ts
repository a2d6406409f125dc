/**
 * Builds the offline trust store from `--keys ISSUER=FILE` and `--keys FILE` arguments.
 *
 * @module
 */

import { AuditError } from "../core/errors.ts";
import { importKeySet, type KeyImport } from "../core/receipts/import_keys.ts";
import { TrustStore } from "../core/receipts/trust_store.ts";
import { CliError, EXIT, exitFor, usage } from "./exit.ts";
import { readInput } from "./io.ts";

/** One `--keys` argument. */
export interface KeySpec {
  /** The issuer host, when given as ISSUER=FILE. */
  readonly issuer?: string;
  /** The file. */
  readonly file: string;
}

/** Parses `ISSUER=FILE` or `FILE`. */
export function parseKeySpec(spec: string): KeySpec {
  const at = spec.indexOf("=");
  if (at < 0) return { file: spec };
  const issuer = spec.slice(0, at).trim();
  const file = spec.slice(at + 1);
  if (issuer.length === 0 || file.length === 0) throw usage(`--keys ${spec}: expected ISSUER=FILE or FILE`);
  if (/[\s/\\]/.test(issuer)) throw usage(`--keys ${spec}: '${issuer}' is not an issuer host name`);
  return { issuer, file };
}

/** Loads every key file in order (a signed trust list is verified with the keys loaded before it). */
export async function loadTrustStore(
  specs: readonly string[],
  acceptedSigners: readonly string[],
): Promise<{ store: TrustStore; imports: KeyImport[] }> {
  const store = new TrustStore();
  const imports: KeyImport[] = [];
  for (const raw of specs) {
    const spec = parseKeySpec(raw);
    const bytes = await readInput(spec.file);
    try {
      imports.push(
        await importKeySet(store, bytes, {
          name: spec.file,
          ...(spec.issuer !== undefined ? { issuer: spec.issuer } : {}),
          acceptedSigners,
        }),
      );
    } catch (error) {
      if (error instanceof AuditError) {
        const where = error.message.includes(spec.file) ? "" : `${spec.file}: `;
        throw new CliError(exitFor(error), `${where}${error.message}`);
      }
      throw error;
    }
  }
  const noKeys = imports.find((k) => k.format === "transparency-configuration" && !store.hasIssuer(k.issuers[0]!));
  if (noKeys) {
    throw new CliError(
      EXIT.MALFORMED,
      `${noKeys.file}: a transparency configuration names issuer '${
        noKeys.issuers[0]
      }' but holds no keys; give that service's /jwks or /.well-known/scitt-keys file with --keys`,
    );
  }
  return { store, imports };
}
