/**
 * Loads a playbook: strict YAML, the shape of version 1, times, files that must exist, ids and references —
 * every problem a {@linkcode PlaybookError} naming the file, line and column. Files are only checked through
 * the caller's `exists` callback; nothing is read here.
 *
 * @module
 */

import { toHex } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import { checkShape } from "./_shape.ts";
import { entry, type MapNode, mapNodes, parseYamlTree, type ScalarNode, stringNode, stringValue } from "./_yaml.ts";
import type { EvidenceKind, LoadContext } from "./kinds/kind.ts";
import { KINDS } from "./kinds/registry.ts";
import type { FileRef, Playbook, ReportSpec } from "./model.ts";
import { PlaybookError, where } from "./playbook_error.ts";
import { parseValueRef, type ReferenceScope } from "./reference.ts";
import { PLAYBOOK_SHAPE } from "./schema.ts";
import { parseUtcTime } from "../time.ts";
import { buildTrust } from "./trust.ts";

/** Options for {@linkcode loadPlaybook}. */
export interface LoadPlaybookOptions {
  /** The playbook's name in messages and in the report, e.g. `demo.yaml`. */
  readonly file: string;
  /** Whether a file the playbook names exists (paths as written, relative to the playbook's folder). */
  exists(path: string): boolean | Promise<boolean>;
}

type TextNode = ScalarNode & { readonly value: string };

function referenceScope(root: MapNode, file: string): ReferenceScope {
  const scope: Record<string, ReferenceScope[string]> = {};
  for (const kind of KINDS) {
    if (!kind.refs) continue;
    const seen = new Map<string, TextNode>();
    for (const item of mapNodes(root, kind.section)) {
      const id = kind.idOf?.(item);
      if (!id) continue;
      const first = seen.get(id.value);
      if (first) {
        throw new PlaybookError(
          "PLAYBOOK_INVALID",
          file,
          id.position,
          `duplicate ${kind.refs.prefix} id '${id.value}' (first at line ${first.position.line}, column ${first.position.column})`,
        );
      }
      seen.set(id.value, id);
    }
    scope[kind.refs.prefix] = { ids: [...seen.keys()], fields: kind.refs.fields };
  }
  return scope;
}

function loadContext(file: string, scope: ReferenceScope, options: LoadPlaybookOptions, files: FileRef[]): LoadContext {
  const fail: LoadContext["fail"] = (code, node, detail) => {
    throw new PlaybookError(code, file, node.position, detail);
  };
  return {
    file,
    fail,
    async evidenceFile(node, path, role) {
      if (node.value.length === 0) {
        fail("PLAYBOOK_INVALID", node, `invalid value for ${path}: expected a file path, found ''`);
      }
      if (!(await options.exists(node.value))) {
        throw new PlaybookError(
          "PLAYBOOK_FILE_MISSING",
          file,
          node.position,
          `file '${node.value}' named by ${path} not found`,
        );
      }
      const ref = { path: node.value, role, at: where(file, node.position) };
      if (!files.some((f) => f.path === ref.path)) files.push(ref);
      return ref;
    },
    reference: (node, path) => parseValueRef(node.value, scope, { file, position: node.position, path }),
    time(node, path) {
      const date = parseUtcTime(node.value);
      if (!date) {
        fail(
          "PLAYBOOK_INVALID",
          node,
          `invalid value for ${path}: expected an ISO-8601 UTC time such as 2026-11-01T00:00:00Z, found '${node.value}'`,
        );
      }
      return date!;
    },
  };
}

async function buildSection(kind: EvidenceKind<unknown>, root: MapNode, context: LoadContext): Promise<unknown[]> {
  const items: unknown[] = [];
  for (const [i, node] of mapNodes(root, kind.section).entries()) {
    items.push(await kind.build(node, `${kind.section}[${i}]`, context));
  }
  return items;
}

function readReport(root: MapNode, file: string): ReportSpec {
  const node = entry(root, "report");
  if (node?.kind !== "map") return {};
  const key = stringNode(node, "signing-key");
  const text = (k: string) => stringValue(node, k);
  return {
    ...(text("title") !== undefined ? { title: text("title")! } : {}),
    ...(text("subject") !== undefined ? { subject: text("subject")! } : {}),
    ...(key ? { signingKey: { path: key.value, role: "signing-key", at: where(file, key.position) } } : {}),
    ...(text("issuer") !== undefined ? { issuer: text("issuer")! } : {}),
  };
}

/**
 * Loads and checks a version 1 playbook.
 *
 * @param bytes The playbook (YAML).
 * @param options Its file name, and how to tell whether a file it names exists.
 * @returns The checked playbook.
 * @throws {PlaybookError} When the playbook is not valid, with its file, line and column.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { loadPlaybook } from "./load.ts";
 * const yaml = `playbook: 1
 * name: example
 * trust:
 *   transparency: [{ issuer: ledger.example, keys: keys.json }]
 *   signers: ["did:x509:0:sha256:I__iuL25oXEVFdTP_aBLx_eT1RPHbCQ_ECBQfYZpt9s::eku:1.3.6.1.4.1.311.76.59.1.2"]
 * measurements:
 *   - name: arithmetic still works
 *     value: literal "a" | sha256
 *     equals: hex:ca978112ca1bbdcafac231b39a23dc4da786eff8147c4e72b9807785afee48bb
 * `;
 * const playbook = await loadPlaybook(new TextEncoder().encode(yaml), { file: "example.yaml", exists: () => true });
 * equal(playbook.name, "example");
 * equal(playbook.files.length, 1);
 * ```
 */
export async function loadPlaybook(bytes: Uint8Array, options: LoadPlaybookOptions): Promise<Playbook> {
  const { file } = options;
  const tree = parseYamlTree(bytes, file);
  checkShape(tree, PLAYBOOK_SHAPE, "", file);
  const root = tree as MapNode;
  const files: FileRef[] = [];
  const context = loadContext(file, referenceScope(root, file), options, files);
  const atNode = stringNode(root, "at");
  const at = atNode ? context.time(atNode, "at") : undefined;
  const trust = await buildTrust(entry(root, "trust") as MapNode, context);
  const evidence: Record<string, readonly unknown[]> = {};
  for (const kind of KINDS) evidence[kind.section] = await buildSection(kind, root, context);
  return {
    version: 1,
    name: stringValue(root, "name")!,
    file,
    sha256: toHex(await sha256(bytes)),
    size: bytes.length,
    ...(at ? { at } : {}),
    trust,
    evidence,
    report: readReport(root, file),
    files,
  };
}
