/**
 * RFC 9162 receipts (vds 1): every transparency-dev inclusion and consistency vector through the proof decoder,
 * its bounds and the Merkle core; the RFC 9942 example receipts; and receipts signed here over trees built with
 * the test-only reference, verified end to end.
 */

import assert from "node:assert/strict";
import { concat, equalBytes, fromBase64, fromHex, toHex, utf8 } from "../core/bytes.ts";
import { publicKeyFromSpki } from "../core/crypto/public_key.ts";
import { type ErrorCode, VerificationError } from "../core/errors.ts";
import { decodeCoseSign1, sigStructure, strippedStatement } from "../core/cose/sign1.ts";
import { computeKid, type ServiceKey } from "../core/receipts/trust_store.ts";
import {
  decodeRfc9162ConsistencyProof,
  decodeRfc9162InclusionProof,
  decodeRfc9162Proofs,
  rfc9162ConsistencyNewRoot,
  rfc9162InclusionProofRoot,
  type Rfc9162LeafRule,
  rfc9162StatementLeaf,
  verifyRfc9162ConsistencyReceipt,
  verifyRfc9162Receipt,
} from "../core/receipts/rfc9162/mod.ts";
import { verifyRfc9162Consistency } from "../core/merkle/mod.ts";
import { VerificationCache } from "../core/verification_cache.ts";
import { type CborValue, encodeCbor, tagged } from "../fixtures/_gen/cbor.ts";
import { consistencyProof, inclusionProof, merkleTreeHash } from "./_merkle_reference.ts";
import { readVector, vectorTest } from "./_vectors.ts";

// ---------------------------------------------------------------------------------------------------------------
// transparency-dev/merkle vectors

const TESTDATA = "merkle-transparency-dev/testdata";

interface VectorOutcome {
  readonly file: string;
  readonly kind: "inclusion" | "consistency";
  readonly wantErr: boolean;
  readonly verified: boolean;
}

function bytesField(value: unknown): Uint8Array {
  assert.equal(typeof value, "string");
  return fromBase64(value as string);
}

function pathField(value: unknown): Uint8Array[] {
  if (value === null) return [];
  assert.ok(Array.isArray(value));
  return value.map(bytesField);
}

function uintField(value: unknown): bigint {
  assert.equal(typeof value, "bigint");
  return value as bigint;
}

/** Parses vector JSON with every integer as a `bigint`: two vectors hold 2^64 - 1 (index 0 minus 1 in uint64). */
function parseVector(text: string): Record<string, unknown> {
  return JSON.parse(
    text,
    (_key, value, context?: { source?: string }) =>
      typeof value === "number" && context?.source !== undefined && /^-?\d+$/.test(context.source)
        ? BigInt(context.source)
        : value,
  );
}

/** Encodes a CBOR head (RFC 8949 §3) in its preferred form; the arguments here fit in 64 bits. */
function head(major: number, argument: bigint): Uint8Array {
  if (argument < 24n) return new Uint8Array([(major << 5) | Number(argument)]);
  const size = argument < 0x100n ? 1 : argument < 0x10000n ? 2 : argument < 0x100000000n ? 4 : 8;
  const out = new Uint8Array(1 + size);
  out[0] = (major << 5) | (24 + Math.log2(size));
  for (let i = 0; i < size; i++) out[size - i] = Number((argument >> BigInt(8 * i)) & 0xffn);
  return out;
}

/** The RFC 9942 proof byte string `[first, second, [hash ...]]` for a vector, with exact 64-bit numbers. */
function proofBytes(first: bigint, second: bigint, path: readonly Uint8Array[]): Uint8Array {
  return concat([
    head(4, 3n),
    head(0, first),
    head(0, second),
    head(4, BigInt(path.length)),
    ...path.flatMap((hash) => [head(2, BigInt(hash.length)), hash]),
  ]);
}

/** A coded verification failure counts as "rejected"; anything else is a bug and fails the test. */
function accepted(check: () => boolean): boolean {
  try {
    return check();
  } catch (error) {
    if (error instanceof VerificationError && error.code === "RECEIPT_PROOF_INVALID") return false;
    throw error;
  }
}

