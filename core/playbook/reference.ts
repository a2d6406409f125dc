/**
 * Value references and pipes: `statement.release.payload | json image-digest | strip-prefix "sha256:" | hex`.
 * A reference is parsed and type-checked when the playbook loads, and resolved against the evidence when it runs.
 *
 * Sources: `<kind>.<id>.<field>` (for example `statement.release.payload`), `literal <JSON value>`
 * (`literal "text"`, `literal 3`), `hex:<hex digits>`.
 *
 * Pipes: `json <path>` (dotted path with array indices: `a.b[0]`), `base64`, `base64url`, `hex` (decode text to
 * bytes), `utf8` (decode bytes to text), `sha256`, `sha384`, `sha512` (hash bytes, or the UTF-8 of text),
 * `strip-prefix <text>` (remove a prefix that must be present; quote it as a JSON string if it has spaces).
 *
 * @module
 */

import { equalBytes, fromBase64, fromHex, fromUtf8, toHex, utf8 } from "../bytes.ts";
import { digest, type HashName } from "../crypto/digest.ts";
import { canonicalJson, jsonProblem } from "../report/canonical_json.ts";
import type { Json } from "../report/model.ts";
import { PlaybookError, type Position, where } from "./playbook_error.ts";

/** The static type of a value: `json` is any JSON value, known only when the audit runs. */
export type ValueType = "bytes" | "text" | "number" | "json";

/** A resolved value. */
export type Value =
  | { readonly type: "bytes"; readonly bytes: Uint8Array }
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "number"; readonly number: number }
  | { readonly type: "json"; readonly json: Json };

/** The pipe names. */
export const PIPES = [
  "json",
  "base64",
  "base64url",
  "hex",
  "utf8",
  "sha256",
  "sha384",
  "sha512",
  "strip-prefix",
] as const;

/** A pipe name. */
export type PipeName = (typeof PIPES)[number];

/** One pipe of a reference. */
export interface Pipe {
  /** The pipe. */
  readonly name: PipeName;
  /** `json` path segments. */
  readonly path?: readonly (string | number)[];
  /** `strip-prefix` text. */
  readonly prefix?: string;
  /** The pipe as written, for messages. */
  readonly text: string;
}

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

const ACCEPTS: Readonly<Record<PipeName, readonly ValueType[]>> = {
  "json": ["bytes", "text", "json"],
  "base64": ["text", "json"],
  "base64url": ["text", "json"],
  "hex": ["text", "json"],
  "utf8": ["bytes"],
  "sha256": ["bytes", "text", "json"],
  "sha384": ["bytes", "text", "json"],
  "sha512": ["bytes", "text", "json"],
  "strip-prefix": ["text", "json"],
};

const RETURNS: Readonly<Record<PipeName, ValueType>> = {
  "json": "json",
  "base64": "bytes",
  "base64url": "bytes",
  "hex": "bytes",
  "utf8": "text",
  "sha256": "bytes",
  "sha384": "bytes",
  "sha512": "bytes",
  "strip-prefix": "text",
};

const HASHES: Readonly<Partial<Record<PipeName, HashName>>> = {
  sha256: "SHA-256",
  sha384: "SHA-384",
  sha512: "SHA-512",
};

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
 * import { parseJsonPath } from "./reference.ts";
 * console.assert(JSON.stringify(parseJsonPath("containers[0].image")) === '["containers",0,"image"]');
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

