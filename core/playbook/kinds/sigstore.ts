/**
 * The `sigstore` section: Sigstore bundles verified offline inside an audit, beside the MST statements. Each item
 * names a bundle, the artifact it signs (a file, or a `sha256:`/`sha512:` digest), the trusted root the auditor
 * brought in, and who must have signed (identity and OIDC issuer, exact or regexp) or the managed public key. The
 * files are evidence like any other: recorded with their digests and packed into audit bundles.
 *
 * @module
 */

import { fromHex, fromUtf8 } from "../../bytes.ts";
import type { HashName } from "../../crypto/digest.ts";
import { publicKeyFromSpki } from "../../crypto/public_key.ts";
import { AuditError } from "../../errors.ts";
import { pemBlocks } from "../../pem.ts";
import {
  type Expected,
  parseTrustedRoot,
  type SigstoreArtifact,
  stepOf,
  verifySigstoreBundle,
} from "../../sigstore/mod.ts";
import { type MapNode, stringNode } from "../_yaml.ts";
import type { FileRef } from "../model.ts";
import { FILE_SHAPE, finding, ID_SHAPE } from "./_common.ts";
import type { EvidenceKind, LoadContext, RunContext } from "./kind.ts";

/** One `sigstore` item. */
export interface SigstoreItem {
  /** Its id (referenced as `sigstore.<id>.<field>`). */
  readonly id: string;
  /** The bundle file. */
  readonly bundle: FileRef;
  /** The artifact file, or its digest. */
  readonly artifact: { readonly file: FileRef } | { readonly hash: HashName; readonly value: Uint8Array };
  /** The trusted root file (required for keyless bundles). */
  readonly trustedRoot?: FileRef;
  /** Keyless: the expected identity and issuer. */
  readonly identity?: Expected;
  readonly issuer?: Expected;
  /** Key mode: the managed public key (PEM). */
  readonly key?: FileRef;
}

const DIGEST = /^(sha256|sha512):([0-9a-fA-F]+)$/;

function expectedFrom(
  node: MapNode,
  key: string,
  path: string,
  context: LoadContext,
): Expected | undefined {
  const exact = stringNode(node, key);
  const pattern = stringNode(node, `${key}-regexp`);
  if (exact && pattern) context.fail("PLAYBOOK_INVALID", pattern, `${path}: give ${key} or ${key}-regexp, not both`);
  if (exact) return { exact: exact.value };
  if (!pattern) return undefined;
  try {
    return { pattern: new RegExp(pattern.value, "u") };
  } catch (error) {
    return context.fail(
      "PLAYBOOK_INVALID",
      pattern,
      `${path}.${key}-regexp is not a regular expression: ${(error as Error).message}`,
    );
  }
}

async function evaluateItem(item: SigstoreItem, context: RunContext): Promise<void> {
  const base = { id: `sigstore.${item.id}`, kind: "sigstore", subject: item.bundle.path } as const;
  const fail = (error: AuditError) => {
    const step = stepOf(error);
    context.add(finding({ ...base, status: "fail", message: error.message }, {
      code: error.code,
      details: { bundle: item.bundle.path, ...(step ? { step } : {}) },
    }));
    context.publish("sigstore", item.id, {}, `sigstore '${item.id}' did not verify`);
  };
  try {
    const bundle = await context.read(item.bundle);
    const artifact: SigstoreArtifact = "file" in item.artifact
      ? { bytes: await context.read(item.artifact.file) }
      : { digest: { hash: item.artifact.hash, value: item.artifact.value } };
    const trustedRoot = item.trustedRoot ? parseTrustedRoot(await context.read(item.trustedRoot)) : undefined;
    let key;
    if (item.key) {
      const pem = pemBlocks(fromUtf8(await context.read(item.key)), "PUBLIC KEY");
      if (pem.length !== 1) {
        throw new AuditError("KEY_MALFORMED", `${item.key.path}: expected one PUBLIC KEY PEM block`);
      }
      key = publicKeyFromSpki(pem[0]!);
    }
    const result = await verifySigstoreBundle(bundle, {
      artifact,
      ...(trustedRoot ? { trustedRoot } : {}),
      ...(item.identity && item.issuer ? { policy: { identity: item.identity, issuer: item.issuer } } : {}),
      ...(key ? { key } : {}),
    });
    const identity = result.signer.mode === "keyless" ? result.signer.identity : undefined;
    context.add(finding({
      ...base,
      status: "pass",
      message: identity
        ? `Sigstore bundle v${result.version} verified: signed by ${identity.san} (${identity.issuer})`
        : `Sigstore bundle v${result.version} verified with the managed key ${item.key!.path}`,
    }, {
      details: {
        bundle: item.bundle.path,
        version: result.version,
        content: result.content,
        artifactDigest: result.artifactDigest,
        signedAt: result.times.map((t) => `${t.time.toISOString()} (${t.source})`),
        entries: result.entries.map((e) => `${e.kind} ${e.logIndex}: ${e.checks.join(", ")}`),
        ...(identity ? { identity: identity.san ?? "", issuer: identity.issuer ?? "" } : {}),
      },
    }));
    for (const [i, skipped] of result.notChecked.entries()) {
      context.add(
        finding({ ...base, id: `${base.id}.not-checked.${i}`, status: "warn", message: `Not checked: ${skipped}` }),
      );
    }
    context.publish("sigstore", item.id, {
      "artifact-digest": { type: "bytes", bytes: fromHex(result.artifactDigest) },
      ...(identity?.san !== undefined ? { identity: { type: "text", text: identity.san } } : {}),
      ...(identity?.issuer !== undefined ? { issuer: { type: "text", text: identity.issuer } } : {}),
    }, `sigstore '${item.id}' has no such field`);
  } catch (error) {
    if (error instanceof AuditError) return fail(error);
    if (error instanceof SyntaxError || error instanceof TypeError) {
      return fail(new AuditError("KEY_MALFORMED", `${item.key?.path ?? item.bundle.path}: ${error.message}`));
    }
    throw error;
  }
}

