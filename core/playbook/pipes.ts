/**
 * The pipes of a value reference, one entry each in {@linkcode PIPE_TABLE}: the value types a pipe takes, the
 * type it gives, the argument it needs, and how it applies to a value when the audit runs.
 *
 * - `json <path>`: select from JSON (bytes or text are parsed first); a dotted path with array indices, `a.b[0]`
 * - `base64`, `base64url`, `hex`: decode text to bytes
 * - `utf8`: decode bytes to text
 * - `sha256`, `sha384`, `sha512`: hash bytes, or the UTF-8 of text
 * - `strip-prefix <text>`: remove a prefix that must be present (quote it as a JSON string if it has spaces)
 *
 * @example
 * ```ts
 * import { deepStrictEqual } from "node:assert/strict";
 * import { applyPipe } from "./pipes.ts";
 * const value = await applyPipe({ name: "strip-prefix", prefix: "sha256:", text: 'strip-prefix "sha256:"' }, {
 *   type: "text",
 *   text: "sha256:00ff",
 * });
 * deepStrictEqual(value, { type: "text", text: "00ff" });
 * ```
 *
 * @module
 */

import { fromBase64, fromHex, fromUtf8, utf8 } from "../bytes.ts";
import { digest, type HashName } from "../crypto/digest.ts";
import { jsonProblem } from "../report/canonical_json.ts";
import type { Json } from "../report/model.ts";
import { describeValue, type Value, valueOfJson, type ValueType } from "./value.ts";

/** A pipe's parsed argument: the path of `json`, the text of `strip-prefix`. */
export interface PipeArgument {
  /** `json` path segments. */
  readonly path?: readonly (string | number)[];
  /** `strip-prefix` text. */
  readonly prefix?: string;
}

/** What one pipe is. */
export interface PipeSpec {
  /** The static types it applies to; `json` values are checked again when it runs. */
  readonly accepts: readonly ValueType[];
  /** The static type it gives. */
  readonly returns: ValueType;
  /**
   * The argument it needs, as the usage names it (`json <path>`, `strip-prefix <text>`): a JSON path, kept as
   * {@linkcode PipeArgument.path}, or a text, kept as {@linkcode PipeArgument.prefix}; absent when it takes none.
   */
  readonly argument?: "path" | "text";
  /** Applies it to a value; the reason as a string when it cannot apply. */
  readonly apply: (value: Value, argument: PipeArgument) => Value | string | Promise<Value | string>;
}

function textOf(value: Value): string | undefined {
  if (value.type === "text") return value.text;
  if (value.type === "json" && typeof value.json === "string") return value.json;
  return undefined;
}

/** A pipe decoding text to bytes; `valid` is checked before `decode` runs. */
function decodingPipe(name: string, valid: RegExp, decode: (text: string) => Uint8Array): PipeSpec {
  return {
    accepts: ["text", "json"],
    returns: "bytes",
    apply: (value) => {
      const text = textOf(value);
      if (text === undefined) return `expected text, found ${describeValue(value)}`;
      try {
        if (!valid.test(text)) throw new SyntaxError("invalid characters");
        return { type: "bytes", bytes: decode(text) };
      } catch {
        return `the text is not valid ${name}`;
      }
    },
  };
}

/** A pipe hashing bytes, or the UTF-8 of text. */
function hashingPipe(hash: HashName): PipeSpec {
  return {
    accepts: ["bytes", "text", "json"],
    returns: "bytes",
    apply: async (value) => {
      const text = textOf(value);
      const bytes = value.type === "bytes" ? value.bytes : text !== undefined ? utf8(text) : undefined;
      if (!bytes) return `expected bytes or text, found ${describeValue(value)}`;
      return { type: "bytes", bytes: await digest(hash, bytes) };
    },
  };
}

function safeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return fromUtf8(bytes);
  } catch {
    return undefined;
  }
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
  return valueOfJson(json);
}

const TABLE = {
  "json": {
    accepts: ["bytes", "text", "json"],
    returns: "json",
    argument: "path",
    apply: (value, argument) => selectJson(value, argument.path!),
  },
  "base64": decodingPipe("base64", /^[A-Za-z0-9+/]*={0,2}$/, fromBase64),
  "base64url": decodingPipe("base64url", /^[A-Za-z0-9_-]*$/, fromBase64),
  // Any non-empty text: fromHex checks the digits.
  "hex": decodingPipe("hex", /./s, fromHex),
  "utf8": {
    accepts: ["bytes"],
    returns: "text",
    apply: (value) => {
      if (value.type !== "bytes") return `expected bytes, found ${describeValue(value)}`;
      try {
        return { type: "text", text: fromUtf8(value.bytes) };
      } catch {
        return "the bytes are not valid UTF-8";
      }
    },
  },
  "sha256": hashingPipe("SHA-256"),
  "sha384": hashingPipe("SHA-384"),
  "sha512": hashingPipe("SHA-512"),
  "strip-prefix": {
    accepts: ["text", "json"],
    returns: "text",
    argument: "text",
    apply: (value, argument) => {
      const text = textOf(value);
      if (text === undefined) return `expected text, found ${describeValue(value)}`;
      if (!text.startsWith(argument.prefix!)) return `the text does not start with '${argument.prefix}'`;
      return { type: "text", text: text.slice(argument.prefix!.length) };
    },
  },
} satisfies Readonly<Record<string, PipeSpec>>;

/** A pipe name. */
export type PipeName = keyof typeof TABLE;

/**
 * Every pipe, by name, in the order messages list them.
 *
 * @example
 * ```ts
 * import { deepStrictEqual, strictEqual } from "node:assert/strict";
 * import { PIPE_TABLE } from "./pipes.ts";
 * deepStrictEqual(PIPE_TABLE.utf8.accepts, ["bytes"]);
 * strictEqual(PIPE_TABLE["strip-prefix"].argument, "text");
 * ```
 */
export const PIPE_TABLE: Readonly<Record<PipeName, PipeSpec>> = TABLE;

/**
 * The pipe names, in table order.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { PIPES } from "./pipes.ts";
 * assert(PIPES.includes("sha256") && PIPES.at(-1) === "strip-prefix");
 * ```
 */
export const PIPES: readonly PipeName[] = Object.keys(TABLE) as PipeName[];

/** One pipe of a reference. */
export interface Pipe extends PipeArgument {
  /** The pipe. */
  readonly name: PipeName;
  /** The pipe as written, for messages. */
  readonly text: string;
}

/**
 * Applies one pipe to a value; returns the reason as a string when it cannot apply.
 *
 * @example
 * ```ts
 * import { strictEqual } from "node:assert/strict";
 * import { applyPipe } from "./pipes.ts";
 * strictEqual(await applyPipe({ name: "utf8", text: "utf8" }, { type: "number", number: 1 }), "expected bytes, found a number");
 * ```
 */
export async function applyPipe(pipe: Pipe, value: Value): Promise<Value | string> {
  if (!Object.hasOwn(PIPE_TABLE, pipe.name)) return `unknown pipe '${pipe.name}'`;
  return await PIPE_TABLE[pipe.name].apply(value, pipe);
}
