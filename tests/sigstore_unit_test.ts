/**
 * Self-contained checks of the Sigstore verifier's parts (no vectors needed): bundle version rules, trusted-root
 * validity windows, checkpoint notes and DSSE PAE.
 */

import assert from "node:assert/strict";
import { toBase64, utf8 } from "../core/bytes.ts";
import { AuditError } from "../core/errors.ts";
import { dssePae, inRange, parseBundle, parseCheckpoint, parseTrustedRoot } from "../core/sigstore/mod.ts";

function code(run: () => unknown): string | undefined {
  try {
    run();
  } catch (error) {
    return error instanceof AuditError ? error.code : `not an AuditError: ${error}`;
  }
  return undefined;
}

const ENTRY = {
  logIndex: "1",
  logId: { keyId: toBase64(new Uint8Array(32)) },
  kindVersion: { kind: "hashedrekord", version: "0.0.1" },
  integratedTime: "1700000000",
  canonicalizedBody: toBase64(utf8("{}")),
};

function bundle(mediaType: string, entry: Record<string, unknown>, material: Record<string, unknown> = {}): Uint8Array {
  return utf8(JSON.stringify({
    mediaType,
    verificationMaterial: { certificate: { rawBytes: "MAA=" }, tlogEntries: [entry], ...material },
    messageSignature: {
      messageDigest: { algorithm: "SHA2_256", digest: toBase64(new Uint8Array(32)) },
      signature: "MAA=",
    },
  }));
}

Deno.test("parseBundle() applies the v0.1, v0.2 and v0.3 rules and both media-type spellings", () => {
  const set = { inclusionPromise: { signedEntryTimestamp: "MAA=" } };
  const proof = {
    inclusionProof: { logIndex: "0", rootHash: toBase64(new Uint8Array(32)), treeSize: "1", hashes: [] },
  };
  const withCheckpoint = { inclusionProof: { ...proof.inclusionProof, checkpoint: { envelope: "x" } } };
  const v01 = "application/vnd.dev.sigstore.bundle+json;version=0.1";
  const v02 = "application/vnd.dev.sigstore.bundle+json;version=0.2";
  const v03 = "application/vnd.dev.sigstore.bundle.v0.3+json";
  assert.equal(parseBundle(bundle(v01, { ...ENTRY, ...set })).version, "0.1");
  assert.equal(code(() => parseBundle(bundle(v01, { ...ENTRY, ...proof }))), "SIGSTORE_BUNDLE_MALFORMED");
  assert.equal(code(() => parseBundle(bundle(v02, { ...ENTRY, ...set, ...proof }))), "SIGSTORE_BUNDLE_MALFORMED");
  assert.equal(parseBundle(bundle(v02, { ...ENTRY, ...withCheckpoint })).version, "0.2");
  assert.equal(parseBundle(bundle(v03, { ...ENTRY, ...withCheckpoint })).version, "0.3");
  assert.equal(
    parseBundle(bundle("application/vnd.dev.sigstore.bundle+json;version=0.3", { ...ENTRY, ...withCheckpoint }))
      .version,
    "0.3",
  );
  const chain = { certificate: undefined, x509CertificateChain: { certificates: [{ rawBytes: "MAA=" }] } };
  assert.equal(
    code(() => parseBundle(bundle(v03, { ...ENTRY, ...withCheckpoint }, chain))),
    "SIGSTORE_BUNDLE_MALFORMED",
  );
  assert.equal(
    code(() => parseBundle(bundle("application/vnd.dev.sigstore.bundle.v0.4+json", { ...ENTRY, ...withCheckpoint }))),
    "SIGSTORE_BUNDLE_MALFORMED",
  );
  assert.equal(
    code(() => parseBundle(bundle(v01, { ...ENTRY, ...set, logIndex: "9007199254740993" }))),
    "SIGSTORE_BUNDLE_MALFORMED",
  );
});

Deno.test("parseTrustedRoot() refuses a log key without a start, and validity windows are closed intervals", () => {
  const log = (validFor: Record<string, string>) =>
    utf8(JSON.stringify({
      mediaType: "application/vnd.dev.sigstore.trustedroot+json;version=0.1",
      tlogs: [{
        baseUrl: "https://log.example",
        logId: { keyId: toBase64(new Uint8Array(32)) },
        publicKey: {
          rawBytes: "MCowBQYDK2VwAyEAt8rlp1knGwjfbcXAYPYAkn0XiLz1x8O4t0YkEhie244=",
          keyDetails: "PKIX_ED25519",
          validFor,
        },
      }],
    }));
  assert.equal(code(() => parseTrustedRoot(log({ end: "2026-01-01T00:00:00Z" }))), "SIGSTORE_TRUSTED_ROOT_MALFORMED");
  const root = parseTrustedRoot(log({ start: "2025-01-01T00:00:00Z", end: "2025-06-01T00:00:00.999999Z" }));
  const window = root.tlogs[0]!.validFor;
  assert.equal(window.end!.toISOString(), "2025-06-01T00:00:00.999Z");
  assert.ok(inRange(window, window.start!) && inRange(window, window.end!));
  assert.ok(!inRange(window, new Date(window.end!.getTime() + 1)));
});

Deno.test("parseCheckpoint() reads origin, size, root and every signature line, up to 32", () => {
  const root = toBase64(new Uint8Array(32).fill(7));
  const lines = Array.from({ length: 20 }, (_, i) => `\u2014 witness-${i} ${toBase64(new Uint8Array(68).fill(i))}\n`);
  const note = `log.example\n42\n${root}\nextra line\n\n${lines.join("")}`;
  const checkpoint = parseCheckpoint(note);
  assert.deepEqual([checkpoint.origin, checkpoint.size, checkpoint.signatures.length], ["log.example", 42, 20]);
  assert.equal(checkpoint.signedText, `log.example\n42\n${root}\nextra line\n`);
  assert.equal(checkpoint.signatures[3]!.name, "witness-3");
  for (
    const bad of [`log.example\n42\n${root}\n`, `log.example\n4x\n${root}\n\n${lines[0]}`, `a\n1\n\n\n${lines[0]}`]
  ) {
    assert.equal(code(() => parseCheckpoint(bad)), "SIGSTORE_CHECKPOINT_INVALID", JSON.stringify(bad));
  }
  const many = `log.example\n42\n${root}\n\n${lines.join("")}${lines.join("")}`;
  assert.equal(code(() => parseCheckpoint(many)), "SIGSTORE_CHECKPOINT_INVALID");
});

Deno.test("dssePae() counts bytes, not characters", () => {
  assert.equal(new TextDecoder().decode(dssePae("ü", utf8("€"))), "DSSEv1 2 ü 3 €");
});
