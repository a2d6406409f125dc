/**
 * The values a playbook reference resolves to (bytes, text, a number or a JSON value), how two of them compare,
 * and how messages and report details show them.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { showValue, valuesEqual } from "./value.ts";
 * strictEqual(valuesEqual({ type: "number", number: 3 }, { type: "number", number: 3 }), true);
 * strictEqual(showValue({ type: "text", text: "hi" }), "hi");
 * ```
 *
 * @module
 */

import { equalBytes, toHex } from "../bytes.ts";
import { canonicalJson } from "../report/canonical_json.ts";
import type { Json } from "../report/model.ts";

/** The static type of a value: `json` is any JSON value, known only when the audit runs. */
export type ValueType = "bytes" | "text" | "number" | "json";

/** A resolved value. */
export type Value =
  | { readonly type: "bytes"; readonly bytes: Uint8Array }
  | { readonly type: "text"; readonly text: string }
  | { readonly type: "number"; readonly number: number }
  | { readonly type: "json"; readonly json: Json };

/**
 * A JSON value as a {@linkcode Value}: a string is text, a number is a number, anything else stays JSON.
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { valueOfJson } from "./value.ts";
 * deepStrictEqual(valueOfJson("abc"), { type: "text", text: "abc" });
 * deepStrictEqual(valueOfJson([1]), { type: "json", json: [1] });
 * ```
 */
export function valueOfJson(json: unknown): Value {
  if (typeof json === "string") return { type: "text", text: json };
  if (typeof json === "number") return { type: "number", number: json };
  return { type: "json", json: json as Json };
}

/**
 * What a value is, for messages: `bytes`, `text`, `a number`, `null`, `a JSON array`, `a JSON object`, ….
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { describeValue } from "./value.ts";
 * strictEqual(describeValue({ type: "json", json: [1, 2] }), "a JSON array");
 * strictEqual(describeValue({ type: "number", number: 1 }), "a number");
 * ```
 */
export function describeValue(value: Value): string {
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
 * import { strictEqual } from "node:assert/strict";
 * import { valuesEqual } from "./value.ts";
 * strictEqual(valuesEqual({ type: "text", text: "a" }, { type: "text", text: "a" }), true);
 * strictEqual(valuesEqual({ type: "text", text: "a" }, { type: "number", number: 1 }), "cannot compare text with a number");
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
 * import { strictEqual } from "node:assert/strict";
 * import { showValue } from "./value.ts";
 * strictEqual(showValue({ type: "bytes", bytes: new Uint8Array([1, 255]) }), "01ff");
 * strictEqual(showValue({ type: "bytes", bytes: new Uint8Array(300) }), "(300 bytes)");
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
