/**
 * Transparency log entries (spec `sigstore.md` §2.1–§2.2): the signed entry timestamp (SET), the checkpoint's
 * signed note, and the RFC 6962 inclusion proof of the entry body, folded by the project's WebAssembly Merkle core.
 *
 * @module
 */

import { equalBytes, fromBase64, toBase64, toHex, utf8 } from "../bytes.ts";
import { sha256 } from "../crypto/digest.ts";
import { AuditError } from "../errors.ts";
import { rfc9162InclusionRoot, rfc9162LeafHash } from "../merkle/mod.ts";
import { canonicalJson } from "../report/canonical_json.ts";
import { failStep } from "./_fail.ts";
import { verifySigstoreSignature } from "./_signature.ts";
import type { TlogEntry } from "./bundle.ts";
import { inRange, type LogAuthority } from "./trusted_root.ts";

/** A parsed C2SP signed note holding a checkpoint. */
export interface Checkpoint {
  /** The log origin, e.g. `rekor.sigstore.dev - 2605736670972794746`. */
  readonly origin: string;
  /** The tree size. */
  readonly size: number;
  /** The root hash. */
  readonly rootHash: Uint8Array;
  /** The signed text: every line before the blank line, each ending in `\n`. */
  readonly signedText: string;
  /** The signature lines: key name, 4-byte key id and signature. */
  readonly signatures: readonly { readonly name: string; readonly keyId: Uint8Array; readonly signature: Uint8Array }[];
}

/** Most signature lines read from one note (C2SP asks clients to accept at least 16). */
const MAX_NOTE_SIGNATURES = 32;

/** The logs in the trusted root that an entry names. */
export function logsFor(entry: TlogEntry, tlogs: readonly LogAuthority[]): LogAuthority[] {
  return tlogs.filter((log) => equalBytes(log.logId, entry.logId));
}

/**
 * Verifies an entry's SET: ECDSA over the canonical JSON of body, integrated time, log id and global log index,
 * by a log key with that id whose validity window holds the integrated time. Returns the integrated time.
 */
export async function verifySet(entry: TlogEntry, tlogs: readonly LogAuthority[]): Promise<Date> {
  const set = entry.signedEntryTimestamp;
  if (!set) return failStep("SIGSTORE_SET_INVALID", "tlog-set", "the entry has no signed entry timestamp");
  if (entry.integratedTime === undefined) {
    return failStep(
      "SIGSTORE_SET_INVALID",
      "tlog-set",
      "the entry has a signed entry timestamp but no integrated time",
    );
  }
  const time = new Date(entry.integratedTime * 1000);
  const logs = logsFor(entry, tlogs);
  if (logs.length === 0) {
    failStep(
      "SIGSTORE_SET_INVALID",
      "tlog-set",
      `no transparency log in the trusted root has log id ${toHex(entry.logId)}`,
    );
  }
  const valid = logs.filter((log) => inRange(log.validFor, time));
  if (valid.length === 0) {
    failStep(
      "SIGSTORE_SET_INVALID",
      "tlog-set",
      `the log key ${toHex(entry.logId)} is not valid at the integrated time ${time.toISOString()}`,
    );
  }
  const payload = utf8(canonicalJson({
    body: toBase64(entry.body),
    integratedTime: entry.integratedTime,
    logID: toHex(entry.logId),
    logIndex: entry.logIndex,
  }));
  for (const log of valid) {
    if (await verifySigstoreSignature(log.key, payload, set, "SHA-256")) return time;
  }
  return failStep("SIGSTORE_SET_INVALID", "tlog-set", "the signed entry timestamp does not verify with the log key");
}

/**
 * Parses a checkpoint (C2SP signed note): origin, size and root hash lines, optional extension lines, a blank line,
 * then signature lines `— <name> <base64(key id ‖ signature)>`.
 */
