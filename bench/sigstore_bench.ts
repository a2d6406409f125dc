/**
 * The `sigstore` benchmark: Sigstore bundles verified per second by our verifier and by `@sigstore/verify` on the
 * same bundles in the same run (the 21 passing conformance cases and the 9 sigstore-js bundles from
 * ../shared/vectors). Also the corpus and the reference adapter the Sigstore tests share.
 *
 * `@sigstore/verify` runs under Deno's Node compatibility with one adjustment: `node:crypto.verify(undefined, ...)`
 * with an EC or RSA key throws "no default digest" under Deno, where Node picks SHA-256; sigstore-js relies on
 * that default for SETs, checkpoints and signatures, so {@linkcode installNodeDigestDefault} gives Deno Node's
 * default (SHA-256 for non-EdDSA keys) before the reference runs.
 *
 * @module
 */

import nodeCrypto from "node:crypto";
import { Buffer } from "node:buffer";
import { bundleFromJSON } from "npm:@sigstore/bundle@5.0.1";
import { TrustedRoot as ProtoTrustedRoot } from "npm:@sigstore/protobuf-specs@0.5.2";
import { toSignedEntity, toTrustMaterial, Verifier } from "npm:@sigstore/verify@4.1.3";
import { fromHex, fromUtf8 } from "../core/bytes.ts";
import type { PublicKey } from "../core/crypto/public_key.ts";
import { publicKeyFromSpki } from "../core/crypto/public_key.ts";
import { pemBlocks } from "../core/pem.ts";
import { parseTrustedRoot, type TrustedRoot, verifySigstoreBundle } from "../core/sigstore/mod.ts";
import { VECTORS } from "../tests/_vectors.ts";

/** One bundle to verify, with everything its verification needs, in memory. */
export interface SigstoreCase {
  /** The case name (conformance folder or sigstore-js file name). */
  readonly name: string;
  /** Whether it must verify. */
  readonly expectPass: boolean;
  /** The bundle JSON. */
  readonly bundle: Uint8Array;
  /** The artifact bytes (conformance), or `undefined` when only its digest is known (sigstore-js). */
  readonly artifact?: Uint8Array;
  /** The artifact digest as `sha256:` / `sha512:` text, when no bytes are given. */
  readonly artifactDigest?: string;
  /** The trusted root JSON. */
  readonly root: Uint8Array;
  /** The managed key (PEM), in key mode. */
  readonly keyPem?: string;
  /** The expected identity and issuer, in keyless mode. */
  readonly identity?: string;
  readonly issuer?: string;
}

const SUITE = "sigstore-conformance/test/assets/bundle-verify";
const PUBLIC_GOOD = "sigstore-trusted-root/public-good-trusted_root.json";
const DEFAULT_IDENTITY =
  "https://github.com/sigstore-conformance/extremely-dangerous-public-oidc-beacon/.github/workflows/extremely-dangerous-oidc-beacon.yml@refs/heads/main";
const DEFAULT_ISSUER = "https://token.actions.githubusercontent.com";

/** The in-toto subject of the sigstore-js bundles (the npm package sigstore@1.0.0, from their statement.json). */
export const SIGSTORE_JS_SUBJECT =
  "sha512:7bea9f6e7ff37f5fab0b36bf061200fff03099fd2fd696b91d04bc5e4f225eb9fd6e0cadcad54ba980f43fb352a99e8810b4e0abeb5c0ef2cf9108cd1f258b36";
/** Who signed the sigstore-js bundles. */
export const SIGSTORE_JS_SIGNER = { identity: "brian@dehamer.com", issuer: "https://github.com/login/oauth" } as const;

function readOptional(path: string): Uint8Array | undefined {
  try {
    return Deno.readFileSync(path);
  } catch {
    return undefined;
  }
}

