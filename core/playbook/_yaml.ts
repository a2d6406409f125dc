/**
 * Strict YAML reading for playbooks: one document, YAML 1.2 core schema, no anchors, aliases or tags, unique
 * keys, bounded size and depth. The result is a small tree in which every node knows its line and column.
 *
 * @module
 */

// The package's browser build: its Node build reads LOG_TOKENS and LOG_STREAM from the environment on every
// parse, which the tool's permission set (no environment access) refuses. `deno install` provides node_modules.
// @ts-types="yaml"
import {
  type Alias,
  isAlias,
  isMap,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseDocument,
  visit,
} from "../../node_modules/yaml/browser/index.js";
import { fromUtf8 } from "../bytes.ts";
import { PlaybookError, type Position } from "./playbook_error.ts";

/** The largest playbook accepted, in bytes. */
export const MAX_PLAYBOOK_BYTES = 1024 * 1024;
/** The deepest nesting of maps and lists accepted. */
export const MAX_PLAYBOOK_DEPTH = 32;

/** A scalar value: YAML 1.2 core schema (timestamps stay strings). */
export type ScalarValue = string | number | boolean | null;

/** A node of the playbook tree. */
export type YamlNode = ScalarNode | ListNode | MapNode;

/** A scalar with its position. */
export interface ScalarNode {
  readonly kind: "scalar";
  readonly value: ScalarValue;
  readonly position: Position;
}

/** A sequence with its position. */
export interface ListNode {
  readonly kind: "list";
  readonly items: readonly YamlNode[];
  readonly position: Position;
}

/** One key of a mapping. */
export interface MapEntry {
  readonly key: string;
  readonly keyPosition: Position;
  readonly value: YamlNode;
}

/** A mapping with its position; keys are unique strings, in source order. */
export interface MapNode {
  readonly kind: "map";
  readonly entries: readonly MapEntry[];
  readonly position: Position;
}

/**
 * Finds nesting far deeper than the limit before the YAML parser sees the text (the parser recurses, and
 * thousands of levels exhaust its stack and memory): flow brackets outside quotes and comments, and block
 * indentation levels (each `- ` counts as one).
 */