export function parseCheckpoint(note: string): Checkpoint {
  const bad: (detail: string) => never = (detail) => failStep("SIGSTORE_CHECKPOINT_INVALID", "tlog-checkpoint", detail);
  const split = note.indexOf("\n\n");
  if (split === -1) bad("the signed note has no blank line before its signatures");
  const signedText = note.slice(0, split + 1);
  const lines = signedText.slice(0, -1).split("\n");
  if (lines.length < 3) bad(`the checkpoint has ${lines.length} lines, expected origin, size and root hash`);
  const [origin, sizeText, rootText] = lines as [string, string, string];
  if (origin === "") bad("the checkpoint origin is empty");
  if (!/^(0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(Number(sizeText))) {
    bad(`the checkpoint size "${sizeText.slice(0, 24)}" is not a decimal number`);
  }
  let rootHash: Uint8Array;
  try {
    rootHash = fromBase64(rootText);
  } catch {
    return bad(`the checkpoint root hash "${rootText.slice(0, 24)}" is not base64`);
  }
  if (rootHash.length !== 32) bad(`the checkpoint root hash is ${rootHash.length} bytes, expected 32`);
  const signatureText = note.slice(split + 2);
  if (!signatureText.endsWith("\n")) bad("the signed note does not end with a newline");
  const signatures = signatureText.slice(0, -1).split("\n").map((line) => {
    const match = line.match(/^\u2014 (\S+) (\S+)$/);
    if (!match) bad(`the signature line "${line.slice(0, 40)}" is not "— <name> <signature>"`);
    let blob: Uint8Array;
    try {
      blob = fromBase64(match[2]!);
    } catch {
      return bad(`the signature of "${match[1]}" is not base64`);
    }
    if (blob.length < 5) bad(`the signature of "${match[1]}" is too short`);
    return { name: match[1]!, keyId: blob.subarray(0, 4), signature: blob.subarray(4) };
  });
  if (signatures.length > MAX_NOTE_SIGNATURES) bad(`the note has more than ${MAX_NOTE_SIGNATURES} signatures`);
  return { origin, size: Number(sizeText), rootHash, signedText, signatures };
}

/** The C2SP key id of an Ed25519 note key: SHA-256(name ‖ 0x0A ‖ 0x01 ‖ key). */
async function ed25519NoteKeyId(name: string, key: Uint8Array): Promise<Uint8Array> {
  const nameBytes = utf8(name);
  const input = new Uint8Array(nameBytes.length + 2 + key.length);
  input.set(nameBytes);
  input.set([0x0a, 0x01], nameBytes.length);
  input.set(key, nameBytes.length + 2);
  return await sha256(input);
}

function hostOf(baseUrl: string): string | undefined {
  try {
    return new URL(baseUrl).host;
  } catch {
    return undefined;
  }
}

/** Whether a signature line is the log's own: Ed25519 by the C2SP key id over the name, ECDSA by log id and host. */
async function isLogSignature(line: Checkpoint["signatures"][number], log: LogAuthority): Promise<boolean> {
  const logKeyId = log.checkpointKeyId ?? log.logId;
  if (!equalBytes(line.keyId, logKeyId.subarray(0, 4))) return false;
  if (log.key.kty === "OKP") {
    const id = await ed25519NoteKeyId(line.name, log.key.x);
    return equalBytes(id.subarray(0, 4), line.keyId) && (logKeyId.length === 4 || equalBytes(id, logKeyId));
  }
  return hostOf(log.baseUrl) === line.name;
}

/**
 * Verifies a checkpoint's signed note with the entry's log key: every signature line that is the log's own must
 * verify, at least one must be present; other lines (witnesses, other logs) are ignored.
 */
export async function verifyCheckpoint(entry: TlogEntry, tlogs: readonly LogAuthority[]): Promise<Checkpoint> {
  const note = entry.inclusionProof?.checkpoint;
  if (note === undefined) {
    return failStep("SIGSTORE_CHECKPOINT_INVALID", "tlog-checkpoint", "the inclusion proof has no checkpoint");
  }
  const checkpoint = parseCheckpoint(note);
  const logs = logsFor(entry, tlogs);
  if (logs.length === 0) {
    failStep(
      "SIGSTORE_CHECKPOINT_INVALID",
      "tlog-checkpoint",
      `no transparency log in the trusted root has log id ${toHex(entry.logId)}`,
    );
  }
  const data = utf8(checkpoint.signedText);
  let verified = 0;
  for (const line of checkpoint.signatures) {
    for (const log of logs) {
      if (!await isLogSignature(line, log)) continue;
      if (!await verifySigstoreSignature(log.key, data, line.signature, "SHA-256")) {
        failStep(
          "SIGSTORE_CHECKPOINT_INVALID",
          "tlog-checkpoint",
          `the checkpoint signature of "${line.name}" does not verify with the log key`,
        );
      }
      verified++;
    }
  }
  if (verified === 0) {
    failStep(
      "SIGSTORE_CHECKPOINT_INVALID",
      "tlog-checkpoint",
      `no signature line of the checkpoint is by the log ${toHex(entry.logId)}`,
    );
  }
  return checkpoint;
}

/**
 * Verifies the entry's inclusion proof: the proof's tree size and root must equal the checkpoint's, and the RFC 6962
 * path from SHA-256(0x00 ‖ body) at the proof's index must fold to that root.
 */
export function verifyInclusion(entry: TlogEntry, checkpoint: Checkpoint): void {
  const proof = entry.inclusionProof!;
  const bad: (detail: string) => never = (detail) =>
    failStep("SIGSTORE_INCLUSION_PROOF_INVALID", "tlog-inclusion", detail);
  if (proof.treeSize !== checkpoint.size) {
    bad(`the proof's tree size ${proof.treeSize} differs from the checkpoint's ${checkpoint.size}`);
  }
  if (!equalBytes(proof.rootHash, checkpoint.rootHash)) bad("the proof's root hash differs from the checkpoint's");
  if (proof.logIndex >= proof.treeSize) bad(`leaf index ${proof.logIndex} is outside a tree of ${proof.treeSize}`);
  if (proof.hashes.some((h) => h.length !== 32)) bad("a proof hash is not 32 bytes");
  let root: Uint8Array;
  try {
    root = rfc9162InclusionRoot(rfc9162LeafHash(entry.body), proof.logIndex, proof.treeSize, proof.hashes);
  } catch (error) {
    if (error instanceof AuditError) return bad(error.message);
    throw error;
  }
  if (!equalBytes(root, checkpoint.rootHash)) bad("the inclusion proof does not lead to the checkpoint's root hash");
}