/** Encodes the vector's numbers and path as the RFC 9942 proof byte string, then decodes and folds it. */
function runInclusion(json: Record<string, unknown>): boolean {
  const bytes = proofBytes(uintField(json.treeSize), uintField(json.leafIdx), pathField(json.proof));
  return accepted(() => {
    const proof = decodeRfc9162InclusionProof(bytes);
    return equalBytes(rfc9162InclusionProofRoot(proof, bytesField(json.leafHash)), bytesField(json.root));
  });
}

function runConsistency(json: Record<string, unknown>): boolean {
  const bytes = proofBytes(uintField(json.size1), uintField(json.size2), pathField(json.proof));
  return accepted(() => {
    const proof = decodeRfc9162ConsistencyProof(bytes);
    return verifyRfc9162Consistency(
      proof.treeSize1,
      proof.treeSize2,
      bytesField(json.root1),
      bytesField(json.root2),
      proof.path,
    );
  });
}

function listJson(dir: string): string[] {
  const out: string[] = [];
  for (const entry of Deno.readDirSync(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) out.push(...listJson(path));
    else if (entry.name.endsWith(".json")) out.push(path);
  }
  return out.sort();
}

function runVectors(vectors: string): VectorOutcome[] {
  const root = `${vectors}/${TESTDATA}`;
  return listJson(root).map((path) => {
    const file = path.slice(root.length + 1);
    const kind = file.startsWith("inclusion/") ? "inclusion" : "consistency";
    const json = parseVector(new TextDecoder().decode(Deno.readFileSync(path)));
    assert.equal(typeof json.wantErr, "boolean", file);
    const verified = kind === "inclusion" ? runInclusion(json) : runConsistency(json);
    return { file, kind, wantErr: json.wantErr as boolean, verified };
  });
}

vectorTest("RFC 9162 proofs: every transparency-dev vector gives its expected result", (dir) => {
  const wrong = runVectors(dir).filter((o) => o.verified === o.wantErr);
  assert.deepEqual(wrong.map((o) => `${o.file}: ${o.verified ? "verified" : "rejected"}`), []);
});

vectorTest("RFC 9162 proofs: the vector set holds 196 files, 12 that verify and 184 that are rejected", (dir) => {
  const outcomes = runVectors(dir);
  const count = (kind: string, verified: boolean) =>
    outcomes.filter((o) => o.kind === kind && o.verified === verified && o.wantErr === !verified).length;
  assert.deepEqual(
    {
      total: outcomes.length,
      inclusionVerified: count("inclusion", true),
      inclusionRejected: count("inclusion", false),
      consistencyVerified: count("consistency", true),
      consistencyRejected: count("consistency", false),
    },
    { total: 196, inclusionVerified: 6, inclusionRejected: 92, consistencyVerified: 6, consistencyRejected: 92 },
  );
  const verified = outcomes.filter((o) => o.verified).map((o) => o.file);
  assert.deepEqual(verified, [
    "consistency/0/happy-path.json",
    "consistency/1/happy-path.json",
    "consistency/2/happy-path.json",
    "consistency/3/happy-path.json",
    "consistency/4/happy-path.json",
    "consistency/additional/sizes-are-equal-one-and-proof-is-empty.json",
    "inclusion/0/happy-path.json",
    "inclusion/1/happy-path.json",
    "inclusion/2/happy-path.json",
    "inclusion/3/happy-path.json",
    "inclusion/4/happy-path.json",
    "inclusion/single-entry/matching-root-and-leaf.json",
  ]);
});

interface ReferenceTree {
  readonly leaf_inputs_hex: readonly string[];
  readonly leaf_hashes_hex: readonly string[];
  readonly root_by_tree_size_hex: readonly string[];
}

function readReferenceTree(dir: string): ReferenceTree {
  return JSON.parse(new TextDecoder().decode(readVector(dir, "merkle-transparency-dev/rfc6962_reference_tree.json")));
}

