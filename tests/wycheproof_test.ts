/**
 * Wycheproof conformance of the signature layer, through the COSE algorithm table (spec §4): every `valid`
 * vector verifies, every `invalid` one is rejected, and each `acceptable` one goes the pinned way. Every ECDSA
 * and RSA key is one the WebAssembly signature core (core/crypto/signature_core.ts) takes, so these are the
 * core's results; Ed25519 stays on WebCrypto. Keys come in
 * through `publicKeyFromSpki` (the group's `publicKeyDer`) and, where the group carries a JWK, again through
 * `publicKeyFromJwk`, which must yield the same key and the same outcome for every vector.
 *
 * @module
 */

import assert from "node:assert/strict";
import { fromHex } from "../core/bytes.ts";
import { type CoseAlgorithm, coseAlgorithm } from "../core/cose/algorithms.ts";
import { AuditError } from "../core/errors.ts";
import { type PublicKey, publicKeyFromJwk, publicKeyFromSpki } from "../core/crypto/public_key.ts";
import { verifySignature } from "../core/crypto/signature.ts";
import { coreSupports } from "../core/crypto/signature_core.ts";
import { vectorTest } from "./_vectors.ts";

type Outcome = "verified" | "rejected" | `key rejected: ${string}`;

interface WycheproofTest {
  readonly tcId: number;
  readonly msg: string;
  readonly sig: string;
  readonly result: "valid" | "invalid" | "acceptable";
  readonly flags: readonly string[];
}

interface WycheproofGroup {
  readonly publicKeyDer: string;
  /** ECDSA, EdDSA and RSA-PSS files name the JWK `publicKeyJwk`; the RSA PKCS #1 files name it `keyJwk`. */
  readonly publicKeyJwk?: unknown;
  readonly keyJwk?: unknown;
  readonly sha?: string;
  readonly mgfSha?: string;
  readonly sLen?: number;
  readonly tests: readonly WycheproofTest[];
}

interface WycheproofFile {
  readonly numberOfTests: number;
  readonly testGroups: readonly WycheproofGroup[];
}

interface FileCase {
  /** File name under `wycheproof/`, e.g. "ed25519_test.json". */
  readonly file: string;
  /** The COSE algorithm id whose scheme the file exercises, e.g. -7. */
  readonly alg: number;
  /**
   * How each `acceptable` vector goes, by tcId. Either way is conformant; pinning it makes a change of backend
   * behaviour visible. The core rejects a PKCS #1 DigestInfo without the NULL parameters (flag MissingNull): it
   * compares the whole encoding with the one RFC 8017 §9.2 builds, which has the NULL, and never parses it
   * (WebCrypto rejected it too).
   */
  readonly acceptable?: Readonly<Record<number, Outcome>>;
}

const FILES: readonly FileCase[] = [
  { file: "ecdsa_secp256r1_sha256_p1363_test.json", alg: -7 },
  { file: "ecdsa_secp384r1_sha384_p1363_test.json", alg: -35 },
  { file: "ecdsa_secp521r1_sha512_p1363_test.json", alg: -36 },
  { file: "ed25519_test.json", alg: -8 },
  { file: "rsa_pss_2048_sha256_mgf1_32_test.json", alg: -37 },
  { file: "rsa_pss_2048_sha384_mgf1_48_test.json", alg: -38 },
  { file: "rsa_pss_3072_sha256_mgf1_32_test.json", alg: -37 },
  { file: "rsa_pss_4096_sha384_mgf1_48_test.json", alg: -38 },
  { file: "rsa_pss_4096_sha512_mgf1_64_test.json", alg: -39 },
  { file: "rsa_signature_2048_sha256_test.json", alg: -257, acceptable: { 8: "rejected" } },
  { file: "rsa_signature_3072_sha384_test.json", alg: -258, acceptable: { 8: "rejected" } },
];

/** The group's parameters must be the ones the COSE algorithm fixes, or the file exercises something else. */
function assertGroupMatchesAlgorithm(group: WycheproofGroup, alg: CoseAlgorithm): void {
  const scheme = alg.scheme;
  if (scheme.name === "Ed25519") return;
  assert.equal(group.sha, scheme.hash, `${alg.name} hashes with ${scheme.hash}`);
  if (scheme.name === "RSA-PSS") {
    assert.equal(group.mgfSha, scheme.hash, `${alg.name} uses MGF1 with ${scheme.hash}`);
    assert.equal(group.sLen, scheme.saltLength, `${alg.name} uses a ${scheme.saltLength}-byte salt`);
  }
}

function keyRejection(error: unknown): Outcome {
  if (error instanceof AuditError) return `key rejected: ${error.code}`;
  throw error;
}

/** Verifies every vector of a group with one imported key; a key that cannot be imported rejects them all. */
async function runGroup(
  group: WycheproofGroup,
  alg: CoseAlgorithm,
  importKey: () => PublicKey,
): Promise<{ key?: PublicKey; outcomes: Outcome[] }> {
  let key: PublicKey;
  try {
    key = importKey();
  } catch (error) {
    return { outcomes: group.tests.map(() => keyRejection(error)) };
  }
  if (alg.curve !== undefined) {
    assert.equal(key.kty === "EC" && key.crv, alg.curve, `${alg.name} keys are ${alg.curve}`);
  }
  assert.equal(coreSupports(key, alg.scheme), alg.scheme.name !== "Ed25519", `${alg.name} runs on the signature core`);
  const outcomes = await Promise.all(group.tests.map(async (test): Promise<Outcome> => {
    try {
      return await verifySignature(key, alg.scheme, fromHex(test.msg), fromHex(test.sig)) ? "verified" : "rejected";
    } catch (error) {
      return keyRejection(error);
    }
  }));
  return { key, outcomes };
}

