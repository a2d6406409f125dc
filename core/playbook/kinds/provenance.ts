/**
 * The `provenance` playbook section: the provenance manifest of a collected bundle (`provenance.json`), shown in
 * the report file by file (where each piece of evidence came from: URL, HTTP status, content type, request
 * time, TLS certificate) and checked: every file it lists must still have the SHA-256 recorded when it was
 * fetched.
 *
 * ```yaml
 * provenance:
 *   - file: provenance.json
 * ```
 *
 * @module
 */

import { toHex } from "../../bytes.ts";
import { sha256 } from "../../crypto/digest.ts";
import { AuditError } from "../../errors.ts";
import type { MapNode } from "../_yaml.ts";
import { stringNode } from "../_yaml.ts";
import { FILE_SHAPE, finding } from "./_common.ts";
import type { EvidenceKind, RunContext } from "./kind.ts";
import type { FileRef } from "../model.ts";
import { type ProvenanceRecord, readProvenance } from "../../collect/provenance.ts";

/** One `provenance` item. */
export interface ProvenanceItem {
  /** Its index in the section. */
  readonly index: number;
  /** The manifest file. */
  readonly file: FileRef;
}

/** A path the manifest lists, relative to the manifest's folder, as the playbook names files. */
function besideManifest(manifest: string, path: string): string {
  const folder = manifest.includes("/") ? manifest.slice(0, manifest.lastIndexOf("/") + 1) : "";
  return `${folder}${path}`;
}

async function checkRecord(item: ProvenanceItem, record: ProvenanceRecord, context: RunContext): Promise<void> {
  const base = { id: `provenance.${item.index}.${record.path}`, kind: "provenance", subject: record.path } as const;
  const details = {
    url: record.url,
    requestedAt: record.requestedAt,
    status: record.status,
    contentType: record.contentType,
    sha256: record.sha256,
    size: record.size,
    tlsCertificateSha256: record.tlsCertificateSha256,
    ...(record.reprDigest !== undefined ? { reprDigest: record.reprDigest } : {}),
  };
  let bytes: Uint8Array;
  try {
    bytes = await context.read({
      path: besideManifest(item.file.path, record.path),
      role: "collected",
      at: item.file.at,
    });
  } catch (error) {
    context.add(finding({ ...base, status: "fail", message: (error as Error).message }, {
      code: error instanceof AuditError ? error.code : "PLAYBOOK_FILE_MISSING",
      details,
    }));
    return;
  }
  const actual = toHex(await sha256(bytes));
  const ok = actual === record.sha256;
  context.add(finding({
    ...base,
    status: ok ? "pass" : "fail",
    message: ok
      ? `${record.path} came from ${record.url} (HTTP ${record.status}, ${record.contentType}, ${record.requestedAt}, TLS certificate SHA-256 ${
        record.tlsCertificateSha256.slice(0, 16)
      }…)`
      : `${record.path} is not the file fetched from ${record.url}: SHA-256 is ${actual}, the manifest says ${record.sha256}`,
  }, { ...(ok ? {} : { code: "COLLECT_EVIDENCE_MISMATCH" }), details }));
}

async function evaluateManifest(item: ProvenanceItem, context: RunContext): Promise<void> {
  const base = { id: `provenance.${item.index}`, kind: "provenance", subject: item.file.path } as const;
  let manifest;
  try {
    manifest = readProvenance(await context.read(item.file));
  } catch (error) {
    if (!(error instanceof AuditError)) throw error;
    context.add(finding({ ...base, status: "fail", message: error.message }, { code: error.code }));
    return;
  }
  const tls = manifest.tls;
  context.add(finding({
    ...base,
    status: "pass",
    message: `Collected from ${manifest.service} (issuer ${manifest.issuer}) by ${manifest.tool}${
      manifest.collectedAt ? ` at ${manifest.collectedAt}` : ""
    }: ${manifest.files.length} files over TLS to '${tls.subject}' (SHA-256 ${tls.certificateSha256}) pinned by ${tls.pinnedBy}`,
  }, {
    details: {
      service: manifest.service,
      issuer: manifest.issuer,
      tool: manifest.tool,
      tls: { ...tls, pinnedSha256: [...tls.pinnedSha256] },
      notOffered: [...manifest.notOffered],
    },
  }));
  for (const record of manifest.files) await checkRecord(item, record, context);
}

/** The `provenance` kind. */
export const provenanceKind: EvidenceKind<ProvenanceItem> = {
  section: "provenance",
  description: "Where collected evidence came from (the manifest 'scitt-audit collect' writes), checked file by file.",
  item: {
    type: "object",
    description: "A provenance manifest.",
    fields: {
      file: { shape: { ...FILE_SHAPE, description: "The provenance.json of a collected bundle." }, required: true },
    },
  },
  async build(node: MapNode, path: string, context) {
    const index = Number(path.match(/\[(\d+)\]$/)?.[1] ?? 0);
    return { index, file: await context.evidenceFile(stringNode(node, "file")!, `${path}.file`, "provenance") };
  },
  async evaluate(items, context) {
    for (const item of items) await evaluateManifest(item, context);
  },
};