vectorTest(
  "RFC 9162 proofs: the RFC 6962 reference tree's leaves, and every proof in it, give its roots",
  async (dir) => {
    const tree = readReferenceTree(dir);
    const inputs = tree.leaf_inputs_hex.map(fromHex);
    const leaves = await Promise.all(inputs.map((input) => rfc9162StatementLeaf(input, "statement-as-is")));
    assert.deepEqual(leaves.map(toHex), tree.leaf_hashes_hex);
    const roots = tree.root_by_tree_size_hex.map(fromHex);
    assert.equal(roots.length, 9);
    for (let size = 1; size <= 8; size++) {
      assert.deepEqual(merkleTreeHash(inputs.slice(0, size)), roots[size], `reference MTH of size ${size}`);
      for (let index = 0; index < size; index++) {
        const bytes = encodeCbor([size, index, inclusionProof(index, inputs.slice(0, size))]);
        const root = rfc9162InclusionProofRoot(decodeRfc9162InclusionProof(bytes), leaves[index]!);
        assert.equal(toHex(root), tree.root_by_tree_size_hex[size], `leaf ${index} of ${size}`);
      }
      for (let old = 1; old < size; old++) {
        const bytes = encodeCbor([old, size, consistencyProof(old, inputs.slice(0, size))]);
        const proof = decodeRfc9162ConsistencyProof(bytes);
        assert.ok(verifyRfc9162Consistency(old, size, roots[old]!, roots[size]!, proof.path), `${old} to ${size}`);
        assert.equal(toHex(rfc9162ConsistencyNewRoot(proof, roots[old]!)), tree.root_by_tree_size_hex[size]);
      }
    }
  },
);

// ---------------------------------------------------------------------------------------------------------------
// RFC 9942 example receipts (cose-wg/draft-ietf-cose-merkle-tree-proofs examples/)

const EXAMPLES = "cose-receipts-rfc9942-examples";
const EXAMPLE_LEAF_3 = "987ba8093cabe31046a77bbe9aa4b5f62675d943386c7fbbe249cbaca5da242d";
const EXAMPLE_ROOT_3 = "688928db5e565af2fb9b29db5cce83de0e0352a0f0c671b450b9dc86bed2de3c";
const EXAMPLE_ROOT_5 = "895731b5a570ea1967dd7804b5f43146175f9ac87d1565985de3ecf09c98589c";

function readExample(dir: string, name: string) {
  return decodeCoseSign1(readVector(dir, `${EXAMPLES}/${name}`), { what: name, requireTag: true });
}

vectorTest("RFC 9942 examples: both receipts decode with vds 1, kid 'test-key-1', an issuer and no subject", (dir) => {
  for (const name of ["inclusion-receipt.cbor", "consistency-receipt.cbor"]) {
    const receipt = readExample(dir, name);
    assert.equal(receipt.protectedHeader.get(1), -7, name);
    assert.equal(receipt.protectedHeader.get(395), 1, name);
    assert.deepEqual(receipt.protectedHeader.get(4), utf8("test-key-1"), name);
    const cwt = receipt.protectedHeader.get(15);
    assert.ok(cwt instanceof Map);
    assert.deepEqual([...cwt], [[1, "https://transparency-service.example.com"]], name);
    assert.equal(receipt.payload, null, name);
    assert.equal(receipt.signature.length, 64, name);
  }
  const inclusion = decodeRfc9162Proofs(readExample(dir, "inclusion-receipt.cbor"));
  assert.equal(inclusion.kind, "inclusion");
  assert.deepEqual(inclusion.proofs.map((p) => [p.treeSize, p.leafIndex, p.path.length]), [[5, 3, 3]]);
  assert.deepEqual(inclusion.warnings, []);
  const consistency = decodeRfc9162Proofs(readExample(dir, "consistency-receipt.cbor"));
  assert.equal(consistency.kind, "consistency");
  assert.deepEqual(consistency.proofs.map((p) => [p.treeSize1, p.treeSize2, p.path.length]), [[3, 5, 4]]);
});