function literalValue(json: unknown): Value {
  if (typeof json === "string") return { type: "text", text: json };
  if (typeof json === "number") return { type: "number", number: json };
  return { type: "json", json: json as Json };
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
 * import { parseValueRef } from "./reference.ts";
 * const scope = { statement: { ids: ["release"], fields: { payload: "bytes" as const } } };
 * const ref = parseValueRef('statement.release.payload | json image-digest | strip-prefix "sha256:" | hex', scope, {
 *   file: "demo.yaml", position: { line: 30, column: 13 }, path: "artifacts[0].equals",
 * });
 * console.assert(ref.type === "bytes" && ref.pipes.length === 3);
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
    if (!ACCEPTS[pipe.name].includes(type)) {
      fail(
        `pipe '${pipe.name}' cannot apply to ${type} at ${site.path} (it takes ${
          ACCEPTS[pipe.name].filter((t) => t !== "json").join(" or ")
        })`,
      );
    }
    type = RETURNS[pipe.name];
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
      return { kind: "literal", value: literalValue(json) };
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
  const needsArgument = pipe === "json" || pipe === "strip-prefix";
  if (!needsArgument) {
    if (rest !== "") fail(`pipe '${pipe}' at ${path} takes no argument, found '${rest}'`);
    return { name: pipe, text };
  }
  if (rest === "") {
    fail(`pipe '${pipe}' at ${path} needs an argument: ${pipe === "json" ? "json <path>" : "strip-prefix <text>"}`);
  }
  const argument = unquote(rest);
  if (argument === undefined) return fail(`invalid argument of pipe '${pipe}' at ${path}: '${rest}'`);
  if (pipe === "strip-prefix") return { name: pipe, prefix: argument, text };
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
 * import { parseValueRef, resolveValue } from "./reference.ts";
 * const ref = parseValueRef('literal "abc" | sha256', {}, { file: "p.yaml", position: { line: 1, column: 1 }, path: "x" });
 * const result = await resolveValue(ref, () => ({ missing: "none" }));
 * console.assert(result.ok && result.value.type === "bytes");
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

function textOf(value: Value): string | undefined {
  if (value.type === "text") return value.text;
  if (value.type === "json" && typeof value.json === "string") return value.json;
  return undefined;
}

/** Applies one pipe; returns the reason as a string when it cannot apply. */
async function applyPipe(pipe: Pipe, value: Value): Promise<Value | string> {
  const text = textOf(value);
  const hash = HASHES[pipe.name];
  if (hash) {
    const bytes = value.type === "bytes" ? value.bytes : text !== undefined ? utf8(text) : undefined;
    if (!bytes) return `expected bytes or text, found ${describeValue(value)}`;
    return { type: "bytes", bytes: await digest(hash, bytes) };
  }
  switch (pipe.name) {
    case "json":
      return selectJson(value, pipe.path!);
    case "base64":
    case "base64url":
    case "hex": {
      if (text === undefined) return `expected text, found ${describeValue(value)}`;
      const decode = pipe.name === "hex" ? fromHex : fromBase64;
      const valid = pipe.name === "base64"
        ? /^[A-Za-z0-9+/]*={0,2}$/
        : pipe.name === "base64url"
        ? /^[A-Za-z0-9_-]*$/
        : /./s;
      try {
        if (!valid.test(text)) throw new SyntaxError("invalid characters");
        return { type: "bytes", bytes: decode(text) };
      } catch {
        return `the text is not valid ${pipe.name}`;
      }
    }
    case "utf8":
      if (value.type !== "bytes") return `expected bytes, found ${describeValue(value)}`;
      try {
        return { type: "text", text: fromUtf8(value.bytes) };
      } catch {
        return "the bytes are not valid UTF-8";
      }
    case "strip-prefix":
      if (text === undefined) return `expected text, found ${describeValue(value)}`;
      if (!text.startsWith(pipe.prefix!)) return `the text does not start with '${pipe.prefix}'`;
      return { type: "text", text: text.slice(pipe.prefix!.length) };
  }
  return `unknown pipe '${pipe.name}'`;
}

function selectJson(value: Value, path: readonly (string | number)[]): Value | string {
  let json: Json;
  if (value.type === "json") {
    json = value.json;
  } else {
    const text = value.type === "bytes" ? safeUtf8(value.bytes) : value.type === "text" ? value.text : undefined;
    if (text === undefined) return `expected JSON text, found ${describeValue(value)}`;
    try {
      json = JSON.parse(text);
    } catch {
      return "the value is not JSON";
    }
    const problem = jsonProblem(json);
    if (problem) return `the value is not usable JSON: ${problem}`;
  }
  for (const step of path) {
    if (typeof step === "number") {
      if (!Array.isArray(json) || step >= json.length) return `no item [${step}] in the JSON value`;
      json = json[step]!;
    } else {
      if (json === null || typeof json !== "object" || Array.isArray(json) || !Object.hasOwn(json, step)) {
        return `no member '${step}' in the JSON value`;
      }
      json = (json as { [key: string]: Json })[step]!;
    }
  }
  return literalValue(json);
}

function safeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8(bytes);
  } catch {
    return undefined;
  }
}

function describeValue(value: Value): string {
  if (value.type === "json") {
    return value.json === null ? "null" : Array.isArray(value.json) ? "a JSON array" : `a JSON ${typeof value.json}`;
  }
  return value.type === "bytes" ? "bytes" : value.type === "text" ? "text" : "a number";
}

/**
 * Compares two resolved values: same type and same content (JSON values canonically).
 *
 * @example
 * ```ts
 * import { valuesEqual } from "./reference.ts";
 * console.assert(valuesEqual({ type: "text", text: "a" }, { type: "text", text: "a" }) === true);
 * console.assert(typeof valuesEqual({ type: "text", text: "a" }, { type: "number", number: 1 }) === "string");
 * ```
 */
export function valuesEqual(a: Value, b: Value): boolean | string {
  if (a.type !== b.type) return `cannot compare ${describeValue(a)} with ${describeValue(b)}`;
  switch (a.type) {
    case "bytes":
      return equalBytes(a.bytes, (b as typeof a).bytes);
    case "text":
      return a.text === (b as typeof a).text;
    case "number":
      return a.number === (b as typeof a).number;
    case "json":
      return canonicalJson(a.json) === canonicalJson((b as typeof a).json);
  }
}

/** Bytes longer than this are shown in reports by size and digest rather than in full. */
const MAX_SHOWN_BYTES = 256;

/**
 * A value as report details show it: bytes as lowercase hex (long ones as size and a note), text and JSON as is.
 *
 * @example
 * ```ts
 * import { showValue } from "./reference.ts";
 * console.assert(showValue({ type: "bytes", bytes: new Uint8Array([1, 255]) }) === "01ff");
 * ```
 */
export function showValue(value: Value): Json {
  switch (value.type) {
    case "bytes":
      return value.bytes.length <= MAX_SHOWN_BYTES ? toHex(value.bytes) : `(${value.bytes.length} bytes)`;
    case "text":
      return value.text;
    case "number":
      return value.number;
    case "json":
      return value.json;
  }
}
