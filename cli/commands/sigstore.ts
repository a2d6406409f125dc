/**
 * `scitt-audit sigstore verify`: verifies a Sigstore bundle offline, against a trusted root file the auditor
 * brought into the machine (never fetched), with an identity policy or a public key.
 *
 * @module
 */

import { fromHex, fromUtf8 } from "../../core/bytes.ts";
import type { HashName } from "../../core/crypto/digest.ts";
import { type PublicKey, publicKeyFromSpki } from "../../core/crypto/public_key.ts";
import { AuditError } from "../../core/errors.ts";
import { pemBlocks, PemError } from "../../core/pem.ts";
import {
  type Expected,
  type IdentityPolicy,
  parseTrustedRoot,
  type SigstoreArtifact,
  type SigstoreVerification,
  stepOf,
  type TrustedRoot,
  verifySigstoreBundle,
} from "../../core/sigstore/mod.ts";
import { type Command, defineCommand, defineGroup, type Parsed, withFile } from "../command.ts";
import { CliError, EXIT, exitFor, usage } from "../exit.ts";
import { type Io, paint, readInput } from "../io.ts";

const AIR_GAP = `Bring the trusted root in yourself: on a connected machine, download the trusted_root.json target of
  Sigstore's TUF repository (https://tuf-repo-cdn.sigstore.dev for the public-good instance) with a TUF client
  that checks it against a root.json you obtained out of band, for example
    npx @tufjs/cli download --metadata-base-url https://tuf-repo-cdn.sigstore.dev --root root.json \\
      --target-name trusted_root.json -o trusted_root.json
  then record its SHA-256, carry the file across, compare the digest through a second channel and pass
  --trusted-root trusted_root.json`;

const HELP = `Usage: scitt-audit sigstore verify <artifact | sha256:HEX | sha512:HEX> --bundle FILE
         --trusted-root FILE
         (--certificate-identity SAN | --certificate-identity-regexp RE)
         (--certificate-oidc-issuer ISSUER | --certificate-oidc-issuer-regexp RE)
       scitt-audit sigstore verify <artifact | sha256:HEX> --bundle FILE --key PEM [--trusted-root FILE]

Verifies a Sigstore bundle (v0.1, v0.2, v0.3) fully offline. Nothing is fetched: there is no built-in trusted
root, no TUF client and no network code path; the trusted root comes only from --trusted-root.
${AIR_GAP}.

Checks, in order (each failure names its step):
  bundle        media type and version rules (v0.1 needs a SET, v0.2+ an inclusion proof with checkpoint,
                v0.3 a single certificate), strict base64 and integers
  timestamp     signing times: Rekor integrated time only with a verified SET; RFC 3161 timestamps over the
                signature, signed by a timestamp authority of the trusted root valid at their time
  certificate   the Fulcio certificate chains to a CA of the trusted root valid at every signing time
                (a bundle chain that carries a root certificate is refused)
  sct           every embedded SCT verifies with a CT log key of the trusted root valid at its time
  tlog-set      the SET verifies with the Rekor key named by the entry, valid at the integrated time
  tlog-checkpoint  the checkpoint's signed note verifies with the log key (witness lines are ignored)
  tlog-inclusion   the RFC 6962 inclusion proof of the entry body leads to the checkpoint's root
  tlog-body     the Rekor entry logs this bundle's signature, digest and certificate or key
  artifact      the artifact's digest is the signed message digest, or a subject of the in-toto statement
  signature     the message signature, or the DSSE signature over its PAE, verifies with the signing key
  identity      the certificate's SAN and Fulcio OIDC issuer (extension 1.3.6.1.4.1.57264.1.8, or .1.1)

Options:
  --bundle FILE                      the Sigstore bundle (JSON)
  --trusted-root FILE                trusted_root.json (required for keyless bundles)
  --certificate-identity SAN         the exact expected certificate identity
  --certificate-identity-regexp RE   a regular expression the identity must match (anywhere, as in cosign;
                                     anchor it with ^...$)
  --certificate-oidc-issuer ISSUER   the exact expected OIDC issuer
  --certificate-oidc-issuer-regexp RE
  --key PEM                          verify a managed-key bundle with this public key (PEM)
  --json                             print {"verified", "bundle", ...} as one JSON object
  -v, --verbose                      print every verified detail
  -q, --quiet                        print nothing on success
  -h, --help                         this help

An artifact given as sha256:HEX is matched without reading it; a message signature over it can then be
checked for ECDSA keys only.

Exit status: 0 verified; 1 not verified; 2 usage error; 3 malformed bundle, trusted root or key; 4 file missing.

Example:
  scitt-audit sigstore verify release.tar.gz --bundle release.tar.gz.sigstore.json \\
    --trusted-root trusted_root.json \\
    --certificate-identity https://github.com/org/repo/.github/workflows/release.yml@refs/tags/v1.0.0 \\
    --certificate-oidc-issuer https://token.actions.githubusercontent.com`;