vectorTest("RFC 9942 examples: the consistency proof links root 3 to the root the inclusion proof leads to", (dir) => {
  const inclusion = decodeRfc9162Proofs(readExample(dir, "inclusion-receipt.cbor"));
  const consistency = decodeRfc9162Proofs(readExample(dir, "consistency-receipt.cbor"));
  assert.ok(inclusion.kind === "inclusion" && consistency.kind === "consistency");
  const link = consistency.proofs[0]!;
  // The entry bytes are not published; the consistency path happens to expose leaf 3's hash.
  assert.equal(toHex(link.path[1]!), EXAMPLE_LEAF_3);
  const root5 = rfc9162InclusionProofRoot(inclusion.proofs[0]!, link.path[1]!);
  assert.equal(toHex(root5), EXAMPLE_ROOT_5);
  assert.equal(toHex(rfc9162ConsistencyNewRoot(link, fromHex(EXAMPLE_ROOT_3))), EXAMPLE_ROOT_5);
  assert.ok(verifyRfc9162Consistency(3, 5, fromHex(EXAMPLE_ROOT_3), root5, link.path));
  const flipped = fromHex(EXAMPLE_ROOT_3);
  flipped[0]! ^= 1;
  assert.equal(verifyRfc9162Consistency(3, 5, flipped, root5, link.path), false);
  assert.throws(() => rfc9162ConsistencyNewRoot(link, flipped), codeIs("RECEIPT_PROOF_INVALID"));
});

vectorTest(
  "RFC 9942 examples: the consistency receipt reaches its signature check, which an unrelated key fails",
  async (dir) => {
    const service = await newServiceKey("P-256", "test-key-1");
    await assert.rejects(
      verifyRfc9162ConsistencyReceipt(readExample(dir, "consistency-receipt.cbor"), service.key, {
        oldRoot: fromHex(EXAMPLE_ROOT_3),
        oldTreeSize: 3,
      }),
      codeIs("RECEIPT_SIGNATURE_INVALID", new RegExp(`over root ${EXAMPLE_ROOT_5} \\(tree 3 to 5\\)$`)),
    );
  },
);

// ---------------------------------------------------------------------------------------------------------------
// Self-contained receipts: trees built with the reference, receipts signed with WebCrypto ES256

const ISSUER = "ledger.example";

interface TestService {
  readonly key: ServiceKey;
  readonly privateKey: CryptoKey;
}

async function newServiceKey(curve: "P-256" | "P-384", kid?: string): Promise<TestService> {
  const pair = await crypto.subtle.generateKey({ name: "ECDSA", namedCurve: curve }, true, ["sign", "verify"]);
  const key = publicKeyFromSpki(new Uint8Array(await crypto.subtle.exportKey("spki", pair.publicKey)));
  return {
    key: { issuer: ISSUER, kid: kid ?? await computeKid(key), key, sources: ["test"] },
    privateKey: pair.privateKey,
  };
}

function codeIs(code: ErrorCode, message?: RegExp) {
  return (error: unknown) => {
    assert.ok(error instanceof Error && "code" in error, String(error));
    assert.equal(error.code, code, error.message);
    if (message) assert.match(error.message, message);
    return true;
  };
}

interface ReceiptParts {
  readonly header?: ReadonlyMap<number, CborValue>;
  readonly vdp: ReadonlyMap<number, CborValue>;
  readonly root: Uint8Array;
  readonly payload?: Uint8Array | null;
}

/** Signs `["Signature1", protected, h'', root]` and encodes the tag-18 receipt with the proofs under 396. */
async function signReceipt(service: TestService, parts: ReceiptParts): Promise<Uint8Array> {
  const header = parts.header ??
    new Map<number, CborValue>([[1, -7], [4, utf8(service.key.kid)], [395, 1], [15, new Map([[1, ISSUER]])]]);
  const protectedBytes = encodeCbor(header);
  const signature = new Uint8Array(
    await crypto.subtle.sign(
      { name: "ECDSA", hash: "SHA-256" },
      service.privateKey,
      sigStructure(protectedBytes, parts.root) as Uint8Array<ArrayBuffer>,
    ),
  );
  return encodeCbor(tagged(18, [protectedBytes, new Map([[396, parts.vdp]]), parts.payload ?? null, signature]));
}

function inclusionVdp(...proofs: readonly (readonly CborValue[])[]): ReadonlyMap<number, CborValue> {
  return new Map([[-1, proofs.map((proof) => encodeCbor(proof))]]);
}

/** A statement with a payload, a stand-in signature and an unprotected header that registration strips. */
function makeStatement(unprotected: ReadonlyMap<number, CborValue>): Uint8Array {
  const protectedBytes = encodeCbor(new Map<number, CborValue>([[1, -7], [15, new Map([[1, "did:example:issuer"]])]]));
  return encodeCbor(tagged(18, [protectedBytes, unprotected, utf8("release 1.2"), new Uint8Array(64).fill(7)]));
}