/** The 70 conformance cases, sorted by name. */
export function conformanceCorpus(vectors: string): SigstoreCase[] {
  const suite = `${vectors}/${SUITE}`;
  const names = [...Deno.readDirSync(suite)].filter((e) => e.isDirectory).map((e) => e.name).sort();
  const defaultArtifact = Deno.readFileSync(`${suite}/a.txt`);
  const publicGood = Deno.readFileSync(`${vectors}/${PUBLIC_GOOD}`);
  return names.map((name) => {
    const dir = `${suite}/${name}`;
    const key = readOptional(`${dir}/key.pub`);
    const identity = readOptional(`${dir}/identity`);
    const issuer = readOptional(`${dir}/issuer`);
    return {
      name,
      expectPass: !name.endsWith("_fail"),
      bundle: Deno.readFileSync(`${dir}/bundle.sigstore.json`),
      artifact: readOptional(`${dir}/artifact`) ?? defaultArtifact,
      root: readOptional(`${dir}/trusted_root.json`) ?? publicGood,
      ...(key ? { keyPem: fromUtf8(key) } : {
        identity: identity ? fromUtf8(identity).trim() : DEFAULT_IDENTITY,
        issuer: issuer ? fromUtf8(issuer).trim() : DEFAULT_ISSUER,
      }),
    };
  });
}

/** The nine sigstore-js bundles, sorted by name. */
export function sigstoreJsCorpus(vectors: string): SigstoreCase[] {
  const dir = `${vectors}/sigstore-js-bundles`;
  const root = Deno.readFileSync(`${vectors}/${PUBLIC_GOOD}`);
  return [...Deno.readDirSync(dir)].map((e) => e.name).filter((n) => n.endsWith(".sigstore")).sort().map((name) => ({
    name,
    expectPass: true,
    bundle: Deno.readFileSync(`${dir}/${name}`),
    artifactDigest: SIGSTORE_JS_SUBJECT,
    root,
    identity: SIGSTORE_JS_SIGNER.identity,
    issuer: SIGSTORE_JS_SIGNER.issuer,
  }));
}

let digestDefaultInstalled = false;

