/**
 * Value references: `statement.release.payload | json image-digest | strip-prefix "sha256:" | hex`. A reference
 * is parsed and type-checked when the playbook loads, and resolved against the evidence when it runs.
 *
 * Sources: `<kind>.<id>.<field>` (for example `statement.release.payload`), `literal <JSON value>`
 * (`literal "text"`, `literal 3`), `hex:<hex digits>`. The pipes after them are those of `pipes.ts`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseValueRef, resolveValue } from "./reference.ts";
 * const scope = { statement: { ids: ["release"], fields: { payload: "bytes" as const } } };
 * const site = { file: "p.yaml", position: { line: 1, column: 1 }, path: "measurements[0].value" };
 * const ref = parseValueRef("statement.release.payload | utf8", scope, site);
 * const lookup = () => ({ value: { type: "bytes" as const, bytes: new TextEncoder().encode("hi") } });
 * deepStrictEqual(await resolveValue(ref, lookup), { ok: true, value: { type: "text", text: "hi" } });
 * ```
 *
 * @module
 */

import { fromHex } from "../bytes.ts";
import { jsonProblem } from "../report/canonical_json.ts";
import { applyPipe, type Pipe, PIPE_TABLE, type PipeName, PIPES } from "./pipes.ts";
import { PlaybookError, type Position, where } from "./playbook_error.ts";
import { type Value, valueOfJson, type ValueType } from "./value.ts";

/** Where a reference reads from. */
export type ValueSource =
  | { readonly kind: "evidence"; readonly prefix: string; readonly id: string; readonly field: string }
  | { readonly kind: "literal"; readonly value: Value };

/** A parsed, type-checked reference. */
export interface ValueRef {
  /** The reference as written. */
  readonly text: string;
  /** Its source. */
  readonly source: ValueSource;
  /** Its pipes, in order. */
  readonly pipes: readonly Pipe[];
  /** Its static type after the pipes. */
  readonly type: ValueType;
  /** `file:line:column` of the reference in the playbook. */
  readonly at: string;
  /** Its playbook path, e.g. `measurements[0].equals`. */
  readonly path: string;
}

/** The referenceable evidence: per prefix (`statement`), the ids that exist and the fields with their types. */
export interface ReferenceScope {
  readonly [prefix: string]: {
    readonly ids: readonly string[];
    readonly fields: Readonly<Record<string, ValueType>>;
  };
}

/** Splits at `|` outside JSON-quoted strings. */
function splitPipes(text: string): string[] | undefined {
  const parts: string[] = [];
  let current = "";
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (quoted && c === "\\") {
      current += c + (text[i + 1] ?? "");
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
    if (c === "|" && !quoted) {
      parts.push(current.trim());
      current = "";
    } else {
      current += c;
    }
  }
  if (quoted) return undefined;
  parts.push(current.trim());
  return parts;
}

/**
 * Parses a dotted JSON path with array indices: `a.b[0].c` → `["a", "b", 0, "c"]`.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { parseJsonPath } from "./reference.ts";
 * deepStrictEqual(parseJsonPath("containers[0].image"), ["containers", 0, "image"]);
 * ```
 */
export function parseJsonPath(text: string): (string | number)[] | undefined {
  const out: (string | number)[] = [];
  for (const segment of text.split(".")) {
    const match = /^([^.[\]\s]+)((?:\[\d+\])*)$/.exec(segment);
    if (!match) return undefined;
    out.push(match[1]!);
    for (const index of match[2]!.matchAll(/\[(\d+)\]/g)) out.push(Number(index[1]));
  }
  return out;
}

/** Where a reference is, for parsing. */
export interface ReferenceSite {
  /** The playbook file name. */
  readonly file: string;
  /** The position of the reference's scalar. */
  readonly position: Position;
  /** Its playbook path, e.g. `measurements[0].value`. */
  readonly path: string;
}

/**
 * Parses and type-checks a reference; throws a {@linkcode PlaybookError} `PLAYBOOK_REFERENCE` naming the playbook
 * line when it is malformed, names an id or field that does not exist, or has a pipe that cannot apply.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseValueRef } from "./reference.ts";
 * const scope = { statement: { ids: ["release"], fields: { payload: "bytes" as const } } };
 * const ref = parseValueRef('statement.release.payload | json image-digest | strip-prefix "sha256:" | hex', scope, {
 *   file: "demo.yaml", position: { line: 30, column: 13 }, path: "artifacts[0].equals",
 * });
 * assert(ref.type === "bytes" && ref.pipes.length === 3);
 * ```
 */
export function parseValueRef(text: string, scope: ReferenceScope, site: ReferenceSite): ValueRef {
  const fail = (detail: string): never => {
    throw new PlaybookError("PLAYBOOK_REFERENCE", site.file, site.position, detail);
  };
  const parts = splitPipes(text);
  if (!parts) return fail(`unterminated quoted text in '${text}' at ${site.path}`);
  const [head, ...pipeTexts] = parts as [string, ...string[]];
  const source = parseSource(head, scope, site.path, fail);
  let type: ValueType = source.kind === "literal" ? source.value.type : scope[source.prefix]!.fields[source.field]!;
  const pipes: Pipe[] = [];
  for (const pipeText of pipeTexts) {
    const pipe = parsePipe(pipeText, site.path, fail);
    const { accepts, returns } = PIPE_TABLE[pipe.name];
    if (!accepts.includes(type)) {
      fail(
        `pipe '${pipe.name}' cannot apply to ${type} at ${site.path} (it takes ${
          accepts.filter((t) => t !== "json").join(" or ")
        })`,
      );
    }
    type = returns;
    pipes.push(pipe);
  }
  return { text, source, pipes, type, at: where(site.file, site.position), path: site.path };
}