const SIZE = 7;
const INDEX = 5;

interface Scenario {
  readonly service: TestService;
  readonly statement: Uint8Array;
  readonly entries: Uint8Array[];
  readonly root: Uint8Array;
  readonly path: Uint8Array[];
}

/** A 7-leaf tree whose leaf 5 is the statement under `rule`, and a service key. */
async function scenario(rule: Rfc9162LeafRule = "stripped-statement"): Promise<Scenario> {
  const service = await newServiceKey("P-256");
  const statement = makeStatement(new Map([[33, utf8("unprotected, stripped before registration")]]));
  const stripped = strippedStatement(decodeCoseSign1(statement));
  const entry = rule === "statement-as-is"
    ? statement
    : rule === "statement-digest"
    ? new Uint8Array(await crypto.subtle.digest("SHA-256", stripped as Uint8Array<ArrayBuffer>))
    : stripped;
  const entries = Array.from({ length: SIZE }, (_, i) => i === INDEX ? entry : utf8(`entry ${i}`));
  return { service, statement, entries, root: merkleTreeHash(entries), path: inclusionProof(INDEX, entries) };
}

async function receiptFor(s: Scenario, proof: readonly CborValue[] = [SIZE, INDEX, s.path]): Promise<Uint8Array> {
  return await signReceipt(s.service, { vdp: inclusionVdp(proof), root: s.root });
}

function verify(s: Scenario, receipt: Uint8Array, leafRule?: Rfc9162LeafRule, key = s.service.key) {
  return verifyRfc9162Receipt(decodeCoseSign1(receipt, { requireTag: true }), key, {
    statement: s.statement,
    ...(leafRule ? { leafRule } : {}),
  });
}

Deno.test("verifyRfc9162Receipt() accepts a receipt over the root of a tree holding the stripped statement", async () => {
  const s = await scenario();
  const result = await verify(s, await receiptFor(s));
  assert.equal(toHex(result.root), toHex(s.root));
  assert.deepEqual(result.proofs, [{ treeSize: SIZE, leafIndex: INDEX, path: s.path }]);
  assert.deepEqual(result.warnings, []);
});

Deno.test("verifyRfc9162Receipt() accepts the statement after the receipt is embedded in its header 394", async () => {
  const s = await scenario();
  const receipt = await receiptFor(s);
  const transparent = makeStatement(new Map([[394, [receipt]]]));
  const result = await verifyRfc9162Receipt(decodeCoseSign1(receipt), s.service.key, { statement: transparent });
  assert.equal(toHex(result.root), toHex(s.root));
});

Deno.test("verifyRfc9162Receipt() applies the named leaf rule, and fails a receipt made under another rule", async () => {
  for (const rule of ["statement-digest", "statement-as-is"] as const) {
    const s = await scenario(rule);
    const receipt = await receiptFor(s);
    assert.equal(toHex((await verify(s, receipt, rule)).root), toHex(s.root), rule);
    await assert.rejects(
      verify(s, receipt),
      codeIs("RECEIPT_SIGNATURE_INVALID", /\(leaf 5 of 7, leaf rule 'stripped-statement'\)$/),
      rule,
    );
  }
});

Deno.test("verifyRfc9162Receipt() rejects a receipt signed over another root", async () => {
  const s = await scenario();
  const otherRoot = merkleTreeHash(s.entries.slice(0, SIZE - 1));
  const receipt = await signReceipt(s.service, { vdp: inclusionVdp([SIZE, INDEX, s.path]), root: otherRoot });
  await assert.rejects(
    verify(s, receipt),
    codeIs("RECEIPT_SIGNATURE_INVALID", new RegExp(`^Receipt signature does not verify over root ${toHex(s.root)} `)),
  );
});

