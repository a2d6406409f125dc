/**
 * Shapes and helpers shared by the evidence kinds.
 *
 * @module
 */

import type { Check } from "../../check.ts";
import type { Finding, FindingKind, Json } from "../../report/model.ts";
import type { StringShape } from "../_shape.ts";

/** An item id, referenced as `<prefix>.<id>.<field>`. */
export const ID_SHAPE: StringShape = {
  type: "string",
  description: "Identifier used in value references; letters, digits, '-' and '_'.",
  pattern: { source: "[A-Za-z0-9_-]+", meaning: "an id of letters, digits, '-' and '_'" },
};

/** A file path, relative to the playbook's folder. */
export const FILE_SHAPE: StringShape = {
  type: "string",
  description: "A file path, relative to the playbook's folder.",
};

/** A value reference with optional pipes. */
export const REFERENCE_SHAPE: StringShape = {
  type: "string",
  description:
    "A value reference: <kind>.<id>.<field>, literal <JSON value> or hex:<hex>, followed by pipes: | json <path>, | base64, | base64url, | hex, | utf8, | sha256, | sha384, | sha512, | strip-prefix <text>.",
};

/** An ISO-8601 UTC time. */
export const TIME_SHAPE: StringShape = {
  type: "string",
  format: "date-time",
  description: "An ISO-8601 UTC time, e.g. 2026-11-01T00:00:00Z.",
};

/** Builds a finding, leaving out absent optional members. */
export function finding(
  base: Omit<Finding, "code" | "details">,
  extra: { readonly code?: string | undefined; readonly details?: { readonly [key: string]: Json } } = {},
): Finding {
  return {
    ...base,
    ...(extra.code !== undefined ? { code: extra.code } : {}),
    ...(extra.details !== undefined ? { details: extra.details } : {}),
  };
}

/** Where a core check goes in the report: its id's prefix, the kind and subject of the evidence. */
export interface Placement {
  /** Prepended to the check's id with a dot, e.g. `statement.release`. */
  readonly prefix: string;
  /** The kind of evidence. */
  readonly kind: FindingKind;
  /** The evidence it concerns. */
  readonly subject: string;
}

/** A core check as a finding of the report: the same outcome, message, code and details, its id prefixed. */
export function placed(check: Check, where: Placement): Finding {
  return { ...check, id: `${where.prefix}.${check.id}`, kind: where.kind, subject: where.subject };
}
