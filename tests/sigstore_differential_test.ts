/**
 * Differential test: our Sigstore verifier and `@sigstore/verify` 4.1.3 (run under Deno's Node compatibility; see
 * bench/sigstore_bench.ts) give the same verdict on every vector and on mutated copies of the passing bundles
 * (one byte flipped in the signature, an inclusion proof hash, the checkpoint, the SET, the certificate).
 */

import assert from "node:assert/strict";
import { fromBase64, fromUtf8, toBase64, utf8 } from "../core/bytes.ts";
import {
  conformanceCorpus,
  ourVerify,
  referenceVerify,
  type SigstoreCase,
  sigstoreJsCorpus,
} from "../bench/sigstore_bench.ts";
import { vectorTest } from "./_vectors.ts";

/**
 * Where @sigstore/verify 4.1.3 and the conformance suite disagree, our verifier follows the suite: sigstore-js
 * reads a transparency log key without `validFor.start` as valid since the epoch.
 */
const REFERENCE_DIVERGES = new Set(["trust-root-tlog-missing-validity-start_fail"]);

vectorTest(
  "our verdict equals @sigstore/verify's on all 79 vectors (one known sigstore-js divergence)",
  async (vectors) => {
    const corpus = [...conformanceCorpus(vectors), ...sigstoreJsCorpus(vectors)];
    const differences: string[] = [];
    for (const item of corpus) {
      const ours = await ourVerify(item);
      assert.equal(ours, item.expectPass, item.name);
      if (referenceVerify(item) !== ours) differences.push(item.name);
    }
    assert.equal(corpus.length, 79);
    assert.deepEqual(differences, [...REFERENCE_DIVERGES]);
  },
);

/** A bundle as parsed JSON, edited freely by the mutations. */
// deno-lint-ignore no-explicit-any
type Bundle = Record<string, any>;

function flipBase64(text: string): string {
  const bytes = fromBase64(text);
  bytes[bytes.length >> 1]! ^= 0x01;
  return toBase64(bytes);
}

function flipText(text: string, at: number): string {
  return text.slice(0, at) + String.fromCharCode(text.charCodeAt(at) ^ 0x01) + text.slice(at + 1);
}

/** Named mutations; each returns the mutated bundle, or undefined when the bundle has no such part. */
const MUTATIONS: Readonly<Record<string, (b: Bundle) => Bundle | undefined>> = {
  signature(b) {
    if (b.messageSignature) b.messageSignature.signature = flipBase64(b.messageSignature.signature);
    else b.dsseEnvelope.signatures[0].sig = flipBase64(b.dsseEnvelope.signatures[0].sig);
    return b;
  },
  "proof hash"(b) {
    const proof = b.verificationMaterial.tlogEntries[0].inclusionProof;
    if (!proof?.hashes?.length) return undefined;
    proof.hashes[0] = flipBase64(proof.hashes[0]);
    return b;
  },
  "checkpoint root"(b) {
    const checkpoint = b.verificationMaterial.tlogEntries[0].inclusionProof?.checkpoint;
    if (!checkpoint) return undefined;
    const lines = checkpoint.envelope.split("\n");
    lines[2] = flipBase64(lines[2]);
    checkpoint.envelope = lines.join("\n");
    return b;
  },
  "checkpoint signature"(b) {
    const checkpoint = b.verificationMaterial.tlogEntries[0].inclusionProof?.checkpoint;
    if (!checkpoint) return undefined;
    // Every signature line, so the log's own is hit wherever it stands among witness lines.
    const [text, signatures] = checkpoint.envelope.split("\n\n");
    const lines = signatures.split("\n").map((line: string) => line && flipText(line, line.length >> 1));
    checkpoint.envelope = `${text}\n\n${lines.join("\n")}`;
    return b;
  },
  set(b) {
    const promise = b.verificationMaterial.tlogEntries[0].inclusionPromise;
    if (!promise) return undefined;
    promise.signedEntryTimestamp = flipBase64(promise.signedEntryTimestamp);
    return b;
  },
  certificate(b) {
    const material = b.verificationMaterial;
    const holder = material.certificate ?? material.x509CertificateChain?.certificates[0];
    if (!holder) return undefined;
    holder.rawBytes = flipBase64(holder.rawBytes);
    return b;
  },
};

vectorTest("our verdict equals @sigstore/verify's on byte-flipped bundles", async (vectors) => {
  const passing = [...conformanceCorpus(vectors), ...sigstoreJsCorpus(vectors)].filter((c) => c.expectPass);
  const differences: string[] = [];
  const counts: Record<string, number> = {};
  for (const item of passing) {
    for (const [name, mutate] of Object.entries(MUTATIONS)) {
      const mutated = mutate(JSON.parse(fromUtf8(item.bundle)));
      if (!mutated) continue;
      const variant: SigstoreCase = {
        ...item,
        name: `${item.name} (${name})`,
        expectPass: false,
        bundle: utf8(JSON.stringify(mutated)),
      };
      const ours = await ourVerify(variant);
      const reference = referenceVerify(variant);
      if (ours !== reference) differences.push(`${variant.name}: ours ${ours}, sigstore-js ${reference}`);
      assert.equal(ours, false, variant.name);
      counts[name] = (counts[name] ?? 0) + 1;
    }
  }
  assert.deepEqual(differences, []);
  assert.equal(passing.length, 30);
  assert.deepEqual(counts, {
    signature: 30,
    "proof hash": 26,
    "checkpoint root": 27,
    "checkpoint signature": 27,
    set: 18,
    certificate: 28,
  });
});
