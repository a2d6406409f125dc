/**
 * Sigstore bundles (protobuf-specs `Bundle`, media types v0.1, v0.2, v0.3): strict parsing and the version rules
 * of spec `sigstore.md` §1, into a typed {@linkcode SigstoreBundle}. Parsing does no cryptography.
 *
 * @module
 */

import { fromBase64, fromUtf8 } from "../bytes.ts";
import type { HashName } from "../crypto/digest.ts";
import { bytes, child, children, int64, jsonObject, type JsonReader, text, texts } from "./_json.ts";
import { malformedBundle } from "./_fail.ts";

/** A bundle format version. */
export type BundleVersion = "0.1" | "0.2" | "0.3";

/** The signed content: a message signature over the artifact, or a DSSE envelope. */
export type BundleContent =
  | {
    readonly kind: "message";
    /** The digest the signer declared, e.g. SHA-256 of the artifact. */
    readonly digest: { readonly hash: HashName; readonly value: Uint8Array };
    /** The signature (DER `ECDSA-Sig-Value` for ECDSA keys). */
    readonly signature: Uint8Array;
  }
  | {
    readonly kind: "dsse";
    /** The payload type, e.g. `application/vnd.in-toto+json`. */
    readonly payloadType: string;
    /** The decoded payload. */
    readonly payload: Uint8Array;
    /** The envelope's single signature. */
    readonly signature: Uint8Array;
  };

/** What identifies the signer. */
export type BundleKeyMaterial =
  | { readonly kind: "certificate"; readonly certificate: Uint8Array; readonly chain: readonly Uint8Array[] }
  | { readonly kind: "public-key"; readonly hint: string };

/** An RFC 6962 inclusion proof with the checkpoint it leads to. */
export interface InclusionProof {
  /** The leaf index inside the (shard) tree. */
  readonly logIndex: number;
  /** The root hash the proof claims. */
  readonly rootHash: Uint8Array;
  /** The tree size the proof claims. */
  readonly treeSize: number;
  /** The audit path, leaf upward. */
  readonly hashes: readonly Uint8Array[];
  /** The signed note text of the checkpoint, when present. */
  readonly checkpoint?: string;
}

/** One transparency log entry. */
export interface TlogEntry {
  /** The global log index (used in the SET). */
  readonly logIndex: number;
  /** The log's key id. */
  readonly logId: Uint8Array;
  /** The entry kind, e.g. `hashedrekord`. */
  readonly kind: string;
  /** The entry kind version, e.g. `0.0.1`. */
  readonly version: string;
  /** Seconds since the epoch, when the log recorded one (Rekor v1). */
  readonly integratedTime?: number;
  /** The signed entry timestamp (DER ECDSA), when present. */
  readonly signedEntryTimestamp?: Uint8Array;
  /** The inclusion proof, when present. */
  readonly inclusionProof?: InclusionProof;
  /** The canonicalized entry body (JSON bytes). */
  readonly body: Uint8Array;
}

/** A parsed bundle. */
export interface SigstoreBundle {
  /** The media type as written. */
  readonly mediaType: string;
  /** The format version. */
  readonly version: BundleVersion;
  /** The signed content. */
  readonly content: BundleContent;
  /** The signer's certificate or key hint. */
  readonly keyMaterial: BundleKeyMaterial;
  /** The transparency log entries. */
  readonly tlogEntries: readonly TlogEntry[];
  /** RFC 3161 timestamp tokens (DER). */
  readonly timestamps: readonly Uint8Array[];
}

/** Bounds on hostile input. */
const MAX = { entries: 16, timestamps: 16, certificates: 16, hashes: 64, signatures: 16 } as const;

const HASHES: Readonly<Record<string, HashName>> = {
  SHA2_256: "SHA-256",
  SHA2_384: "SHA-384",
  SHA2_512: "SHA-512",
};

/** The version a media type names; unknown versions are malformed. */
function versionOf(mediaType: string): BundleVersion {
  const match = mediaType.match(/^application\/vnd\.dev\.sigstore\.bundle\+json;version=(\d+\.\d+)$/) ??
    mediaType.match(/^application\/vnd\.dev\.sigstore\.bundle\.v(\d+\.\d+)\+json$/);
  const version = match?.[1];
  if (version === "0.1" || version === "0.2" || version === "0.3") return version;
  return malformedBundle(`media type "${mediaType}" is not a Sigstore bundle v0.1, v0.2 or v0.3`);
}

/**
 * Parses a bundle from its JSON bytes and applies the version rules: v0.1 entries need a SET; v0.2 and later need
 * an inclusion proof with a checkpoint; v0.3 forbids `x509CertificateChain`. Anything else that does not fit is
 * `SIGSTORE_BUNDLE_MALFORMED`.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseBundle } from "./bundle.ts";
 * import { AuditError } from "../errors.ts";
 * try {
 *   parseBundle(new TextEncoder().encode('{"mediaType": "application/vnd.dev.sigstore.bundle.v99.9+json"}'));
 * } catch (error) {
 *   assert(error instanceof AuditError && error.code === "SIGSTORE_BUNDLE_MALFORMED");
 * }
 * ```
 */