Deno.test("verifyRfc9162Receipt() rejects a proof whose leaf index was changed", async () => {
  const s = await scenario();
  // Leaf 4 of 7 needs a path as long as leaf 5's, so the fold succeeds and gives another root.
  await assert.rejects(verify(s, await receiptFor(s, [SIZE, 4, s.path])), codeIs("RECEIPT_SIGNATURE_INVALID"));
  // Leaf 6 of 7 needs two hashes, not three.
  await assert.rejects(
    verify(s, await receiptFor(s, [SIZE, 6, s.path])),
    codeIs("RECEIPT_PROOF_INVALID", /path has 3 hashes, leaf 6 of a tree of 7 needs 2$/),
  );
  await assert.rejects(
    verify(s, await receiptFor(s, [SIZE, SIZE, s.path])),
    codeIs("RECEIPT_PROOF_INVALID", /^Cannot decode inclusion proof 0: leaf index 7 is not below tree size 7$/),
  );
});

Deno.test("verifyRfc9162Receipt() rejects a proof with one bit flipped in a path hash", async () => {
  const s = await scenario();
  const path = s.path.map((hash) => hash.slice());
  path[1]![31]! ^= 0x01;
  await assert.rejects(verify(s, await receiptFor(s, [SIZE, INDEX, path])), codeIs("RECEIPT_SIGNATURE_INVALID"));
});

Deno.test("verifyRfc9162Receipt() rejects a path of 65 hashes before reading them", async () => {
  const s = await scenario();
  const path = Array.from({ length: 65 }, () => new Uint8Array(32));
  await assert.rejects(
    verify(s, await receiptFor(s, [SIZE, INDEX, path])),
    codeIs("RECEIPT_PROOF_INVALID", /^Cannot decode inclusion proof 0: 65 path hashes, more than 64$/),
  );
});

Deno.test("verifyRfc9162Receipt() rejects hashes that are not 32 bytes and numbers that are not small uints", async () => {
  const s = await scenario();
  const short = [s.path[0]!, s.path[1]!.subarray(1), s.path[2]!];
  await assert.rejects(
    verify(s, await receiptFor(s, [SIZE, INDEX, short])),
    codeIs("RECEIPT_PROOF_INVALID", /path hash 1 must be a 32-byte string$/),
  );
  const path = encodeCbor(s.path);
  const cases: [string, Uint8Array, RegExp][] = [
    ["2^53 leaves", concat([fromHex("831b0020000000000000" + "05"), path]), /tree size exceeds 9007199254740991$/],
    ["a float size", concat([fromHex("83f94700" + "05"), path]), /tree size must be an unsigned integer$/],
    ["a negative index", concat([fromHex("830720"), path]), /leaf index must be an unsigned integer$/],
    ["trailing bytes", concat([fromHex("830705"), path, fromHex("00")]), /not valid CBOR/],
    ["four items", concat([fromHex("840705"), path, fromHex("00")]), /expected an array of 3 items$/],
  ];
  for (const [what, bytes, message] of cases) {
    const receipt = await signReceipt(s.service, { vdp: new Map([[-1, [bytes]]]), root: s.root });
    await assert.rejects(verify(s, receipt), codeIs("RECEIPT_PROOF_INVALID", message), what);
  }
});

Deno.test("verifyRfc9162Receipt() rejects more than 8 proofs, and proofs that lead to different roots", async () => {
  const s = await scenario();
  const proof = [SIZE, INDEX, s.path];
  const nine = await signReceipt(s.service, { vdp: inclusionVdp(...Array(9).fill(proof)), root: s.root });
  await assert.rejects(
    verify(s, nine),
    codeIs("RECEIPT_PROOF_INVALID", /^Cannot decode receipt: 9 inclusion proofs, more than 8$/),
  );
  const two = await signReceipt(s.service, { vdp: inclusionVdp(proof, [SIZE, 4, s.path]), root: s.root });
  await assert.rejects(verify(s, two), codeIs("RECEIPT_PROOF_INVALID", /^Receipt inclusion proofs 0 and 1 lead/));
});

Deno.test("verifyRfc9162Receipt() rejects another key under the same kid, another kid, and a P-384 key", async () => {
  const s = await scenario();
  const receipt = await receiptFor(s);
  const impostor = await newServiceKey("P-256", s.service.key.kid);
  await assert.rejects(verify(s, receipt, undefined, impostor.key), codeIs("RECEIPT_SIGNATURE_INVALID"));
  const other = await newServiceKey("P-256");
  await assert.rejects(
    verify(s, receipt, undefined, other.key),
    codeIs("RECEIPT_KID_MISMATCH", new RegExp(`^Cannot verify receipt: kid '${s.service.key.kid}' is not`)),
  );
  const p384 = await newServiceKey("P-384", s.service.key.kid);
  await assert.rejects(
    verify(s, receipt, undefined, p384.key),
    codeIs(
      "RECEIPT_ALG_MISMATCH",
      /^Cannot verify receipt: algorithm ES256 does not fit the service key \(EC P-384\)$/,
    ),
  );
});

