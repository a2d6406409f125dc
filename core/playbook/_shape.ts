/**
 * A small shape language for the playbook: one description serves the loader (which checks a YAML tree against
 * it, with positioned messages) and the shipped JSON Schema (generated from it), so the two cannot drift.
 *
 * @module
 */

import type { Json } from "../report/model.ts";
import { describePath, joinPath, type ListNode, type MapNode, type YamlNode } from "./_yaml.ts";
import { PlaybookError } from "./playbook_error.ts";

/** A text value, optionally from a fixed list or with a format the loader checks later. */
export interface StringShape {
  readonly type: "string";
  readonly description: string;
  readonly enum?: readonly string[];
  /** A regular expression the whole text must match, and what it means in words. */
  readonly pattern?: { readonly source: string; readonly meaning: string };
  /** JSON Schema `format` (for editors); the loader checks formats itself where it reads them. */
  readonly format?: "date-time";
}

/** An integer, optionally bounded or fixed. */
export interface IntegerShape {
  readonly type: "integer";
  readonly description: string;
  readonly minimum?: number;
  readonly const?: number;
}

/** A boolean, optionally fixed (`debug: false` states an expectation the tool enforces anyway). */
export interface BooleanShape {
  readonly type: "boolean";
  readonly description: string;
  readonly const?: boolean;
}

/** A list of items of one shape. */
export interface ListShape {
  readonly type: "array";
  readonly description: string;
  readonly items: Shape;
  readonly minItems?: number;
}

/** A field of an object shape. */
export interface Field {
  readonly shape: Shape;
  readonly required?: boolean;
}

/** A mapping with known keys; any other key is an error. */
export interface ObjectShape {
  readonly type: "object";
  readonly description: string;
  readonly fields: Readonly<Record<string, Field>>;
}

/** Any shape. */
export type Shape = StringShape | IntegerShape | BooleanShape | ListShape | ObjectShape;

/** What a shape expects, in words: "a string", "a list of strings", "a mapping". */
export function expected(shape: Shape): string {
  switch (shape.type) {
    case "string":
      return "a string";
    case "integer":
      return "an integer";
    case "boolean":
      return "true or false";
    case "array":
      return `a list of ${plural(shape.items)}`;
    case "object":
      return "a mapping";
  }
}

function plural(shape: Shape): string {
  switch (shape.type) {
    case "string":
      return "strings";
    case "integer":
      return "integers";
    case "boolean":
      return "booleans";
    case "array":
      return "lists";
    case "object":
      return "mappings";
  }
}

/** What a node is, in words: "a string ('x')", "a list", "null". */
export function found(node: YamlNode): string {
  if (node.kind === "list") return "a list";
  if (node.kind === "map") return "a mapping";
  const v = node.value;
  if (v === null) return "nothing";
  if (typeof v === "string") return `a string ('${v}')`;
  if (typeof v === "number") return Number.isInteger(v) ? `an integer (${v})` : `a number (${v})`;
  return `a boolean (${v})`;
}

/**
 * Checks a tree against a shape; throws a {@linkcode PlaybookError} `PLAYBOOK_INVALID` at the first problem, with
 * messages of the forms:
 * - `unknown key 'sbject' in statements[1].expect (expected one of subject, issuer, ...)`
 * - `missing required key 'file' in statements[0]`
 * - `wrong type for statements[0].expect.min-svn: expected an integer, found a string ('three')`
 * - `invalid value for trust.receipts.unauthorized-receipt-behavior: expected one of VerifyAll, ..., found 'x'`
 */