function nestingProblem(text: string): { position: Position } | undefined {
  const limit = 2 * MAX_PLAYBOOK_DEPTH;
  let flow = 0;
  let quote: '"' | "'" | undefined;
  let line = 1;
  let column = 0;
  let lineStart = true;
  let indent = 0;
  const indents: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    column++;
    if (c === "\n") {
      line++;
      column = 0;
      lineStart = true;
      indent = 0;
      continue;
    }
    if (quote) {
      if (c === "\\" && quote === '"') {
        i++;
        column++;
      } else if (c === quote) quote = undefined;
      continue;
    }
    if (lineStart) {
      if (c === " ") {
        indent++;
        continue;
      }
      if (c === "#") {
        const end = text.indexOf("\n", i);
        column += (end < 0 ? text.length : end) - i - 1;
        i = end < 0 ? text.length : end - 1;
        continue;
      }
      lineStart = false;
      if (flow === 0) {
        while (indents.length > 0 && indents[indents.length - 1]! >= indent) indents.pop();
        indents.push(indent);
      }
    }
    if (flow === 0 && c === "-" && (text[i + 1] === " " || text[i + 1] === "\n") && indents.length > 0) {
      // "- - - x": each dash opens a sequence one column further in.
      const at = column - 1;
      while (indents.length > 0 && indents[indents.length - 1]! >= at + 2) indents.pop();
      indents.push(at + 2);
    }
    if ((c === '"' || c === "'") && /[\s[{,:-]/.test(text[i - 1] ?? " ")) quote = c;
    else if (c === "#" && /\s/.test(text[i - 1] ?? " ")) {
      const end = text.indexOf("\n", i);
      column += (end < 0 ? text.length : end) - i - 1;
      i = end < 0 ? text.length - 1 : end - 1;
    } else if (c === "[" || c === "{") flow++;
    else if ((c === "]" || c === "}") && flow > 0) flow--;
    if (flow + indents.length > limit) return { position: { line, column } };
  }
  return undefined;
}

/** Reads playbook bytes into a tree, or throws a {@linkcode PlaybookError} `PLAYBOOK_INVALID`. */
export function parseYamlTree(bytes: Uint8Array, file: string): YamlNode {
  const start = { line: 1, column: 1 };
  const fail = (position: Position, detail: string): never => {
    throw new PlaybookError("PLAYBOOK_INVALID", file, position, detail);
  };
  if (bytes.length > MAX_PLAYBOOK_BYTES) {
    fail(start, `playbook is ${bytes.length} bytes, more than the limit of ${MAX_PLAYBOOK_BYTES}`);
  }
  let text: string;
  try {
    text = fromUtf8(bytes);
  } catch {
    return fail(start, "playbook is not valid UTF-8 text");
  }
  const deep = nestingProblem(text);
  if (deep) fail(deep.position, `nesting is deeper than ${MAX_PLAYBOOK_DEPTH} levels`);
  const lines = new LineCounter();
  const doc = parseDocument(text, {
    lineCounter: lines,
    prettyErrors: false,
    schema: "core",
    merge: false,
    uniqueKeys: false,
    version: "1.2",
  });
  const at = (offset: number): Position => {
    const { line, col } = lines.linePos(offset);
    return { line, column: col };
  };
  const problem = doc.errors[0] ?? doc.warnings[0];
  if (problem) fail(at(problem.pos[0]), `invalid YAML: ${problem.message.split("\n")[0]}`);

  const positionOf = (node: Node): Position => at(node.range?.[0] ?? 0);
  // The parser locates a node at its value; an anchor or a tag written before it on its line is found in the text.
  const tokenBefore = (sign: "&" | "!", node: Node): { token: string; position: Position } | undefined => {
    const start = node.range?.[0] ?? 0;
    let index = text.lastIndexOf(sign, start);
    if (index < 0 || index < text.lastIndexOf("\n", start)) return undefined;
    while (index > 0 && !/\s/.test(text[index - 1]!)) index--;
    return { token: /^\S+/.exec(text.slice(index))![0], position: at(index) };
  };
  // Aliases first: an alias needs an anchor before it, and "aliases are not allowed" is the useful message.
  let alias: Alias | undefined;
  visit(doc, {
    Alias(_, node) {
      alias = node;
      return visit.BREAK;
    },
  });
  if (alias) fail(positionOf(alias), `YAML aliases are not allowed (found '*${alias.source}')`);
  const convert = (node: unknown, depth: number, fallback: Position, path: string): YamlNode => {
    if (node === null || node === undefined) return { kind: "scalar", value: null, position: fallback };
    if (isAlias(node)) fail(positionOf(node), "YAML aliases are not allowed");
    const n = node as Node;
    const position = positionOf(n);
    if (n.anchor) {
      const anchor = tokenBefore("&", n);
      fail(anchor?.position ?? position, `YAML anchors are not allowed (found '&${n.anchor}')`);
    }
    if (n.tag) {
      const tag = tokenBefore("!", n);
      fail(tag?.position ?? position, `YAML tags are not allowed (found '${tag?.token ?? n.tag}')`);
    }
    if (isScalar(n)) {
      const value = n.value;
      if (typeof value === "number" && !Number.isFinite(value)) {
        return fail(position, `the number '${n.source ?? value}' is too large to represent`);
      }
      if (typeof value === "string" && !value.isWellFormed()) {
        return fail(position, "the text holds a lone surrogate (such as \\ud800), which is not Unicode text");
      }
      if (value === null || ["string", "number", "boolean"].includes(typeof value)) {
        return { kind: "scalar", value: value as ScalarValue, position };
      }
      return fail(position, "unsupported YAML scalar");
    }
    if (depth >= MAX_PLAYBOOK_DEPTH) fail(position, `nesting is deeper than ${MAX_PLAYBOOK_DEPTH} levels`);
    if (isSeq(n)) {
      return {
        kind: "list",
        items: n.items.map((item, i) => convert(item, depth + 1, position, `${path}[${i}]`)),
        position,
      };
    }
    if (isMap(n)) {
      const entries: MapEntry[] = [];
      for (const pair of n.items) {
        if (!isPair(pair)) fail(position, "unsupported YAML mapping entry");
        const keyNode = convert(pair.key, depth + 1, position, path);
        if (keyNode.kind !== "scalar" || typeof keyNode.value !== "string") {
          return fail(keyNode.position, "mapping keys must be plain strings");
        }
        const first = entries.find((e) => e.key === keyNode.value);
        if (first) {
          fail(
            keyNode.position,
            `duplicate key '${keyNode.value}' in ${
              describePath(path)
            } (first at line ${first.keyPosition.line}, column ${first.keyPosition.column})`,
          );
        }
        entries.push({
          key: keyNode.value,
          keyPosition: keyNode.position,
          value: convert(pair.value, depth + 1, keyNode.position, joinPath(path, keyNode.value)),
        });
      }
      return { kind: "map", entries, position };
    }
    return fail(position, "unsupported YAML node");
  };
  return convert(doc.contents, 0, start, "");
}

/** Appends a key to a playbook path: `statements[0]` + `expect` → `statements[0].expect`. */
export function joinPath(path: string, key: string): string {
  return path === "" ? key : `${path}.${key}`;
}

/** Names a path in a message; the root is "the playbook". */
export function describePath(path: string): string {
  return path === "" ? "the playbook" : path;
}

/** The value of a key of a mapping. */
export function entry(map: MapNode, key: string): YamlNode | undefined {
  return map.entries.find((e) => e.key === key)?.value;
}

/** The scalar under a key whose shape was checked to be a string. */
export function stringNode(map: MapNode, key: string): (ScalarNode & { readonly value: string }) | undefined {
  const node = entry(map, key);
  return node?.kind === "scalar" && typeof node.value === "string" ? node as ScalarNode & { value: string } : undefined;
}

/** The text under a key whose shape was checked to be a string. */
export function stringValue(map: MapNode, key: string): string | undefined {
  return stringNode(map, key)?.value;
}

/** The string scalars of a list under a key whose shape was checked to be a list of strings. */
export function stringNodes(map: MapNode, key: string): (ScalarNode & { readonly value: string })[] {
  const node = entry(map, key);
  if (node?.kind !== "list") return [];
  return node.items.filter((i): i is ScalarNode & { value: string } =>
    i.kind === "scalar" && typeof i.value === "string"
  );
}

/** The maps of a list under a key whose shape was checked to be a list of mappings. */
export function mapNodes(map: MapNode, key: string): MapNode[] {
  const node = entry(map, key);
  return node?.kind === "list" ? node.items.filter((i): i is MapNode => i.kind === "map") : [];
}
