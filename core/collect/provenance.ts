/**
 * The provenance manifest a collected bundle carries (`provenance.json`): for every fetched file the URL, the
 * request time, the HTTP status, the content type, the SHA-256 and size of the body, and the fingerprint of the
 * TLS certificate the server presented. Canonical JSON, so the same responses give the same bytes.
 *
 * @module
 */

import { fromUtf8, utf8 } from "../bytes.ts";
import { AuditError } from "../errors.ts";
import { canonicalJson } from "../report/canonical_json.ts";
import type { Json } from "../report/model.ts";

/** The format identifier of the manifest. */
export const PROVENANCE_FORMAT = "scitt-audit-provenance/1";

/** The member path of the manifest in a collected bundle. */
export const PROVENANCE_MEMBER = "provenance.json";

/** Where one file came from. */
export interface ProvenanceRecord {
  /** The bundle member, e.g. `entries/2.37.statement.cose`. */
  readonly path: string;
  /** The URL that answered (after same-host redirects), e.g. `https://127.0.0.1:8443/entries/2.37/statement`. */
  readonly url: string;
  /** When the request was made (ISO-8601 UTC), or the collection time given with `--at`. */
  readonly requestedAt: string;
  /** The HTTP status of the answer, e.g. `200`. */
  readonly status: number;
  /** The `Content-Type` sent, e.g. `application/cose`. */
  readonly contentType: string;
  /** Lowercase hex SHA-256 of the body. */
  readonly sha256: string;
  /** The body's size in bytes. */
  readonly size: number;
  /** Lowercase hex SHA-256 of the DER of the TLS certificate the server presented. */
  readonly tlsCertificateSha256: string;
  /** The `Repr-Digest` header sent with it, when there was one (checked against the body). */
  readonly reprDigest?: string;
}

/** The TLS identity seen and how it was trusted. */
export interface TlsRecord {
  /** SHA-256 of the server's certificate DER (hex). */
  readonly certificateSha256: string;
  /** Its subject, e.g. `CN=CCF Node`. */
  readonly subject: string;
  /** Its issuer, e.g. `CN=CCF Service`. */
  readonly issuer: string;
  /** `--service-cert` or `--ca`. */
  readonly pinnedBy: "--service-cert" | "--ca";
  /** SHA-256 of each pinned certificate's DER (hex). */
  readonly pinnedSha256: readonly string[];
}

/** The manifest. */
export interface Provenance {
  readonly format: typeof PROVENANCE_FORMAT;
  /** The `--service` URL. */
  readonly service: string;
  /** The issuer of the transparency configuration. */
  readonly issuer: string;
  /** The tool that collected, e.g. `scitt-audit 0.1.0`. */
  readonly tool: string;
  /** The collection time given with `--at`, when it was. */
  readonly collectedAt?: string;
  readonly tls: TlsRecord;
  /** Every fetched file, sorted by path. */
  readonly files: readonly ProvenanceRecord[];
  /** Endpoints the service does not offer (404), as `path: why`. */
  readonly notOffered: readonly string[];
}

/**
 * Encodes the manifest as canonical JSON with a final newline.
 *
 * @example
 * ```ts
 * import { ok as assert } from "node:assert/strict";
 * import { encodeProvenance, readProvenance } from "./provenance.ts";
 * const tls = { certificateSha256: "00", subject: "CN=n", issuer: "CN=s", pinnedBy: "--ca", pinnedSha256: [] } as const;
 * const bytes = encodeProvenance({ format: "scitt-audit-provenance/1", service: "https://s", issuer: "s", tool: "t", tls, files: [], notOffered: [] });
 * assert(readProvenance(bytes).service === "https://s");
 * ```
 */
export function encodeProvenance(provenance: Provenance): Uint8Array {
  const files = [...provenance.files].sort((a, b) => a.path < b.path ? -1 : a.path > b.path ? 1 : 0);
  return utf8(canonicalJson({ ...provenance, files } as unknown as Json) + "\n");
}

/**
 * Reads a manifest written by {@linkcode encodeProvenance}; anything else is `BUNDLE_INVALID`.
 *
 * @param bytes The `provenance.json` member.
 * @returns The manifest.
 * @throws {AuditError} `BUNDLE_INVALID` when it is not such a manifest.
 *
 * @example Usage
 * ```ts
 * import { equal, throws } from "node:assert/strict";
 * import { encodeProvenance, readProvenance } from "./provenance.ts";
 * const tls = { certificateSha256: "00", subject: "CN=n", issuer: "CN=s", pinnedBy: "--ca", pinnedSha256: [] } as const;
 * const bytes = encodeProvenance({ format: "scitt-audit-provenance/1", service: "https://s", issuer: "s", tool: "t", tls, files: [], notOffered: [] });
 * equal(readProvenance(bytes).service, "https://s");
 * throws(() => readProvenance(new TextEncoder().encode("{}")), { code: "BUNDLE_INVALID" });
 * ```
 */
export function readProvenance(bytes: Uint8Array): Provenance {
  let value: unknown;
  try {
    value = JSON.parse(fromUtf8(bytes));
  } catch {
    throw new AuditError("BUNDLE_INVALID", `Cannot read ${PROVENANCE_MEMBER}: it is not JSON`);
  }
  const p = value as Partial<Provenance>;
  if (typeof p !== "object" || p === null || p.format !== PROVENANCE_FORMAT || !Array.isArray(p.files)) {
    throw new AuditError(
      "BUNDLE_INVALID",
      `Cannot read ${PROVENANCE_MEMBER}: it is not a '${PROVENANCE_FORMAT}' manifest`,
    );
  }
  for (const [i, f] of p.files.entries()) {
    const r = f as Partial<ProvenanceRecord>;
    if (
      typeof r?.path !== "string" || typeof r.url !== "string" || typeof r.sha256 !== "string" ||
      typeof r.size !== "number" || typeof r.status !== "number" || typeof r.requestedAt !== "string"
    ) {
      throw new AuditError(
        "BUNDLE_INVALID",
        `Cannot read ${PROVENANCE_MEMBER}: files[${i}] is not a provenance record`,
      );
    }
  }
  return p as Provenance;
}