Deno.test("verifyRfc9162Receipt() rejects vds 2, a missing vds, an attached payload and consistency proofs", async () => {
  const s = await scenario();
  const vdp = inclusionVdp([SIZE, INDEX, s.path]);
  const header = (vds?: number) =>
    new Map<number, CborValue>([[1, -7], [4, utf8(s.service.key.kid)], ...(vds ? [[395, vds] as const] : [])]);
  await assert.rejects(
    verify(s, await signReceipt(s.service, { header: header(2), vdp, root: s.root })),
    codeIs("RECEIPT_UNSUPPORTED_VDS", /^Cannot verify receipt: vds 2 is not RFC9162_SHA256 \(1\)$/),
  );
  await assert.rejects(
    verify(s, await signReceipt(s.service, { header: header(), vdp, root: s.root })),
    codeIs("RECEIPT_MALFORMED", /no verifiable data structure \(label 395\)$/),
  );
  await assert.rejects(
    verify(s, await signReceipt(s.service, { vdp, root: s.root, payload: s.root })),
    codeIs("RECEIPT_MALFORMED", /^Cannot verify receipt: the payload must be detached \(nil\), found 32 bytes$/),
  );
  const consistency = new Map([[-2, [encodeCbor([3, SIZE, consistencyProof(3, s.entries)])]]]);
  await assert.rejects(
    verify(s, await signReceipt(s.service, { vdp: consistency, root: s.root })),
    codeIs("RECEIPT_PROOF_INVALID", /carries consistency proofs \(-2\), not inclusion proofs \(-1\)$/),
  );
  const both = new Map([...vdp, ...consistency]);
  await assert.rejects(
    verify(s, await signReceipt(s.service, { vdp: both, root: s.root })),
    codeIs("RECEIPT_PROOF_INVALID", /must hold exactly one of -1 \(inclusion\) or -2 \(consistency\)/),
  );
});

Deno.test("decodeRfc9162Proofs() accepts an empty inclusion path for a single-leaf tree, with a warning", async () => {
  const s = await scenario();
  const receipt = await signReceipt(s.service, { vdp: inclusionVdp([1, 0, []]), root: s.root });
  const proofs = decodeRfc9162Proofs(decodeCoseSign1(receipt));
  assert.deepEqual(proofs, {
    kind: "inclusion",
    proofs: [{ treeSize: 1, leafIndex: 0, path: [] }],
    warnings: ["Inclusion proof 0 has an empty path, which the RFC 9942 CDDL does not allow"],
  });
});

Deno.test("verifyRfc9162ConsistencyReceipt() returns the newer root a consistency proof leads to", async () => {
  const s = await scenario();
  for (const old of [3, 4]) {
    const vdp = new Map([[-2, [encodeCbor([old, SIZE, consistencyProof(old, s.entries)])]]]);
    const receipt = decodeCoseSign1(await signReceipt(s.service, { vdp, root: s.root }));
    const oldRoot = merkleTreeHash(s.entries.slice(0, old));
    const result = await verifyRfc9162ConsistencyReceipt(receipt, s.service.key, { oldRoot, oldTreeSize: old });
    assert.equal(toHex(result.root), toHex(s.root), `${old} to ${SIZE}`);
    assert.equal(result.treeSize, SIZE);
    // From 3 leaves the proof rebuilds the old root itself; from 4 (a power of two) the old root is the proof's
    // first node, so a wrong one surfaces as a wrong newer root.
    const wrongRoot = merkleTreeHash(s.entries.slice(0, old - 1));
    await assert.rejects(
      verifyRfc9162ConsistencyReceipt(receipt, s.service.key, { oldRoot: wrongRoot, oldTreeSize: old }),
      old === 3
        ? codeIs(
          "RECEIPT_PROOF_INVALID",
          new RegExp(`^Consistency proof from 3 to 7 rebuilds old root ${toHex(oldRoot)}, `),
        )
        : codeIs("RECEIPT_SIGNATURE_INVALID", /\(tree 4 to 7\)$/),
      `${old} to ${SIZE} from a wrong root`,
    );
    await assert.rejects(
      verifyRfc9162ConsistencyReceipt(receipt, s.service.key, { oldRoot, oldTreeSize: old - 1 }),
      codeIs("RECEIPT_PROOF_INVALID", new RegExp(`starts at tree size ${old}, not at the old tree size ${old - 1}$`)),
    );
  }
});

