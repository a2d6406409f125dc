/**
 * Readers for protobuf-JSON documents (bundles and trusted roots): typed fields with the JSON path in every
 * message, base64 fields decoded strictly, int64 strings bounded to safe integers.
 *
 * @module
 */

import { fromBase64 } from "../bytes.ts";

/** A JSON object being read, with its path for messages and the function that reports a problem. */
export interface JsonReader {
  /** The path of this object, e.g. `verificationMaterial.tlogEntries[0]`. */
  readonly path: string;
  /** The object's members. */
  readonly value: Readonly<Record<string, unknown>>;
  /** Reports a malformed field (never returns). */
  readonly fail: (detail: string) => never;
}

/** Wraps a parsed JSON value that must be an object. */
export function jsonObject(value: unknown, path: string, fail: (detail: string) => never): JsonReader {
  if (typeof value !== "object" || value === null || Array.isArray(value)) fail(`${path} must be a JSON object`);
  return { path, value: value as Record<string, unknown>, fail };
}

function at(reader: JsonReader, name: string): string {
  return reader.path === "" ? name : `${reader.path}.${name}`;
}

/** A member that must be an object (or absent, when `optional`). */
export function child(reader: JsonReader, name: string): JsonReader;
export function child(reader: JsonReader, name: string, optional: true): JsonReader | undefined;
export function child(reader: JsonReader, name: string, optional = false): JsonReader | undefined {
  const value = reader.value[name];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    reader.fail(`${at(reader, name)} is missing`);
  }
  return jsonObject(value, at(reader, name), reader.fail);
}

/** A member that must be an array of objects (absent or null reads as empty). */
export function children(reader: JsonReader, name: string, max: number): JsonReader[] {
  const value = reader.value[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) reader.fail(`${at(reader, name)} must be an array`);
  if (value.length > max) reader.fail(`${at(reader, name)} has ${value.length} items, more than ${max}`);
  return value.map((item, i) => jsonObject(item, `${at(reader, name)}[${i}]`, reader.fail));
}

/** A member that must be a string. */
export function text(reader: JsonReader, name: string): string;
export function text(reader: JsonReader, name: string, optional: true): string | undefined;
export function text(reader: JsonReader, name: string, optional = false): string | undefined {
  const value = reader.value[name];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    reader.fail(`${at(reader, name)} is missing`);
  }
  if (typeof value !== "string") reader.fail(`${at(reader, name)} must be a string`);
  return value;
}

/** A member that must be an array of strings (absent reads as empty). */
export function texts(reader: JsonReader, name: string, max: number): string[] {
  const value = reader.value[name];
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== "string")) {
    reader.fail(`${at(reader, name)} must be an array of strings`);
  }
  if (value.length > max) reader.fail(`${at(reader, name)} has ${value.length} items, more than ${max}`);
  return value as string[];
}

/** A base64 member, decoded (protobuf JSON accepts standard and URL-safe alphabets, padded or not). */
export function bytes(reader: JsonReader, name: string): Uint8Array;
export function bytes(reader: JsonReader, name: string, optional: true): Uint8Array | undefined;
export function bytes(reader: JsonReader, name: string, optional = false): Uint8Array | undefined {
  const value = optional ? text(reader, name, true) : text(reader, name);
  if (value === undefined) return undefined;
  try {
    return fromBase64(value);
  } catch {
    return reader.fail(`${at(reader, name)} is not base64: "${value.slice(0, 24)}"`);
  }
}

/** An int64 member (protobuf JSON writes it as a decimal string, or a number), bounded to a safe integer. */
export function int64(reader: JsonReader, name: string): number;
export function int64(reader: JsonReader, name: string, optional: true): number | undefined;
export function int64(reader: JsonReader, name: string, optional = false): number | undefined {
  const value = reader.value[name];
  if (value === undefined || value === null) {
    if (optional) return undefined;
    reader.fail(`${at(reader, name)} is missing`);
  }
  const digits = typeof value === "number" ? String(value) : value;
  if (typeof digits !== "string" || !/^-?(0|[1-9][0-9]*)$/.test(digits)) {
    reader.fail(`${at(reader, name)} must be an integer, found ${JSON.stringify(value)}`);
  }
  const number = Number(digits);
  if (!Number.isSafeInteger(number)) reader.fail(`${at(reader, name)} ${digits} is out of range`);
  if (number < 0) reader.fail(`${at(reader, name)} must not be negative, found ${digits}`);
  return number;
}
