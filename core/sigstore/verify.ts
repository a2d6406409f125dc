/**
 * The Sigstore bundle verifier: one pipeline, as spec `sigstore.md` §2 orders it — bundle, signing times (SETs
 * and RFC 3161 timestamps), signing key (Fulcio chain and SCTs, or a supplied key), transparency log entries
 * (SET, checkpoint, inclusion proof, body), artifact and signature, identity policy. Every failure names its step.
 * Nothing here reads a file or the network: the trusted root, the key and the artifact are given as values.
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { digest, type HashName } from "../crypto/digest.ts";
import { CURVE_BYTES, type PublicKey } from "../crypto/public_key.ts";
import { ecdsaDerToRaw, verifyEcdsaDigest } from "../crypto/signature.ts";
import { AuditError } from "../errors.ts";
import { type Certificate, parseCertificate } from "../x509/certificate.ts";
import { failPolicy, failStep, malformedBundle } from "./_fail.ts";
import { verifySigstoreSignature } from "./_signature.ts";
import { parseBundle, type SigstoreBundle, type TlogEntry } from "./bundle.ts";
import { dssePae, IN_TOTO_PAYLOAD_TYPE, inTotoSubjects } from "./dsse.ts";
import { type SignerIdentity, signerIdentity, verifyFulcioChain } from "./fulcio.ts";
import { verifyTimestamp } from "./rfc3161.ts";
import { verifyScts } from "./sct.ts";
import { logsFor, verifyCheckpoint, verifyInclusion, verifySet } from "./tlog.ts";
import { type Signer, verifyTlogBody } from "./tlog_body.ts";
import { inRange, type TrustedRoot } from "./trusted_root.ts";

/** The artifact: its bytes, or only its digest (`sha256:<hex>`). */
export type SigstoreArtifact =
  | { readonly bytes: Uint8Array }
  | { readonly digest: { readonly hash: HashName; readonly value: Uint8Array } };

/** An expected value: exact text, or a regular expression that must match somewhere (as cosign's do). */
export type Expected = { readonly exact: string } | { readonly pattern: RegExp };

/** The keyless identity policy. */
export interface IdentityPolicy {
  /** The certificate's SAN, e.g. `{ exact: "https://github.com/org/repo/.github/workflows/release.yml@refs/heads/main" }`. */
  readonly identity: Expected;
  /** The OIDC issuer, e.g. `{ exact: "https://token.actions.githubusercontent.com" }`. */
  readonly issuer: Expected;
}

/** What to verify against. */
export interface SigstoreVerifyOptions {
  /** The artifact the bundle signs (or the subject of its in-toto statement). */
  readonly artifact: SigstoreArtifact;
  /** The trusted root; required for keyless bundles. Without it, key mode checks the signature and tlog bodies only. */
  readonly trustedRoot?: TrustedRoot;
  /** Keyless: who must have signed. */
  readonly policy?: IdentityPolicy;
  /** Key mode: the signer's public key. */
  readonly key?: PublicKey;
}

/** A verified signing time and where it came from. */
export interface SigningTime {
  /** `tlog` (integrated time with a verified SET) or `tsa` (RFC 3161). */
  readonly source: "tlog" | "tsa";
  /** The time. */
  readonly time: Date;
}

/** A verified transparency log entry. */
export interface VerifiedEntry {
  /** The global log index. */
  readonly logIndex: number;
  /** Hex log id. */
  readonly logId: string;
  /** e.g. `hashedrekord/0.0.1`. */
  readonly kind: string;
  /** What was verified for it: `set`, `checkpoint`, `inclusion`, `body`. */
  readonly checks: readonly string[];
}

/** A verified bundle. */
export interface SigstoreVerification {
  /** Bundle version. */
  readonly version: string;
  /** Media type as written. */
  readonly mediaType: string;
  /** `message` or `dsse`. */
  readonly content: "message" | "dsse";
  /** The signer: identity (keyless) or key (key mode). */
  readonly signer: { readonly mode: "keyless"; readonly identity: SignerIdentity } | { readonly mode: "key" };
  /** Verified signing times. */
  readonly times: readonly SigningTime[];
  /** Verified entries. */
  readonly entries: readonly VerifiedEntry[];
  /** Hex CT log ids of the verified SCTs. */
  readonly scts: readonly string[];
  /** Hex SHA-256 (or the given digest) of the artifact. */
  readonly artifactDigest: string;
  /** Checks that were not made, and why (key mode without a trusted root). */
  readonly notChecked: readonly string[];
}

function matches(expected: Expected, value: string | undefined): boolean {
  if (value === undefined) return false;
  return "exact" in expected ? expected.exact === value : expected.pattern.test(value);
}

function describe(expected: Expected): string {
  return "exact" in expected ? `'${expected.exact}'` : `matching /${expected.pattern.source}/`;
}

function parseLeaf(der: Uint8Array, what: string): Certificate {
  try {
    return parseCertificate(der);
  } catch (error) {
    if (error instanceof AuditError) return malformedBundle(`${what}: ${error.message}`);
    throw error;
  }
}

