/**
 * The JSON Canonicalization Scheme (RFC 8785): one byte sequence for a JSON value, so a report can be
 * hashed and signed and the same inputs give the same bytes.
 *
 * @module
 */

/** A JSON value (what report details may hold). */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** Nesting deeper than this is refused (a cycle would otherwise recurse forever). */
const MAX_DEPTH = 64;

/**
 * Serialises a JSON value canonically (RFC 8785): object members sorted by the UTF-16 code units of their names,
 * numbers as ECMAScript prints them, strings with only the escapes JCS requires, no whitespace.
 *
 * Object members whose value is `undefined` are left out, as `JSON.stringify` does. A non-finite number or a
 * string with a lone surrogate (not I-JSON, RFC 8785 §3.1) is a `RangeError`; anything that is not JSON
 * (a function, a bigint, `undefined` outside an object) is a `TypeError`.
 *
 * @param value The JSON value.
 * @returns Its canonical serialisation.
 * @throws {RangeError} For a non-finite number or a lone surrogate.
 * @throws {TypeError} For a value that is not JSON.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { canonicalJson } from "./canonical_json.ts";
 * equal(canonicalJson({ b: [1e30, 4.5], a: "\u20ac\n" }), '{"a":"€\\n","b":[1e+30,4.5]}');
 * ```
 */
export function canonicalJson(value: Json): string {
  return serialize(value, 0);
}

function serialize(value: unknown, depth: number): string {
  if (depth > MAX_DEPTH) throw new RangeError(`Cannot canonicalise JSON: nesting deeper than ${MAX_DEPTH}`);
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
      return value ? "true" : "false";
    case "number":
      return serializeNumber(value);
    case "string":
      return serializeString(value);
    case "object":
      return Array.isArray(value) ? serializeArray(value, depth) : serializeObject(value as object, depth);
    default:
      throw new TypeError(`Cannot canonicalise JSON: a ${typeof value} is not a JSON value`);
  }
}

/** RFC 8785 §3.2.2.3: the ECMAScript Number-to-String algorithm, which `String()` implements; -0 prints as 0. */
function serializeNumber(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`Cannot canonicalise JSON: ${value} is not a finite number`);
  return String(value);
}

const SHORT_ESCAPES: Readonly<Record<number, string>> = {
  0x08: "\\b",
  0x09: "\\t",
  0x0a: "\\n",
  0x0c: "\\f",
  0x0d: "\\r",
  0x22: '\\"',
  0x5c: "\\\\",
};

/** RFC 8785 §3.2.2.2: escape `"`, `\` and the controls below U+0020; everything else is literal. */
function serializeString(value: string): string {
  let out = '"';
  for (let i = 0; i < value.length; i++) {
    const unit = value.charCodeAt(i);
    const short = SHORT_ESCAPES[unit];
    if (short !== undefined) out += short;
    else if (unit < 0x20) out += `\\u${unit.toString(16).padStart(4, "0")}`;
    else if (unit >= 0xd800 && unit <= 0xdfff) {
      const next = value.charCodeAt(i + 1);
      if (unit > 0xdbff || !(next >= 0xdc00 && next <= 0xdfff)) {
        throw new RangeError(`Cannot canonicalise JSON: lone surrogate U+${unit.toString(16).toUpperCase()}`);
      }
      out += value[i]! + value[i + 1]!;
      i++;
    } else out += value[i];
  }
  return out + '"';
}

function serializeArray(items: readonly unknown[], depth: number): string {
  return `[${
    items.map((item, i) => {
      if (item === undefined) throw new TypeError(`Cannot canonicalise JSON: array item ${i} is undefined`);
      return serialize(item, depth + 1);
    }).join(",")
  }]`;
}

/** RFC 8785 §3.2.3: members sorted by name as arrays of UTF-16 code units (what `<` compares on strings). */
function serializeObject(object: object, depth: number): string {
  const prototype = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    throw new TypeError(`Cannot canonicalise JSON: a ${object.constructor?.name ?? "class"} is not a plain object`);
  }
  const entries = Object.entries(object).filter(([, v]) => v !== undefined);
  entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${serializeString(k)}:${serialize(v, depth + 1)}`).join(",")}}`;
}

/**
 * Why a parsed JSON value cannot go into a report (I-JSON, RFC 7493): a number that is not finite (`1e400`),
 * a string or member name with a lone surrogate (`"\ud800"`), or nesting deeper than `maxDepth`; `undefined`
 * when it can.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { jsonProblem } from "./canonical_json.ts";
 * assert(jsonProblem(JSON.parse("[1e400]")) === "a number is too large to represent (not finite)");
 * assert(jsonProblem({ a: [1, "x"] }) === undefined);
 * ```
 */
export function jsonProblem(value: unknown, maxDepth = 32): string | undefined {
  const visit = (v: unknown, depth: number): string | undefined => {
    if (typeof v === "number") {
      return Number.isFinite(v) ? undefined : "a number is too large to represent (not finite)";
    }
    if (typeof v === "string") {
      return v.isWellFormed() ? undefined : "a string holds a lone surrogate (not Unicode text)";
    }
    if (v === null || typeof v !== "object") return undefined;
    if (depth >= maxDepth) return `the value is nested deeper than ${maxDepth} levels`;
    if (Array.isArray(v)) {
      for (const item of v) {
        const problem = visit(item, depth + 1);
        if (problem) return problem;
      }
      return undefined;
    }
    for (const [k, item] of Object.entries(v)) {
      if (!k.isWellFormed()) return "a member name holds a lone surrogate (not Unicode text)";
      const problem = visit(item, depth + 1);
      if (problem) return problem;
    }
    return undefined;
  };
  return visit(value, 0);
}