function parseSource(
  head: string,
  scope: ReferenceScope,
  path: string,
  fail: (detail: string) => never,
): ValueSource {
  if (head.startsWith("literal ")) {
    try {
      const json = JSON.parse(head.slice(8));
      const problem = jsonProblem(json);
      if (problem) return fail(`invalid literal at ${path}: ${problem}`);
      return { kind: "literal", value: valueOfJson(json) };
    } catch (error) {
      if (error instanceof PlaybookError) throw error;
      return fail(`invalid literal at ${path}: expected literal followed by a JSON value, found '${head}'`);
    }
  }
  if (head.startsWith("hex:")) {
    try {
      return { kind: "literal", value: { type: "bytes", bytes: fromHex(head.slice(4)) } };
    } catch {
      return fail(`invalid literal at ${path}: expected hex: followed by an even number of hex digits`);
    }
  }
  const forms = [...Object.keys(scope).map((p) => `${p}.<id>.<field>`), "literal <JSON value>", "hex:<hex>"];
  const match = /^([a-z-]+)\.([A-Za-z0-9_-]+)\.([a-z0-9-]+)$/.exec(head);
  const kind = match ? scope[match[1]!] : undefined;
  if (!match || !kind) return fail(`cannot read reference '${head}' at ${path}: expected ${forms.join(", ")}`);
  const [, prefix, id, field] = match as unknown as [string, string, string, string];
  if (!kind.ids.includes(id)) {
    fail(
      `unknown ${prefix} id '${id}' in '${head}' at ${path} (${prefix} ids: ${kind.ids.join(", ") || "none"})`,
    );
  }
  if (!(field in kind.fields)) {
    fail(
      `unknown field '${field}' of ${prefix} '${id}' at ${path} (expected one of ${
        Object.keys(kind.fields).join(", ")
      })`,
    );
  }
  return { kind: "evidence", prefix, id, field };
}

function parsePipe(text: string, path: string, fail: (detail: string) => never): Pipe {
  const space = text.search(/\s/);
  const name = space < 0 ? text : text.slice(0, space);
  const rest = space < 0 ? "" : text.slice(space).trim();
  if (!(PIPES as readonly string[]).includes(name)) {
    fail(`unknown pipe '${name}' at ${path} (expected one of ${PIPES.join(", ")})`);
  }
  const pipe = name as PipeName;
  const kind = PIPE_TABLE[pipe].argument;
  if (kind === undefined) {
    if (rest !== "") fail(`pipe '${pipe}' at ${path} takes no argument, found '${rest}'`);
    return { name: pipe, text };
  }
  if (rest === "") fail(`pipe '${pipe}' at ${path} needs an argument: ${pipe} <${kind}>`);
  const argument = unquote(rest);
  if (argument === undefined) return fail(`invalid argument of pipe '${pipe}' at ${path}: '${rest}'`);
  if (kind === "text") return { name: pipe, prefix: argument, text };
  const jsonPath = parseJsonPath(argument);
  if (!jsonPath) fail(`invalid JSON path '${argument}' at ${path}: expected names separated by dots, with [index]`);
  return { name: pipe, path: jsonPath!, text };
}

function unquote(text: string): string | undefined {
  if (!text.startsWith('"')) return /\s/.test(text) ? undefined : text;
  try {
    const value = JSON.parse(text);
    return typeof value === "string" ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Looks up an evidence value; `undefined` with a reason when the evidence could not provide it. */
export type ValueLookup = (
  source: Extract<ValueSource, { kind: "evidence" }>,
) => { readonly value: Value } | { readonly missing: string };

/** The outcome of resolving a reference. */
export type Resolution = { readonly ok: true; readonly value: Value } | {
  readonly ok: false;
  readonly message: string;
};

/**
 * Resolves a reference: reads its source and applies its pipes. A pipe that cannot apply to the actual value
 * gives a message naming the playbook line.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { parseValueRef, resolveValue } from "./reference.ts";
 * const ref = parseValueRef('literal "abc" | sha256', {}, { file: "p.yaml", position: { line: 1, column: 1 }, path: "x" });
 * const result = await resolveValue(ref, () => ({ missing: "none" }));
 * assert(result.ok && result.value.type === "bytes");
 * ```
 */
export async function resolveValue(ref: ValueRef, lookup: ValueLookup): Promise<Resolution> {
  let value: Value;
  if (ref.source.kind === "literal") {
    value = ref.source.value;
  } else {
    const found = lookup(ref.source);
    if ("missing" in found) {
      return { ok: false, message: `${ref.at}: cannot resolve '${ref.text}': ${found.missing}` };
    }
    value = found.value;
  }
  for (const pipe of ref.pipes) {
    const next = await applyPipe(pipe, value);
    if (typeof next === "string") {
      return { ok: false, message: `${ref.at}: cannot apply '${pipe.text}' in '${ref.text}': ${next}` };
    }
    value = next;
  }
  return { ok: true, value };
}