/** Step `timestamp`: SETs and RFC 3161 tokens, each verified; at least one, no duplicates. */
async function signingTimes(bundle: SigstoreBundle, root: TrustedRoot): Promise<SigningTime[]> {
  const times: SigningTime[] = [];
  for (const entry of bundle.tlogEntries) {
    if (entry.signedEntryTimestamp) times.push({ source: "tlog", time: await verifySet(entry, root.tlogs) });
  }
  for (const token of bundle.timestamps) {
    times.push({
      source: "tsa",
      time: await verifyTimestamp(token, bundle.content.signature, root.timestampAuthorities),
    });
  }
  const seen = new Set(times.map((t) => `${t.source}:${t.time.getTime()}`));
  if (seen.size !== times.length) failStep("SIGSTORE_TIMESTAMP_INVALID", "timestamp", "the bundle repeats a timestamp");
  if (times.length === 0) {
    failStep(
      "SIGSTORE_TIMESTAMP_INVALID",
      "timestamp",
      "no verified signing time: the bundle has neither a signed entry timestamp nor an RFC 3161 timestamp",
    );
  }
  return times;
}

/** Step `tlog`: every entry proven (SET or checkpoint and inclusion proof), its key valid, its body the bundle's. */
async function verifyEntries(
  bundle: SigstoreBundle,
  root: TrustedRoot | undefined,
  signer: Signer,
  times: readonly SigningTime[],
  notChecked: string[],
): Promise<VerifiedEntry[]> {
  if (bundle.tlogEntries.length === 0) {
    failStep("SIGSTORE_TLOG_INVALID", "tlog", "the bundle has no transparency log entry");
  }
  const seen = new Set<string>();
  const verified: VerifiedEntry[] = [];
  for (const [i, entry] of bundle.tlogEntries.entries()) {
    const id = `${toHex(entry.logId)}:${toHex(entry.body)}`;
    if (seen.has(id)) failStep("SIGSTORE_TLOG_INVALID", "tlog", "the bundle repeats a transparency log entry");
    seen.add(id);
    const checks: string[] = [];
    if (root) {
      if (entry.signedEntryTimestamp) checks.push("set");
      // A v0.1 proof may lack a checkpoint; without a signed root it proves nothing, and the SET stands instead.
      if (entry.inclusionProof?.checkpoint !== undefined) {
        verifyInclusion(entry, await verifyCheckpoint(entry, root.tlogs));
        checkLogKeyWindow(entry, root, times);
        checks.push("checkpoint", "inclusion");
      } else if (entry.inclusionProof) {
        notChecked.push(`entry ${i}: its inclusion proof has no checkpoint (bundle v0.1); its SET proves inclusion`);
      }
      if (checks.length === 0) {
        failStep(
          "SIGSTORE_TLOG_INVALID",
          "tlog",
          "the entry has neither a signed entry timestamp nor an inclusion proof",
        );
      }
    }
    await verifyTlogBody(entry, bundle.content, signer);
    checks.push("body");
    verified.push({
      logIndex: entry.logIndex,
      logId: toHex(entry.logId),
      kind: `${entry.kind}/${entry.version}`,
      checks,
    });
  }
  return verified;
}

/** A log key signs checkpoints only inside its validity window: it must hold every verified signing time. */
function checkLogKeyWindow(entry: TlogEntry, root: TrustedRoot, times: readonly SigningTime[]): void {
  const logs = logsFor(entry, root.tlogs);
  if (!logs.some((log) => times.every((t) => inRange(log.validFor, t.time)))) {
    failStep(
      "SIGSTORE_CHECKPOINT_INVALID",
      "tlog-checkpoint",
      `the log key ${toHex(entry.logId)} is not valid at the signing time`,
    );
  }
}