const DIGESTS: readonly { prefix: string; hash: HashName; hexLength: number }[] = [
  { prefix: "sha256:", hash: "SHA-256", hexLength: 64 },
  { prefix: "sha512:", hash: "SHA-512", hexLength: 128 },
];

/** A `sha256:`/`sha512:` digest argument, or `undefined` for a file path. */
function artifactDigest(argument: string): SigstoreArtifact | undefined {
  for (const { prefix, hash, hexLength } of DIGESTS) {
    if (!argument.startsWith(prefix)) continue;
    const hex = argument.slice(prefix.length);
    if (hex.length !== hexLength || !/^[0-9a-fA-F]+$/.test(hex)) {
      throw usage(`sigstore verify: '${argument}' is not ${prefix}<${hexLength} hex digits>`);
    }
    return { digest: { hash, value: fromHex(hex) } };
  }
  return undefined;
}

function expected(values: Record<string, unknown>, name: string): Expected | undefined {
  const exact = values[name] as string | undefined;
  const pattern = values[`${name}-regexp`] as string | undefined;
  if (exact !== undefined && pattern !== undefined) {
    throw usage(`sigstore verify: give --${name} or --${name}-regexp, not both`);
  }
  if (exact !== undefined) return { exact };
  if (pattern === undefined) return undefined;
  try {
    return { pattern: new RegExp(pattern, "u") };
  } catch (error) {
    throw usage(
      `sigstore verify: --${name}-regexp '${pattern}' is not a regular expression: ${(error as Error).message}`,
    );
  }
}

async function readKey(file: string): Promise<PublicKey> {
  const bytes = await readInput(file);
  try {
    const [der, extra] = bytes[0] === 0x30 ? [bytes] : pemBlocks(fromUtf8(bytes), "PUBLIC KEY");
    if (!der || extra) throw new CliError(EXIT.MALFORMED, `Cannot read ${file}: expected one PUBLIC KEY PEM block`);
    return publicKeyFromSpki(der);
  } catch (error) {
    if (error instanceof PemError) throw new CliError(EXIT.MALFORMED, `Cannot read ${file}: ${error.message}`);
    if (error instanceof AuditError) throw new CliError(EXIT.MALFORMED, `Cannot read ${file}: ${error.message}`);
    if (error instanceof TypeError) throw new CliError(EXIT.MALFORMED, `Cannot read ${file}: not UTF-8 text`);
    throw error;
  }
}

function readRoot(file: string): Promise<TrustedRoot> {
  return withFile(file, async () => parseTrustedRoot(await readInput(file)));
}