Deno.test("verifyRfc9162ConsistencyReceipt() rejects equal tree sizes and an empty path, which RFC 9942 does not allow", async () => {
  const s = await scenario();
  const cases: [readonly CborValue[], RegExp][] = [
    [[SIZE, SIZE, []], /both tree sizes are 7$/],
    [[3, SIZE, []], /the path is empty$/],
    [[SIZE, 3, [s.root]], /tree size 2 \(3\) is below tree size 1 \(7\)$/],
    [[0, SIZE, [s.root]], /tree size 1 must be positive$/],
  ];
  for (const [proof, message] of cases) {
    const vdp = new Map([[-2, [encodeCbor(proof)]]]);
    const receipt = decodeCoseSign1(await signReceipt(s.service, { vdp, root: s.root }));
    await assert.rejects(
      verifyRfc9162ConsistencyReceipt(receipt, s.service.key, { oldRoot: s.root, oldTreeSize: proof[0] as number }),
      codeIs("RECEIPT_PROOF_INVALID", message),
    );
  }
});

Deno.test("decodeRfc9162Proofs() rejects a missing or ill-shaped label 396 with one-line coded errors", () => {
  const proof = encodeCbor([1, 0, []]);
  const cases: [string, CborValue | undefined, RegExp][] = [
    ["no 396", undefined, /^Cannot decode receipt: no verifiable data proof \(label 396\)$/],
    ["396 an array", [proof], /^Cannot decode receipt: verifiable data proof 396 must be a map$/],
    ["key -3", new Map([[-3, [proof]]]), /found keys \[-3\]$/],
    ["-1 a byte string", new Map([[-1, proof]]), /^Cannot decode receipt: inclusion proofs must be an array$/],
    ["-1 empty", new Map([[-1, []]]), /^Cannot decode receipt: at least one inclusion proof is required$/],
    ["-1 holding an array", new Map([[-1, [[1, 0, []]]]]), /^Cannot decode inclusion proof 0: expected a byte string$/],
  ];
  for (const [what, vdp, message] of cases) {
    const unprotected = vdp === undefined ? new Map() : new Map([[396, vdp]]);
    const receipt = decodeCoseSign1(encodeCbor(tagged(18, [new Uint8Array(), unprotected, null, new Uint8Array()])));
    assert.throws(() => decodeRfc9162Proofs(receipt), codeIs("RECEIPT_PROOF_INVALID", message), what);
  }
});

Deno.test("verifyRfc9162Receipt() checks a signature shared by two statements' receipts once with a cache", async () => {
  const s = await scenario();
  const other = makeStatement(new Map());
  const entries = s.entries.map((entry, i) => i === 2 ? strippedStatement(decodeCoseSign1(other)) : entry);
  const root = merkleTreeHash(entries);
  const signed = decodeCoseSign1(await signReceipt(s.service, { vdp: inclusionVdp([SIZE, INDEX, []]), root }));
  // Both receipts carry the same protected header and signature over the root; only the proofs under 396 differ.
  const sharing = (index: number) =>
    decodeCoseSign1(encodeCbor(tagged(18, [
      signed.protectedBytes,
      new Map([[396, inclusionVdp([SIZE, index, inclusionProof(index, entries)])]]),
      null,
      signed.signature,
    ])));
  const cache = new VerificationCache();
  for (const [index, statement] of [[INDEX, s.statement], [2, other]] as const) {
    const result = await verifyRfc9162Receipt(sharing(index), s.service.key, { statement, cache });
    assert.equal(toHex(result.root), toHex(root), `leaf ${index}`);
  }
  assert.deepEqual(
    { hits: cache.stats().signatureHits, misses: cache.stats().signatureMisses },
    { hits: 1, misses: 1 },
  );
});
