/**
 * The trust material of `verify`, from its arguments: the offline trust store from `--keys ISSUER=FILE` and
 * `--keys FILE`, and the signer policy from `--signer`, `--certificate-identity[-regexp]`, `--x509-roots`, `--at`
 * and `--strict` (the same {@linkcode SignerPolicy} a playbook run builds from its `trust:` section).
 *
 * @module
 */

import { AuditError } from "../core/errors.ts";
import { importKeySet, type KeyImport } from "../core/trust/import_keys.ts";
import { TrustStore } from "../core/receipts/trust_store.ts";
import type { SignerPolicy } from "../core/statement/signer_policy.ts";
import { parseUtcTime } from "../core/time.ts";
import { parseCertificates } from "../core/x509/certificate.ts";
import { CliError, EXIT, exitFor, usage } from "./exit.ts";
import { withFile } from "./command.ts";
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

/** The signer options of `verify`, as given (plain data, so a worker thread can build the same policy). */
export interface SignerOptions {
  /** `--signer`: accepted issuers, DIDs or `*` patterns. */
  readonly signers: readonly string[];
  /** `--certificate-identity`. */
  readonly identities: readonly string[];
  /** `--certificate-identity-regexp`, as written. */
  readonly patterns: readonly string[];
  /** `--x509-roots` files. */
  readonly roots: readonly string[];
  /** `--at`, as written. */
  readonly at?: string;
  /** `--strict`. */
  readonly strict: boolean;
}

/**
 * Builds the signer policy the options ask for: each rule only when its option is given, the leaf's validity
 * checked when `--at` is (a warning, or a failure under `--strict`). Bad values are usage errors; a roots file
 * that does not parse is named with its problem.
 */
export async function loadSignerPolicy(options: SignerOptions): Promise<SignerPolicy> {
  const patterns = options.patterns.map((source) => {
    try {
      return new RegExp(source, "u");
    } catch {
      throw usage(`--certificate-identity-regexp: '${source}' is not a regular expression`);
    }
  });
  const at = options.at === undefined ? undefined : parseUtcTime(options.at);
  if (options.at !== undefined && !at) {
    throw usage(`verify: --at must be an ISO-8601 UTC time such as 2026-11-01T00:00:00Z; found '${options.at}'`);
  }
  if (options.strict && !at) throw usage("verify: --strict needs --at TIME");
  const roots = [];
  for (const file of options.roots) {
    const bytes = await readInput(file);
    roots.push(...await withFile(file, () => parseCertificates(bytes)));
  }
  return {
    ...(options.signers.length > 0 ? { issuers: options.signers } : {}),
    ...(options.identities.length > 0 ? { identities: options.identities } : {}),
    ...(patterns.length > 0 ? { identityPatterns: patterns } : {}),
    ...(roots.length > 0 ? { x509Roots: roots } : {}),
    ...(at ? { at, leafValidity: options.strict ? "fail" : "warn" } : {}),
  };
}
