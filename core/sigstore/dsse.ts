/**
 * DSSE envelopes (DSSE protocol v1): the pre-authentication encoding that is signed, and the in-toto statement's
 * subjects an artifact digest must be among.
 *
 * @module
 */

import { concat, fromHex, fromUtf8, utf8 } from "../bytes.ts";
import { failStep } from "./_fail.ts";

/** The in-toto payload type. */
export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";

/**
 * The DSSE pre-authentication encoding: `"DSSEv1" SP len(type) SP type SP len(payload) SP payload`, lengths in
 * ASCII decimal bytes.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { dssePae } from "./dsse.ts";
 * const pae = new TextDecoder().decode(dssePae("t", new TextEncoder().encode("hi")));
 * assert(pae === "DSSEv1 1 t 2 hi");
 * ```
 */
export function dssePae(payloadType: string, payload: Uint8Array): Uint8Array {
  const type = utf8(payloadType);
  return concat([utf8(`DSSEv1 ${type.length} `), type, utf8(` ${payload.length} `), payload]);
}

/** One subject of an in-toto statement: its name and digests by algorithm name (`sha256`, ...). */
export interface InTotoSubject {
  /** The subject's name, e.g. `a.txt`. */
  readonly name: string;
  /** Its digests as bytes, by algorithm. */
  readonly digests: Readonly<Record<string, Uint8Array>>;
}

/** Reads the subjects of an in-toto statement (v0.1 or v1); a statement without subjects fails step `artifact`. */
export function inTotoSubjects(payload: Uint8Array): InTotoSubject[] {
  const bad: (detail: string) => never = (detail) => failStep("SIGSTORE_ARTIFACT_MISMATCH", "artifact", detail);
  let statement: unknown;
  try {
    statement = JSON.parse(fromUtf8(payload));
  } catch {
    bad("the DSSE payload is not a JSON in-toto statement");
  }
  const subjects = (statement as { subject?: unknown } | null)?.subject;
  if (!Array.isArray(subjects) || subjects.length === 0) bad("the in-toto statement has no subject");
  return (subjects as unknown[]).map((subject) => {
    const { name, digest } = (subject ?? {}) as { name?: unknown; digest?: unknown };
    const digests: Record<string, Uint8Array> = {};
    if (typeof digest === "object" && digest !== null) {
      for (const [algorithm, hex] of Object.entries(digest)) {
        if (typeof hex !== "string") continue;
        try {
          digests[algorithm] = fromHex(hex);
        } catch {
          // A digest that is not hex can match nothing; the statement may still name the artifact elsewhere.
        }
      }
    }
    return { name: typeof name === "string" ? name : "", digests };
  });
}