/** Gives Deno's `node:crypto.verify` Node's default digest (SHA-256) for EC and RSA keys; see the module doc. */
export function installNodeDigestDefault(): void {
  if (digestDefaultInstalled) return;
  digestDefaultInstalled = true;
  const original = nodeCrypto.verify;
  const patched = (algorithm: string | null | undefined, data: unknown, key: unknown, signature: unknown) => {
    const type = (key as { asymmetricKeyType?: string } | null)?.asymmetricKeyType;
    const digest = algorithm ?? (type === "ed25519" || type === "ed448" ? algorithm : "sha256");
    return (original as (...args: unknown[]) => boolean)(digest, data, key, signature);
  };
  (nodeCrypto as unknown as { verify: typeof patched }).verify = patched;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/** Trust material parsed once per distinct root, as a long-running verifier would. */
const referenceRoots = new Map<Uint8Array, ReturnType<typeof ProtoTrustedRoot.fromJSON>>();

/** Verifies a case with `@sigstore/verify`; returns whether it verified (any thrown error is "not verified"). */
export function referenceVerify(item: SigstoreCase): boolean {
  installNodeDigestDefault();
  try {
    let root = referenceRoots.get(item.root);
    if (!root) {
      root = ProtoTrustedRoot.fromJSON(JSON.parse(fromUtf8(item.root)));
      referenceRoots.set(item.root, root);
    }
    const keyPem = item.keyPem;
    const material = toTrustMaterial(
      root,
      keyPem ? () => ({ publicKey: nodeCrypto.createPublicKey(keyPem), validFor: () => true }) : undefined,
    );
    const bundle = bundleFromJSON(JSON.parse(fromUtf8(item.bundle)));
    const entity = toSignedEntity(bundle, Buffer.from(item.artifact ?? new Uint8Array()));
    new Verifier(material).verify(
      entity,
      keyPem ? undefined : {
        subjectAlternativeName: new RegExp(`^${escapeRegExp(item.identity!)}$`) as unknown as string,
        extensions: { issuer: item.issuer! },
      },
    );
    return true;
  } catch {
    return false;
  }
}

const ourRoots = new Map<Uint8Array, TrustedRoot | Error>();
const ourKeys = new Map<string, PublicKey>();

/** Verifies a case with our verifier; returns whether it verified (any `AuditError` is "not verified"). */
export async function ourVerify(item: SigstoreCase): Promise<boolean> {
  try {
    let root = ourRoots.get(item.root);
    if (!root) {
      try {
        root = parseTrustedRoot(item.root);
      } catch (error) {
        root = error as Error;
      }
      ourRoots.set(item.root, root);
    }
    if (root instanceof Error) return false;
    let key: PublicKey | undefined;
    if (item.keyPem) {
      key = ourKeys.get(item.keyPem) ?? publicKeyFromSpki(pemBlocks(item.keyPem, "PUBLIC KEY")[0]!);
      ourKeys.set(item.keyPem, key);
    }
    const [prefix, hex] = (item.artifactDigest ?? ":").split(":") as [string, string];
    await verifySigstoreBundle(item.bundle, {
      artifact: item.artifact
        ? { bytes: item.artifact }
        : { digest: { hash: prefix === "sha512" ? "SHA-512" : "SHA-256", value: fromHex(hex) } },
      trustedRoot: root,
      ...(key ? { key } : { policy: { identity: { exact: item.identity! }, issuer: { exact: item.issuer! } } }),
    });
    return true;
  } catch (error) {
    if (
      error instanceof Error && error.name !== "AuditError" && error.name !== "VerificationError" &&
      error.name !== "PolicyError"
    ) {
      throw error;
    }
    return false;
  }
}

/** What the benchmark measured. */
export interface SigstoreFigures {
  /** Bundles in the corpus (all of them verify). */
  readonly bundles: number;
  /** Rounds over the corpus, per verifier. */
  readonly rounds: number;
  /** Our verifier, bundles per second. */
  readonly oursPerSecond: number;
  /** `@sigstore/verify`, bundles per second. */
  readonly referencePerSecond: number;
  /** ours ÷ reference (target at least 1). */
  readonly ratio: number;
  /** Whether the vectors were found; without them nothing was measured. */
  readonly skipped?: string;
}

const ROUNDS = 20;

/** Runs the benchmark: both verifiers over the same passing bundles, interleaved round by round. */
export async function sigstoreBench(): Promise<SigstoreFigures> {
  if (!VECTORS) {
    return {
      bundles: 0,
      rounds: 0,
      oursPerSecond: 0,
      referencePerSecond: 0,
      ratio: 0,
      skipped: "../shared/vectors not found",
    };
  }
  const corpus = [...conformanceCorpus(VECTORS), ...sigstoreJsCorpus(VECTORS)].filter((c) => c.expectPass);
  for (const item of corpus) {
    if (!await ourVerify(item) || !referenceVerify(item)) {
      throw new Error(`Benchmark bundle ${item.name} did not verify`);
    }
  }
  let ours = 0;
  let reference = 0;
  for (let round = 0; round < ROUNDS; round++) {
    let start = performance.now();
    for (const item of corpus) await ourVerify(item);
    ours += performance.now() - start;
    start = performance.now();
    for (const item of corpus) referenceVerify(item);
    reference += performance.now() - start;
  }
  const count = corpus.length * ROUNDS;
  const oursPerSecond = Math.round(count / (ours / 1000));
  const referencePerSecond = Math.round(count / (reference / 1000));
  return {
    bundles: corpus.length,
    rounds: ROUNDS,
    oursPerSecond,
    referencePerSecond,
    ratio: Math.round((oursPerSecond / referencePerSecond) * 100) / 100,
  };
}

/** Prints the figures. */
export function formatSigstore(figures: SigstoreFigures): string[] {
  if (figures.skipped) return [`sigstore: skipped (${figures.skipped})`];
  return [
    `sigstore: ${figures.bundles} bundles x ${figures.rounds} rounds`,
    `  ours              ${figures.oursPerSecond} bundles/s`,
    `  @sigstore/verify  ${figures.referencePerSecond} bundles/s`,
    `  ratio             ${figures.ratio}x (target at least 1x)`,
  ];
}

if (import.meta.main) console.log(formatSigstore(await sigstoreBench()).join("\n"));