/** The `sigstore` kind. */
export const sigstoreKind: EvidenceKind<SigstoreItem> = {
  section: "sigstore",
  description: "Sigstore bundles verified offline against a trusted root file, with an identity policy or a key.",
  item: {
    type: "object",
    description:
      "A Sigstore bundle, the artifact it signs, the trusted root, and who must have signed it (or the managed key).",
    fields: {
      id: { shape: ID_SHAPE, required: true },
      bundle: { shape: { ...FILE_SHAPE, description: "The Sigstore bundle (JSON)." }, required: true },
      artifact: { shape: { ...FILE_SHAPE, description: "The signed artifact (or the in-toto subject)." } },
      "artifact-digest": {
        shape: {
          type: "string",
          description: "The artifact's digest instead of the file: sha256:<hex> or sha512:<hex>.",
          pattern: { source: "(sha256|sha512):[0-9a-fA-F]+", meaning: "sha256:<hex> or sha512:<hex>" },
        },
      },
      "trusted-root": {
        shape: { ...FILE_SHAPE, description: "The Sigstore trusted_root.json, brought in out of band." },
      },
      identity: { shape: { type: "string", description: "The exact certificate identity (SAN)." } },
      "identity-regexp": { shape: { type: "string", description: "A regular expression the identity must match." } },
      issuer: { shape: { type: "string", description: "The exact OIDC issuer." } },
      "issuer-regexp": { shape: { type: "string", description: "A regular expression the OIDC issuer must match." } },
      key: { shape: { ...FILE_SHAPE, description: "A managed public key (PEM), instead of an identity policy." } },
    },
  },
  refs: { prefix: "sigstore", fields: { "artifact-digest": "bytes", identity: "text", issuer: "text" } },
  idOf: (node: MapNode) => stringNode(node, "id"),
  async build(node, path, context) {
    const artifactNode = stringNode(node, "artifact");
    const digestNode = stringNode(node, "artifact-digest");
    if (!artifactNode === !digestNode) {
      context.fail("PLAYBOOK_INVALID", node, `${path} needs exactly one of artifact and artifact-digest`);
    }
    let artifact: SigstoreItem["artifact"];
    if (digestNode) {
      const [, name, hex] = digestNode.value.match(DIGEST)!;
      const length = name === "sha256" ? 64 : 128;
      if (hex!.length !== length) {
        context.fail("PLAYBOOK_INVALID", digestNode, `${path}.artifact-digest must have ${length} hex digits`);
      }
      artifact = { hash: name === "sha256" ? "SHA-256" : "SHA-512", value: fromHex(hex!) };
    } else {
      artifact = { file: await context.evidenceFile(artifactNode!, `${path}.artifact`, "sigstore-artifact") };
    }
    const identity = expectedFrom(node, "identity", path, context);
    const issuer = expectedFrom(node, "issuer", path, context);
    const keyNode = stringNode(node, "key");
    const rootNode = stringNode(node, "trusted-root");
    if (keyNode && (identity || issuer)) {
      context.fail(
        "PLAYBOOK_INVALID",
        keyNode,
        `${path}: a managed key replaces identity and issuer; give one or the other`,
      );
    }
    if (!keyNode && (!identity || !issuer)) {
      context.fail(
        "PLAYBOOK_INVALID",
        node,
        `${path} needs identity (or identity-regexp) and issuer (or issuer-regexp), or key`,
      );
    }
    if (!keyNode && !rootNode) {
      context.fail(
        "PLAYBOOK_INVALID",
        node,
        `${path} needs trusted-root: there is no built-in Sigstore root and no network fetch; bring trusted_root.json in`,
      );
    }
    return {
      id: stringNode(node, "id")!.value,
      bundle: await context.evidenceFile(stringNode(node, "bundle")!, `${path}.bundle`, "sigstore-bundle"),
      artifact,
      ...(rootNode
        ? { trustedRoot: await context.evidenceFile(rootNode, `${path}.trusted-root`, "sigstore-trusted-root") }
        : {}),
      ...(identity ? { identity } : {}),
      ...(issuer ? { issuer } : {}),
      ...(keyNode ? { key: await context.evidenceFile(keyNode, `${path}.key`, "sigstore-key") } : {}),
    };
  },
  async evaluate(items, context) {
    for (const item of items) await evaluateItem(item, context);
  },
};