/** The SPKI outcomes of a group, after checking that its JWK (when present) gives the same key and outcomes. */
async function checkGroup(
  file: string,
  group: WycheproofGroup,
  alg: CoseAlgorithm,
): Promise<{ outcomes: Outcome[]; keyImported: boolean; jwkChecked: boolean }> {
  assertGroupMatchesAlgorithm(group, alg);
  const jwk = group.publicKeyJwk ?? group.keyJwk;
  const [fromSpki, fromJwk] = await Promise.all([
    runGroup(group, alg, () => publicKeyFromSpki(fromHex(group.publicKeyDer))),
    jwk === undefined ? undefined : runGroup(group, alg, () => publicKeyFromJwk(jwk)),
  ]);
  if (fromJwk !== undefined) {
    assert.deepEqual(fromJwk.key?.spki, fromSpki.key?.spki, `${file}: the JWK and the SPKI give the same key`);
    assert.deepEqual(fromJwk.outcomes, fromSpki.outcomes, `${file}: the JWK key gives the same outcomes`);
  }
  return { outcomes: fromSpki.outcomes, keyImported: fromSpki.key !== undefined, jwkChecked: fromJwk !== undefined };
}

interface Tally {
  groups: number;
  valid: number;
  verified: number;
  invalid: number;
  rejected: number;
  acceptable: { tcId: number; flags: readonly string[]; outcome: Outcome }[];
  keysRejected: number;
  jwkGroups: number;
  mismatches: string[];
}

async function runFile(dir: string, { file, alg: algId }: FileCase): Promise<Tally> {
  const data = JSON.parse(await Deno.readTextFile(`${dir}/wycheproof/${file}`)) as WycheproofFile;
  const alg = coseAlgorithm(algId);
  const results = await Promise.all(data.testGroups.map((group) => checkGroup(file, group, alg)));
  const tally: Tally = {
    groups: data.testGroups.length,
    valid: 0,
    verified: 0,
    invalid: 0,
    rejected: 0,
    acceptable: [],
    keysRejected: results.filter((r) => !r.keyImported).length,
    jwkGroups: results.filter((r) => r.jwkChecked).length,
    mismatches: [],
  };
  data.testGroups.forEach((group, g) => {
    group.tests.forEach((test, i) => {
      const outcome = results[g]!.outcomes[i]!;
      if (test.result === "acceptable") {
        tally.acceptable.push({ tcId: test.tcId, flags: test.flags, outcome });
        return;
      }
      const expected = test.result === "valid" ? "verified" : "rejected";
      tally[test.result]++;
      if (outcome === expected) tally[expected]++;
      else tally.mismatches.push(`tc ${test.tcId} (${test.result}, ${test.flags.join(" ")}): ${outcome}`);
    });
  });
  assert.equal(tally.valid + tally.invalid + tally.acceptable.length, data.numberOfTests);
  return tally;
}

function summary(file: string, algName: string, tally: Tally): string {
  const acceptable = tally.acceptable.map((a) => `, acceptable tc ${a.tcId} [${a.flags.join(" ")}]: ${a.outcome}`)
    .join("");
  return `${file} ${algName}: ${tally.verified}/${tally.valid} valid verified, ` +
    `${tally.rejected}/${tally.invalid} invalid rejected${acceptable}; ` +
    `${tally.keysRejected} keys rejected; JWK import agrees on ${tally.jwkGroups}/${tally.groups} groups`;
}

vectorTest("verifySignature() meets every Wycheproof expectation, per file", async (dir, t) => {
  const present = [...Deno.readDirSync(`${dir}/wycheproof`)].map((e) => e.name).filter((n) => n.endsWith(".json"));
  assert.deepEqual(present.sort(), FILES.map((f) => f.file).sort(), "every Wycheproof file is listed here");
  const start = performance.now();
  let vectors = 0;
  for (const fileCase of FILES) {
    await t.step(`${fileCase.file} (${coseAlgorithm(fileCase.alg).name})`, async () => {
      const tally = await runFile(dir, fileCase);
      console.log(summary(fileCase.file, coseAlgorithm(fileCase.alg).name, tally));
      const detail = tally.mismatches.join("\n");
      assert.equal(tally.verified, tally.valid, `valid vectors not verified:\n${detail}`);
      assert.equal(tally.rejected, tally.invalid, `invalid vectors not rejected:\n${detail}`);
      assert.equal(tally.keysRejected, 0, "every key imports");
      const acceptable = Object.fromEntries(tally.acceptable.map((a) => [a.tcId, a.outcome]));
      assert.deepEqual(acceptable, fileCase.acceptable ?? {}, "acceptable vectors go the pinned way");
      vectors += tally.valid + tally.invalid + tally.acceptable.length;
    });
  }
  console.log(`Wycheproof: ${vectors} vectors in ${Math.round(performance.now() - start)} ms`);
});