export function parseBundle(json: Uint8Array): SigstoreBundle {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(json));
  } catch (error) {
    malformedBundle(`not JSON: ${(error as Error).message}`);
  }
  const root = jsonObject(value, "", malformedBundle);
  const mediaType = text(root, "mediaType");
  const version = versionOf(mediaType);
  const material = child(root, "verificationMaterial");
  const content = parseContent(root);
  const keyMaterial = parseKeyMaterial(material, version);
  const tlogEntries = children(material, "tlogEntries", MAX.entries).map((entry) => parseEntry(entry, version));
  const tsData = child(material, "timestampVerificationData", true);
  const timestamps = tsData
    ? children(tsData, "rfc3161Timestamps", MAX.timestamps).map((t) => bytes(t, "signedTimestamp"))
    : [];
  return { mediaType, version, content, keyMaterial, tlogEntries, timestamps };
}

function parseContent(root: JsonReader): BundleContent {
  const message = child(root, "messageSignature", true);
  const envelope = child(root, "dsseEnvelope", true);
  if (message && envelope) root.fail("a bundle holds either messageSignature or dsseEnvelope, not both");
  if (message) {
    const digest = child(message, "messageDigest");
    const algorithm = text(digest, "algorithm");
    const hash = HASHES[algorithm];
    if (!hash) {
      root.fail(`messageSignature.messageDigest.algorithm "${algorithm}" is not SHA2_256, SHA2_384 or SHA2_512`);
    }
    const value = bytes(digest, "digest");
    const signature = bytes(message, "signature");
    if (signature.length === 0) root.fail("messageSignature.signature is empty");
    return { kind: "message", digest: { hash, value }, signature };
  }
  if (envelope) {
    const payload = bytes(envelope, "payload");
    const payloadType = text(envelope, "payloadType");
    const signatures = children(envelope, "signatures", MAX.signatures);
    if (signatures.length !== 1) root.fail(`dsseEnvelope must hold exactly one signature, found ${signatures.length}`);
    const signature = bytes(signatures[0]!, "sig");
    if (signature.length === 0) root.fail("dsseEnvelope.signatures[0].sig is empty");
    return { kind: "dsse", payload, payloadType, signature };
  }
  return root.fail("the bundle has neither messageSignature nor dsseEnvelope");
}

function parseKeyMaterial(material: JsonReader, version: BundleVersion): BundleKeyMaterial {
  const chain = child(material, "x509CertificateChain", true);
  const certificate = child(material, "certificate", true);
  const publicKey = child(material, "publicKey", true);
  if ([chain, certificate, publicKey].filter(Boolean).length !== 1) {
    material.fail(
      "verificationMaterial must hold exactly one of x509CertificateChain, certificate and publicKey",
    );
  }
  if (chain) {
    if (version === "0.3") material.fail("a v0.3 bundle must not carry x509CertificateChain (use certificate)");
    const certificates = children(chain, "certificates", MAX.certificates).map((c) => bytes(c, "rawBytes"));
    if (certificates.length === 0) material.fail("verificationMaterial.x509CertificateChain.certificates is empty");
    if (certificates.some((c) => c.length === 0)) material.fail("a certificate in the chain is empty");
    return { kind: "certificate", certificate: certificates[0]!, chain: certificates.slice(1) };
  }
  if (certificate) {
    const der = bytes(certificate, "rawBytes");
    if (der.length === 0) material.fail("verificationMaterial.certificate.rawBytes is empty");
    return { kind: "certificate", certificate: der, chain: [] };
  }
  return { kind: "public-key", hint: text(publicKey!, "hint", true) ?? "" };
}

function parseEntry(entry: JsonReader, version: BundleVersion): TlogEntry {
  const kindVersion = child(entry, "kindVersion");
  const promise = child(entry, "inclusionPromise", true);
  const proof = child(entry, "inclusionProof", true);
  const integratedTime = int64(entry, "integratedTime", true);
  const parsedProof = proof ? parseProof(proof) : undefined;
  if (version === "0.1" && !promise) entry.fail(`${entry.path}.inclusionPromise is required in a v0.1 bundle`);
  if (version !== "0.1" && !parsedProof) {
    entry.fail(`${entry.path}.inclusionProof is required in a v${version} bundle`);
  }
  if (version !== "0.1" && parsedProof?.checkpoint === undefined) {
    entry.fail(`${entry.path}.inclusionProof.checkpoint is required in a v${version} bundle`);
  }
  return {
    logIndex: int64(entry, "logIndex"),
    logId: bytes(child(entry, "logId"), "keyId"),
    kind: text(kindVersion, "kind"),
    version: text(kindVersion, "version"),
    ...(integratedTime !== undefined && integratedTime !== 0 ? { integratedTime } : {}),
    ...(promise ? { signedEntryTimestamp: bytes(promise, "signedEntryTimestamp") } : {}),
    ...(parsedProof ? { inclusionProof: parsedProof } : {}),
    body: bytes(entry, "canonicalizedBody"),
  };
}

function parseProof(proof: JsonReader): InclusionProof {
  const hashes = hashList(proof);
  const checkpoint = child(proof, "checkpoint", true);
  const envelope = checkpoint ? text(checkpoint, "envelope") : undefined;
  return {
    logIndex: int64(proof, "logIndex"),
    rootHash: bytes(proof, "rootHash"),
    treeSize: int64(proof, "treeSize"),
    hashes,
    ...(envelope !== undefined ? { checkpoint: envelope } : {}),
  };
}

function hashList(proof: JsonReader): Uint8Array[] {
  return texts(proof, "hashes", MAX.hashes).map((hash, i) => {
    try {
      return fromBase64(hash);
    } catch {
      return proof.fail(`${proof.path}.hashes[${i}] is not base64`);
    }
  });
}
