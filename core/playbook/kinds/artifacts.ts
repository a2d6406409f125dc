/**
 * The `artifacts` section: files whose digest must equal a value registered in the evidence, for example the
 * payload of a hash-envelope statement or a release's `image-digest`.
 *
 * @module
 */

import { equalBytes, fromHex, toHex } from "../../bytes.ts";
import { digest, type HashName } from "../../crypto/digest.ts";
import { entry, type MapNode, stringNode } from "../_yaml.ts";
import type { FileRef } from "../model.ts";
import type { ValueRef } from "../reference.ts";
import { showValue, type Value } from "../value.ts";
import { FILE_SHAPE, finding, ID_SHAPE, REFERENCE_SHAPE } from "./_common.ts";
import type { EvidenceKind, RunContext } from "./kind.ts";

/** One `artifacts` item. */
export interface ArtifactItem {
  /** Its id (referenced as `artifact.<id>.content`), or its index when it has none. */
  readonly id: string;
  /** The file. */
  readonly file: FileRef;
  /** The registered digest: bytes, or text in hex (optionally prefixed `<hash>:`). */
  readonly equals: ValueRef;
  /** The hash to compute. */
  readonly hash: "sha256" | "sha384" | "sha512";
}

const HASH_NAMES: Readonly<Record<ArtifactItem["hash"], HashName>> = {
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};

/** The registered digest as bytes: bytes as they are, text as hex with an optional `sha256:` prefix. */
function registeredDigest(value: Value, hash: ArtifactItem["hash"]): Uint8Array | string {
  if (value.type === "bytes") return value.bytes;
  const text = value.type === "text"
    ? value.text
    : value.type === "json" && typeof value.json === "string"
    ? value.json
    : undefined;
  if (text === undefined) return `the registered value is not a digest (bytes or hex text)`;
  const hex = text.startsWith(`${hash}:`) ? text.slice(hash.length + 1) : text;
  try {
    return fromHex(hex);
  } catch {
    return `the registered value '${text}' is not hex${text.includes(":") ? ` (a prefix other than '${hash}:')` : ""}`;
  }
}

async function evaluateArtifact(item: ArtifactItem, bytes: Uint8Array, context: RunContext): Promise<void> {
  const base = { id: `artifact.${item.id}`, kind: "artifact", subject: item.file.path } as const;
  const computed = await digest(HASH_NAMES[item.hash], bytes);
  const resolved = await context.resolve(item.equals);
  const details = { file: item.file.path, size: bytes.length, hash: item.hash, computed: toHex(computed) };
  if (!resolved.ok) {
    context.add(finding({ ...base, status: "fail", message: resolved.message }, {
      code: "PLAYBOOK_REFERENCE",
      details: { ...details, expectedFrom: item.equals.text },
    }));
    return;
  }
  const registered = registeredDigest(resolved.value, item.hash);
  const shown = { ...details, expectedFrom: item.equals.text, expected: showValue(resolved.value) };
  if (typeof registered === "string") {
    context.add(finding({ ...base, status: "fail", message: `${item.equals.at}: ${registered}` }, { details: shown }));
    return;
  }
  const ok = equalBytes(registered, computed);
  context.add(finding({
    ...base,
    status: ok ? "pass" : "fail",
    message: ok
      ? `${item.hash} of ${item.file.path} equals ${item.equals.text}`
      : `${item.hash} of ${item.file.path} is ${toHex(computed)}, not the registered ${toHex(registered)}`,
  }, { details: shown }));
}

/** The `artifacts` kind. */
export const artifactsKind: EvidenceKind<ArtifactItem> = {
  section: "artifacts",
  description: "Files whose digest must equal a registered value.",
  item: {
    type: "object",
    description: "A file and the registered digest it must have.",
    fields: {
      id: { shape: ID_SHAPE },
      file: { shape: { ...FILE_SHAPE, description: "The artifact file." }, required: true },
      equals: {
        shape: {
          ...REFERENCE_SHAPE,
          description:
            `The registered digest (bytes, or hex text optionally prefixed '<hash>:'). ${REFERENCE_SHAPE.description}`,
        },
        required: true,
      },
      hash: {
        shape: {
          type: "string",
          enum: ["sha256", "sha384", "sha512"],
          description: "The hash to compute (default sha256).",
        },
      },
    },
  },
  refs: { prefix: "artifact", fields: { content: "bytes", size: "number" } },
  idOf: (node: MapNode) => stringNode(node, "id"),
  async build(node, path, context) {
    const equalsNode = stringNode(node, "equals")!;
    const equals = context.reference(equalsNode, `${path}.equals`);
    if (equals.type === "number") {
      context.fail(
        "PLAYBOOK_REFERENCE",
        equalsNode,
        `${path}.equals must give a digest (bytes or hex text), found a number`,
      );
    }
    const hash = entry(node, "hash");
    const id = stringNode(node, "id")?.value ?? path.replace(/^artifacts\[(\d+)\]$/, "$1");
    if (equals.source.kind === "evidence" && equals.source.prefix === "artifact" && equals.source.id === id) {
      context.fail(
        "PLAYBOOK_REFERENCE",
        equalsNode,
        `${path}.equals compares artifact '${id}' with itself, which proves nothing; name the registered digest (a statement's payload or a hex: value)`,
      );
    }
    return {
      id,
      file: await context.evidenceFile(stringNode(node, "file")!, `${path}.file`, "artifact"),
      equals,
      hash: hash?.kind === "scalar" && typeof hash.value === "string" ? hash.value as ArtifactItem["hash"] : "sha256",
    };
  },
  async evaluate(items, context) {
    const contents: Uint8Array[] = [];
    for (const item of items) {
      const bytes = await context.read(item.file);
      contents.push(bytes);
      context.publish("artifact", item.id, {
        content: { type: "bytes", bytes },
        size: { type: "number", number: bytes.length },
      });
    }
    for (const [i, item] of items.entries()) await evaluateArtifact(item, contents[i]!, context);
  },
};