export function checkShape(node: YamlNode, shape: Shape, path: string, file: string): void {
  const fail = (at: YamlNode, detail: string): never => {
    throw new PlaybookError("PLAYBOOK_INVALID", file, at.position, detail);
  };
  const wrongType = () =>
    fail(node, `wrong type for ${describePath(path)}: expected ${expected(shape)}, found ${found(node)}`);
  switch (shape.type) {
    case "string":
      if (node.kind !== "scalar" || typeof node.value !== "string") return wrongType();
      if (shape.enum && !shape.enum.includes(node.value)) {
        fail(node, `invalid value for ${path}: expected one of ${shape.enum.join(", ")}, found '${node.value}'`);
      }
      if (shape.pattern && !new RegExp(`^(?:${shape.pattern.source})$`).test(node.value)) {
        fail(node, `invalid value for ${path}: expected ${shape.pattern.meaning}, found '${node.value}'`);
      }
      return;
    case "integer":
      if (node.kind !== "scalar" || typeof node.value !== "number" || !Number.isSafeInteger(node.value)) {
        return wrongType();
      }
      if (shape.const !== undefined && node.value !== shape.const) {
        fail(node, `invalid value for ${path}: expected ${shape.const}, found ${node.value}`);
      }
      if (shape.minimum !== undefined && node.value < shape.minimum) {
        fail(node, `invalid value for ${path}: expected an integer of at least ${shape.minimum}, found ${node.value}`);
      }
      return;
    case "boolean":
      if (node.kind !== "scalar" || typeof node.value !== "boolean") return wrongType();
      if (shape.const !== undefined && node.value !== shape.const) {
        fail(node, `invalid value for ${path}: expected ${shape.const}, found ${node.value}`);
      }
      return;
    case "array":
      if (node.kind !== "list") return wrongType();
      checkList(node, shape, path, file);
      return;
    case "object":
      if (node.kind !== "map") return wrongType();
      checkObject(node, shape, path, file);
  }
}

function checkList(node: ListNode, shape: ListShape, path: string, file: string): void {
  if (shape.minItems !== undefined && node.items.length < shape.minItems) {
    throw new PlaybookError(
      "PLAYBOOK_INVALID",
      file,
      node.position,
      `invalid value for ${path}: expected at least ${shape.minItems} item${shape.minItems === 1 ? "" : "s"}, found ${
        node.items.length === 0 ? "none" : node.items.length
      }`,
    );
  }
  node.items.forEach((item, i) => checkShape(item, shape.items, `${path}[${i}]`, file));
}

function checkObject(node: MapNode, shape: ObjectShape, path: string, file: string): void {
  const known = Object.keys(shape.fields);
  for (const entry of node.entries) {
    const field = shape.fields[entry.key];
    if (!field) {
      throw new PlaybookError(
        "PLAYBOOK_INVALID",
        file,
        entry.keyPosition,
        `unknown key '${entry.key}' in ${describePath(path)} (expected one of ${known.join(", ")})`,
      );
    }
    checkShape(entry.value, field.shape, joinPath(path, entry.key), file);
  }
  for (const [key, field] of Object.entries(shape.fields)) {
    if (field.required && !node.entries.some((e) => e.key === key)) {
      throw new PlaybookError(
        "PLAYBOOK_INVALID",
        file,
        node.position,
        `missing required key '${key}' in ${describePath(path)}`,
      );
    }
  }
}

/** Converts a shape into JSON Schema (draft 2020-12) keywords. */
export function toJsonSchema(shape: Shape): { [key: string]: Json } {
  const base: { [key: string]: Json } = { description: shape.description };
  switch (shape.type) {
    case "string":
      return {
        ...base,
        type: "string",
        ...(shape.enum ? { enum: [...shape.enum] } : {}),
        ...(shape.pattern ? { pattern: `^(?:${shape.pattern.source})$` } : {}),
        ...(shape.format ? { format: shape.format } : {}),
      };
    case "integer":
      return {
        ...base,
        type: "integer",
        ...(shape.const !== undefined ? { const: shape.const } : {}),
        ...(shape.minimum !== undefined ? { minimum: shape.minimum } : {}),
      };
    case "boolean":
      return { ...base, type: "boolean", ...(shape.const !== undefined ? { const: shape.const } : {}) };
    case "array":
      return {
        ...base,
        type: "array",
        items: toJsonSchema(shape.items),
        ...(shape.minItems !== undefined ? { minItems: shape.minItems } : {}),
      };
    case "object": {
      const required = Object.entries(shape.fields).filter(([, f]) => f.required).map(([k]) => k);
      return {
        ...base,
        type: "object",
        properties: Object.fromEntries(Object.entries(shape.fields).map(([k, f]) => [k, toJsonSchema(f.shape)])),
        ...(required.length > 0 ? { required } : {}),
        additionalProperties: false,
      };
    }
  }
}
