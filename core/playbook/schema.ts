/**
 * The playbook's shape (version 1), from which both the loader's checks and the shipped JSON Schema
 * (`core/playbook/playbook.schema.json`, draft 2020-12) come.
 *
 * @module
 */

import type { Json } from "../report/model.ts";
import { type ObjectShape, toJsonSchema } from "./_shape.ts";
import { FILE_SHAPE, TIME_SHAPE } from "./kinds/_common.ts";
import { KINDS } from "./kinds/registry.ts";
import { TRUST_SHAPE } from "./trust.ts";

/** The shape of a version 1 playbook. */
export const PLAYBOOK_SHAPE: ObjectShape = {
  type: "object",
  description: "A scitt-audit playbook: what to verify offline, and what the evidence must prove.",
  fields: {
    playbook: { required: true, shape: { type: "integer", const: 1, description: "The playbook format version." } },
    name: { required: true, shape: { type: "string", description: "The audit's name." } },
    at: {
      shape: {
        ...TIME_SHAPE,
        description: "The evaluation time (default: the time of the run); recorded in the report.",
      },
    },
    trust: { required: true, shape: TRUST_SHAPE },
    ...Object.fromEntries(
      KINDS.map((k) => [k.section, { shape: { type: "array", description: k.description, items: k.item } }]),
    ),
    report: {
      shape: {
        type: "object",
        description: "How the report is titled and signed.",
        fields: {
          "title": { shape: { type: "string", description: "The report title (default: the playbook name)." } },
          "subject": {
            shape: { type: "string", description: "The audited subject (default: the playbook name)." },
          },
          "signing-key": {
            shape: {
              ...FILE_SHAPE,
              description:
                "The auditor's private key (PKCS#8 PEM or JWK) that signs report.cose; never packed into a bundle.",
            },
          },
          "issuer": { shape: { type: "string", description: "The auditor's identity (iss of report.cose)." } },
        },
      },
    },
  },
};

/**
 * The JSON Schema (draft 2020-12) of a version 1 playbook, as shipped in `core/playbook/playbook.schema.json`.
 *
 * @returns The schema, as JSON.
 *
 * @example Usage
 * ```ts
 * import { equal } from "node:assert/strict";
 * import { playbookJsonSchema } from "./schema.ts";
 * const schema = playbookJsonSchema();
 * equal(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
 * ```
 */
export function playbookJsonSchema(): { [key: string]: Json } {
  return {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "urn:scitt-audit:playbook:1",
    "title": "scitt-audit playbook, version 1",
    ...toJsonSchema(PLAYBOOK_SHAPE),
  };
}