/** Steps `artifact` and `signature`. */
async function verifyContent(bundle: SigstoreBundle, artifact: SigstoreArtifact, key: PublicKey): Promise<string> {
  const content = bundle.content;
  const wrongSignature = (): never =>
    failStep("SIGSTORE_SIGNATURE_INVALID", "signature", "the signature does not verify with the signing key");
  if (content.kind === "message") {
    const hash = content.digest.hash;
    const given = "bytes" in artifact ? await digest(hash, artifact.bytes) : artifact.digest.value;
    if ("digest" in artifact && artifact.digest.hash !== hash) {
      failStep(
        "SIGSTORE_ARTIFACT_MISMATCH",
        "artifact",
        `the bundle signs a ${hash} digest, the artifact was given as ${artifact.digest.hash}`,
      );
    }
    if (!equalBytes(given, content.digest.value)) {
      failStep("SIGSTORE_ARTIFACT_MISMATCH", "artifact", "the artifact's digest is not the bundle's message digest");
    }
    if ("bytes" in artifact) {
      if (!await verifySigstoreSignature(key, artifact.bytes, content.signature, hash)) wrongSignature();
    } else {
      if (key.kty !== "EC") {
        failStep(
          "SIGSTORE_SIGNATURE_INVALID",
          "signature",
          "a signature over a digest can be checked for ECDSA P-256 and P-384 keys only: give the artifact file",
        );
      }
      let raw: Uint8Array;
      try {
        raw = ecdsaDerToRaw(content.signature, CURVE_BYTES[key.crv]);
      } catch {
        return wrongSignature();
      }
      if (!verifyEcdsaDigest(key, given, raw)) wrongSignature();
    }
    return toHex(given);
  }
  if (content.payloadType !== IN_TOTO_PAYLOAD_TYPE) {
    failStep(
      "SIGSTORE_ARTIFACT_MISMATCH",
      "artifact",
      `the DSSE payload type '${content.payloadType}' is not an in-toto statement, so no artifact can be matched`,
    );
  }
  const hash = "bytes" in artifact ? "SHA-256" : artifact.digest.hash;
  const given = "bytes" in artifact ? await digest("SHA-256", artifact.bytes) : artifact.digest.value;
  const name = hash === "SHA-256" ? "sha256" : hash === "SHA-384" ? "sha384" : "sha512";
  const subjects = inTotoSubjects(content.payload);
  if (!subjects.some((s) => s.digests[name] !== undefined && equalBytes(s.digests[name]!, given))) {
    failStep(
      "SIGSTORE_ARTIFACT_MISMATCH",
      "artifact",
      `the artifact's ${name} digest ${toHex(given)} is not a subject of the in-toto statement`,
    );
  }
  if (!await verifySigstoreSignature(key, dssePae(content.payloadType, content.payload), content.signature)) {
    wrongSignature();
  }
  return toHex(given);
}

/**
 * Verifies a Sigstore bundle offline. Returns what was verified; throws an `AuditError` naming the failed step:
 * malformed input (`SIGSTORE_BUNDLE_MALFORMED`, `SIGSTORE_TRUSTED_ROOT_MALFORMED`), a failed check
 * (`VerificationError`, e.g. `SIGSTORE_SET_INVALID`) or an identity that is not the expected one
 * (`PolicyError` `SIGSTORE_IDENTITY_MISMATCH`).
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { verifySigstoreBundle } from "./verify.ts";
 * import { AuditError } from "../errors.ts";
 * try {
 *   await verifySigstoreBundle(new TextEncoder().encode("{"), { artifact: { bytes: new Uint8Array() } });
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "SIGSTORE_BUNDLE_MALFORMED");
 * }
 * ```
 */
export async function verifySigstoreBundle(
  bundleJson: Uint8Array,
  options: SigstoreVerifyOptions,
): Promise<SigstoreVerification> {
  const bundle = parseBundle(bundleJson);
  const root = options.trustedRoot;
  const material = bundle.keyMaterial;
  if (material.kind === "public-key") {
    if (!options.key) {
      failStep(
        "SIGSTORE_KEY_INVALID",
        "public-key",
        "the bundle is signed with a managed key: verify it with a public key",
      );
    }
  } else {
    if (options.key) {
      failStep(
        "SIGSTORE_KEY_INVALID",
        "public-key",
        "the bundle carries a certificate: verify it with an identity policy",
      );
    }
    if (!root) failStep("SIGSTORE_CERTIFICATE_INVALID", "certificate", "a keyless bundle needs a trusted root");
    if (!options.policy) failPolicy("a keyless bundle needs an expected identity and OIDC issuer");
  }
  const times = root ? await signingTimes(bundle, root) : [];
  let key: PublicKey;
  let signer: Signer;
  let scts: string[] = [];
  let identity: SignerIdentity | undefined;
  if (material.kind === "certificate") {
    const leaf = parseLeaf(material.certificate, "the signing certificate");
    const chain = material.chain.map((der, i) => parseLeaf(der, `chain certificate ${i + 2}`));
    const path = await verifyFulcioChain(leaf, chain, times.map((t) => t.time), root!.certificateAuthorities);
    scts = await verifyScts(leaf, path[1]!, root!.ctlogs);
    identity = signerIdentity(leaf);
    key = leaf.publicKey;
    signer = { certificate: leaf.der, spki: leaf.publicKey.spki };
  } else {
    key = options.key!;
    signer = { spki: key.spki };
  }
  const notChecked = root ? [] : ["signing times and transparency log proofs: no trusted root was given"];
  const entries = await verifyEntries(bundle, root, signer, times, notChecked);
  const artifactDigest = await verifyContent(bundle, options.artifact, key);
  if (identity) {
    const policy = options.policy!;
    if (!matches(policy.identity, identity.san)) {
      failPolicy(`the certificate identity is '${identity.san ?? "(none)"}', expected ${describe(policy.identity)}`);
    }
    if (!matches(policy.issuer, identity.issuer)) {
      failPolicy(`the OIDC issuer is '${identity.issuer ?? "(none)"}', expected ${describe(policy.issuer)}`);
    }
  }
  return {
    version: bundle.version,
    mediaType: bundle.mediaType,
    content: bundle.content.kind,
    signer: identity ? { mode: "keyless", identity } : { mode: "key" },
    times,
    entries,
    scts,
    artifactDigest,
    notChecked,
  };
}