function printVerified(io: Io, bundleFile: string, result: SigstoreVerification, verbose: boolean): void {
  const kind = result.content === "message" ? "message signature" : "DSSE envelope";
  io.out(
    `${paint(io, "green", "verified")}  ${bundleFile}  (bundle v${result.version}, ${kind}, ${result.signer.mode})`,
  );
  if (result.signer.mode === "keyless") {
    io.out(`  identity  ${result.signer.identity.san ?? ""}`);
    io.out(`  issuer    ${result.signer.identity.issuer ?? ""}`);
  }
  for (const t of result.times) {
    io.out(`  signed    ${t.time.toISOString()} (${t.source === "tlog" ? "Rekor SET" : "RFC 3161"})`);
  }
  for (const e of result.entries) {
    io.out(`  tlog      entry ${e.logIndex} ${e.kind}: ${e.checks.join(", ")}`);
    if (verbose) io.out(`            log id ${e.logId}`);
  }
  if (verbose) {
    io.out(`  artifact  ${result.artifactDigest}`);
    for (const sct of result.scts) io.out(`  sct       CT log ${sct}`);
  }
  for (const skipped of result.notChecked) io.out(`  ${paint(io, "yellow", "not checked")}  ${skipped}`);
}

function resultJson(bundleFile: string, result: SigstoreVerification): Record<string, unknown> {
  return {
    verified: true,
    bundle: bundleFile,
    ...result,
    times: result.times.map((t) => ({ source: t.source, time: t.time.toISOString() })),
  };
}

const OPTIONS = {
  bundle: { type: "string" },
  "trusted-root": { type: "string" },
  "certificate-identity": { type: "string" },
  "certificate-identity-regexp": { type: "string" },
  "certificate-oidc-issuer": { type: "string" },
  "certificate-oidc-issuer-regexp": { type: "string" },
  key: { type: "string" },
  json: { type: "boolean" },
} as const;

async function verify({ values, positionals }: Parsed<typeof OPTIONS, true>, io: Io): Promise<number> {
  if (values.bundle === undefined) throw usage("sigstore verify: --bundle FILE is required");
  const identity = expected(values, "certificate-identity");
  const issuer = expected(values, "certificate-oidc-issuer");
  let policy: IdentityPolicy | undefined;
  if (values.key !== undefined) {
    if (identity || issuer) {
      throw usage("sigstore verify: --key verifies a managed-key bundle; give no identity options");
    }
  } else {
    if (!identity || !issuer) {
      throw usage(
        "sigstore verify: give the expected signer: --certificate-identity[-regexp] and --certificate-oidc-issuer[-regexp], or --key PEM",
      );
    }
    if (values["trusted-root"] === undefined) {
      throw usage(
        "sigstore verify: --trusted-root FILE is required; there is no built-in root and no network fetch: bring the trusted_root.json of Sigstore's TUF repository into this machine (how: 'scitt-audit sigstore verify --help')",
      );
    }
    policy = { identity, issuer };
  }
  const digestArtifact = artifactDigest(positionals[0]!);
  const bundleFile = values.bundle;
  const bundle = await readInput(bundleFile);
  const artifact = digestArtifact ?? { bytes: await readInput(positionals[0]!) };
  const trustedRoot = values["trusted-root"] !== undefined ? await readRoot(values["trusted-root"]) : undefined;
  const key = values.key !== undefined ? await readKey(values.key) : undefined;
  try {
    const result = await verifySigstoreBundle(bundle, {
      artifact,
      ...(trustedRoot ? { trustedRoot } : {}),
      ...(policy ? { policy } : {}),
      ...(key ? { key } : {}),
    });
    if (values.json) io.out(JSON.stringify(resultJson(bundleFile, result)));
    else if (!values.quiet) printVerified(io, bundleFile, result, values.verbose === true);
    return EXIT.OK;
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    const step = stepOf(error);
    if (values.json) {
      io.out(JSON.stringify({
        verified: false,
        bundle: bundleFile,
        error: { code: error.code, ...(step ? { step } : {}), message: error.message },
      }));
    } else io.out(`${paint(io, "red", "not verified")}  ${bundleFile}  ${error.message}`);
    return exitFor(error);
  }
}

/** The `sigstore` command. */
export const sigstoreCommand: Command = defineGroup({
  name: "sigstore",
  summary: "verify a Sigstore bundle offline against a trusted root file",
  help: HELP,
  subcommands: [
    defineCommand({
      name: "sigstore verify",
      help: HELP,
      options: OPTIONS,
      positionals: { min: 1, max: 1, usage: "expected one <artifact | sha256:HEX>" },
      verbosity: true,
      run: verify,
    }),
  ],
});
